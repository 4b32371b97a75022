package io.sluice.tests.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first run: the README's first command, exactly as written, started from the checkout.
 * Create a topic, produce three records (one binary), fetch them from offsets 0 and 1, stop the stack
 * (no child process may survive), start it again with the same command, and find the records there.
 */
class FirstRunTest {

    private static final Path ROOT = EmbeddedBackends.projectRoot();

    /** The first command of the README's quick start. */
    static String readmeStartCommand() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        int section = lines.indexOf("## Quick start");
        assertThat(section).as("README has a '## Quick start' section").isNotNegative();
        for (int i = section; i < lines.size() - 1; i++) {
            if (lines.get(i).equals("```bash")) {
                return lines.get(i + 1).trim();
            }
        }
        throw new AssertionError("no bash block in the README's quick start");
    }

    private record Running(Process process, URI endpoint, List<ProcessHandle> children) {
    }

    private static Running start(String command, int port, Path dataDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile())
                .redirectErrorStream(true);
        builder.environment().put("SLUICE_PORT", Integer.toString(port));
        builder.environment().put("SLUICE_DATA_DIR", dataDir.toString());
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    if (line.contains("listening on")) {
                        String console = out.readLine();
                        drain(out);
                        return line + "\n" + console;
                    }
                }
            } catch (IOException e) {
                seen.append(e);
            }
            throw new IllegalStateException("the local stack exited before listening:\n" + seen);
        });
        String line = ready.get(5, TimeUnit.MINUTES);
        assertThat(line).contains("http://127.0.0.1:" + port)
                .endsWith("\nWeb console: http://127.0.0.1:" + port + "/console/");
        return new Running(process, URI.create("http://127.0.0.1:" + port),
                process.toHandle().descendants().toList());
    }

    private static void drain(BufferedReader out) {
        Thread drainer = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling up
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "first-run-drain");
        drainer.setDaemon(true);
        drainer.start();
    }

    private static void stop(Running running) throws InterruptedException {
        running.process().destroy();
        assertThat(running.process().waitFor(60, TimeUnit.SECONDS)).as("the stack stops on SIGTERM").isTrue();
        for (ProcessHandle child : running.children()) {
            child.onExit().completeOnTimeout(child, 10, TimeUnit.SECONDS).join();
            assertThat(child.isAlive()).as("child process %d (%s) left behind", child.pid(),
                    child.info().command().orElse("?")).isFalse();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void createProduceFetchRestartAndTheRecordsAreStillThere(@TempDir Path dataDir) throws Exception {
        String command = readmeStartCommand();
        int port = freePort();
        byte[] binary = {0, (byte) 0xff, 1, (byte) 0xfe, 0x1b, 0};
        String b64 = Base64.getEncoder().encodeToString(binary);

        Running first = start(command, port, dataDir);
        assertThat(first.children()).as("dynalite runs as a child").isNotEmpty();
        String fromZero;
        String fromOne;
        try {
            HttpApiClient api = new HttpApiClient(first.endpoint());
            java.net.http.HttpResponse<String> console = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(first.endpoint().resolve("/console/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(console.statusCode()).as("the web console it printed").isEqualTo(200);
            assertThat(console.body()).contains("<title>Sluice console</title>");
            assertThat(api.post("/topics", "{\"name\":\"first-run\",\"partitions\":1}").status()).isEqualTo(201);
            Response produced = api.post("/topics/first-run/records", "{\"records\":[{\"value\":\"aGVsbG8=\"},"
                    + "{\"value\":\"" + b64 + "\"},{\"key\":\"aw==\",\"value\":\"dGhpcmQ=\"}]}");
            assertThat(produced.status()).as(produced.body()).isEqualTo(200);
            fromZero = api.get("/topics/first-run/partitions/0/records?offset=0").body();
            fromOne = api.get("/topics/first-run/partitions/0/records?offset=1").body();
            assertThat(api.get("/topics/first-run/partitions/0/records?offset=0").json().path("records"))
                    .extracting(r -> r.path("value").asText()).containsExactly("aGVsbG8=", b64, "dGhpcmQ=");
            assertThat(Base64.getDecoder().decode(
                    api.get("/topics/first-run/partitions/0/records?offset=1").json().path("records").get(0)
                            .path("value").asText())).isEqualTo(binary);
        } finally {
            stop(first);
        }

        Running second = start(command, port, dataDir);
        try {
            HttpApiClient api = new HttpApiClient(second.endpoint());
            assertThat(api.get("/topics/first-run/partitions/0/records?offset=0").body()).isEqualTo(fromZero);
            assertThat(api.get("/topics/first-run/partitions/0/records?offset=1").body()).isEqualTo(fromOne);
        } finally {
            stop(second);
        }
    }
}
