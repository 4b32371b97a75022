package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.LocalApiGateway;
import io.sluice.infra.LocalStack;
import io.sluice.infra.LocalStackCommand;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, smaller holes: the local stack had no Host or Origin check, so a web page could POST to it
 * (and a DNS-rebound name could read from it), and its data directory followed the umask. Requests from a
 * non-local Origin, or naming another Host, are refused with 403 before any function runs; binding to a
 * non-loopback address without credentials prints a warning; the data directory is created 0700.
 */
@ExtendWith(LocalStackExtension.class)
class LocalStackHygieneTest {

    private final HttpApiClient api;
    private final HttpClient http = HttpClient.newHttpClient();

    LocalStackHygieneTest(HttpApiClient api) {
        this.api = api;
    }

    private int postWithOrigin(String origin, String topic) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.endpoint().resolve("/topics"))
                .header("Origin", origin).header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + topic + "\",\"partitions\":1}")).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The status of a GET sent with {@code host} as its Host header (which java.net.http will not set). */
    private int getWithHost(String host) throws IOException {
        URI endpoint = api.endpoint();
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /topics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void aWebPageOfAnotherOriginCannotCreateATopic() throws Exception {
        assertThat(postWithOrigin("http://evil.example", "from-a-web-page")).isEqualTo(403);
        assertThat(postWithOrigin("null", "from-a-sandbox")).isEqualTo(403);
        assertThat(postWithOrigin("https://localhost.evil.example", "from-a-lookalike")).isEqualTo(403);
        assertThat(api.get("/topics/from-a-web-page").status()).as("nothing was created").isEqualTo(404);
        assertThat(api.get("/topics/from-a-sandbox").status()).isEqualTo(404);
        assertThat(postWithOrigin("http://localhost:3000", "from-a-local-page")).isEqualTo(201);
        assertThat(postWithOrigin("http://127.0.0.1:8080", "from-another-local-page")).isEqualTo(201);
    }

    @Test
    void aRequestNamingAnotherHostIsRefused() throws IOException {
        int port = api.endpoint().getPort();
        assertThat(getWithHost("rebound.evil.example:" + port)).isEqualTo(403);
        assertThat(getWithHost("127.0.0.1:" + (port == 1 ? 2 : port - 1))).isEqualTo(403);
        assertThat(getWithHost("127.0.0.1:" + port)).isEqualTo(200);
        assertThat(getWithHost("localhost:" + port)).isEqualTo(200);
    }

    @Test
    void onEveryInterfaceAnyIpLiteralIsTakenButNoName() {
        InetSocketAddress any = new InetSocketAddress("0.0.0.0", 7070);
        assertThat(LocalApiGateway.foreignRequest(null, "192.168.1.20:7070", any)).isNull();
        assertThat(LocalApiGateway.foreignRequest(null, "[fe80::1]:7070", any)).isNull();
        assertThat(LocalApiGateway.foreignRequest(null, "rebound.evil.example:7070", any)).isNotNull();
        assertThat(LocalApiGateway.foreignRequest(null, null, any)).isNull();
    }

    @Test
    void thePagesThisServerServedMayCallItFromTheAddressTheyWereOpenedAt() {
        InetSocketAddress any = new InetSocketAddress("0.0.0.0", 7070);
        assertThat(LocalApiGateway.foreignRequest("http://192.168.1.20:7070", "192.168.1.20:7070", any))
                .as("the console opened at a LAN address: same origin").isNull();
        assertThat(LocalApiGateway.foreignRequest("http://192.168.1.20:7070", "192.168.1.21:7070", any))
                .as("a page of another machine").isNotNull();
        assertThat(LocalApiGateway.foreignRequest("http://192.168.1.20:8080", "192.168.1.20:7070", any))
                .as("another server of that machine").isNotNull();
        assertThat(LocalApiGateway.foreignRequest("http://rebound.evil.example:7070", "rebound.evil.example:7070", any))
                .as("a rebound name is refused by its Host, same origin or not").isNotNull();
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 7070);
        assertThat(LocalApiGateway.foreignRequest("http://127.0.0.1:7070", "127.0.0.1:7070", loopback)).isNull();
    }

    @Test
    void aNonLoopbackBindWithoutCredentialsPrintsAWarning() {
        assertThat(LocalStackCommand.exposureWarning("0.0.0.0", false)).get().asString()
                .contains("WARNING").contains("0.0.0.0").contains("--auth none");
        assertThat(LocalStackCommand.exposureWarning("127.0.0.1", false)).isEmpty();
        assertThat(LocalStackCommand.exposureWarning("localhost", false)).isEmpty();
        assertThat(LocalStackCommand.exposureWarning("::1", false)).isEmpty();
        assertThat(LocalStackCommand.exposureWarning("0.0.0.0", true)).isEmpty();
    }

    @Test
    void theDataDirectoryIsCreatedReadableOnlyByItsOwner(@TempDir Path dir) throws IOException {
        Path dataDir = dir.resolve("new").resolve(".sluice");
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dataDir,
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir()))) {
            assertThat(stack.endpoint()).isNotNull();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
    }
}
