package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SluiceHttpSigningTest {

    /** Loopback, but not an address SluiceHttp treats as the (unsigned) local stack. */
    private static final String NOT_LOCAL_LOOPBACK = "127.0.0.2";

    private static SluiceHttp http(String endpoint) {
        return new SluiceHttp(new SluiceHttp.Config(URI.create(endpoint), "eu-west-1", Duration.ofSeconds(5),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))));
    }

    /** The independent verifier agrees with AWS's published SigV4 test suite (get-vanilla and its query variant). */
    @Test
    void theVerifierReproducesAwsPublishedTestVectors() {
        Map<String, List<String>> headers = Map.of("host", List.of("example.amazonaws.com"),
                "x-amz-date", List.of("20150830T123600Z"));
        String[] signed = {"host", "x-amz-date"};
        String secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        assertThat(SigV4Verifier.signature("GET", "/", "", headers, signed, new byte[0], secret, "20150830",
                "us-east-1", "service", "20150830T123600Z"))
                .isEqualTo("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        assertThat(SigV4Verifier.signature("GET", "/", "Param2=value2&Param1=value1", headers, signed, new byte[0],
                secret, "20150830", "us-east-1", "service", "20150830T123600Z"))
                .isEqualTo("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    }

    /**
     * Issue 15, item 1: every method, with and without a body, with a query string, is signed over exactly
     * the headers that reach the server, and the signature verifies there. The old signer signed
     * content-type on GET and DELETE, which carry none, so API Gateway would answer 403 to every fetch,
     * describe, list and delete.
     */
    @Test
    void signaturesVerifyOverTheHeadersActuallySentForGetDeleteAndPost() throws Exception {
        List<SigV4Verifier.Received> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(NOT_LOCAL_LOOPBACK, 0), 0);
        server.createContext("/", exchange -> {
            received.add(new SigV4Verifier.Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), new TreeMap<>(exchange.getRequestHeaders()),
                    exchange.getRequestBody().readAllBytes()));
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String endpoint = "http://" + NOT_LOCAL_LOOPBACK + ":" + server.getAddress().getPort();
            for (AwsCredentialsProvider credentials : List.of(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                    StaticCredentialsProvider.create(AwsSessionCredentials.create("AKIDEXAMPLE", "secret", "token")))) {
                received.clear();
                SluiceHttp aws = new SluiceHttp(new SluiceHttp.Config(URI.create(endpoint), "eu-west-1",
                        Duration.ofSeconds(5), credentials));
                assertThat(aws.config().local()).as("signed, though on loopback").isFalse();
                aws.get("/topics", Map.class);
                aws.get("/topics/t/partitions/0/records?offset=0&maxBytes=1048576", Map.class);
                aws.delete("/topics/t");
                aws.post("/topics", Map.of("name", "t", "partitions", 1), Map.class);
                aws.post("/producers", null, Map.class);
                assertThat(received).extracting(SigV4Verifier.Received::method)
                        .containsExactly("GET", "GET", "DELETE", "POST", "POST");
                for (SigV4Verifier.Received request : received) {
                    SigV4Verifier.verify(request, "AKIDEXAMPLE", "secret", "eu-west-1", "execute-api");
                    assertThat(request.headers().get("Authorization").get(0))
                            .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                            .contains("/eu-west-1/execute-api/aws4_request");
                    assertThatThrownBy(() -> SigV4Verifier.verify(request, "AKIDEXAMPLE", "wrong", "eu-west-1",
                            "execute-api")).as("a wrong secret does not verify").isInstanceOf(AssertionError.class)
                            .hasMessageContaining("signature mismatch");
                }
                assertThat(received.get(3).headers()).as("a body is sent with its content type")
                        .containsEntry("Content-type", List.of("application/json"));
            }
        } finally {
            server.stop(0);
        }
    }

    /** The headers the signer returns, which send() puts on the request, never include host. */
    @Test
    void requestsToAwsAreSignedWithSigV4ForExecuteApi() {
        SluiceHttp aws = http("https://abc123.execute-api.eu-west-1.amazonaws.com");
        Map<String, String> headers = aws.authorization("POST", URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/topics"),
                "{\"name\":\"t\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(headers.get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/execute-api/aws4_request")
                .contains("Signature=");
        assertThat(headers).containsKey("X-Amz-Date");
        assertThat(headers.keySet()).noneMatch(h -> h.equalsIgnoreCase("host"));
    }

    @Test
    void theSignatureCoversThePayload() {
        SluiceHttp aws = http("https://abc123.execute-api.eu-west-1.amazonaws.com");
        URI uri = URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/topics");
        String a = aws.authorization("POST", uri, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).get("Authorization");
        String b = aws.authorization("POST", uri, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)).get("Authorization");
        assertThat(a.substring(a.indexOf("Signature="))).isNotEqualTo(b.substring(b.indexOf("Signature=")));
    }

    @Test
    void nothingIsSignedForTheLocalStack() {
        for (String local : new String[] {"http://127.0.0.1:7070", "http://localhost:7070"}) {
            SluiceHttp http = http(local);
            assertThat(http.config().local()).isTrue();
            assertThat(http.authorization("GET", URI.create(local + "/topics"), new byte[0])).isEmpty();
        }
    }

    @Test
    void aBearerTokenReplacesTheSignature() {
        SluiceHttp jwt = new SluiceHttp(http("https://jwt456.execute-api.eu-west-1.amazonaws.com").config()
                .withBearerToken("eyJhbGciOiJSUzI1NiJ9.payload.sig\n"));
        Map<String, String> headers = jwt.authorization("POST",
                URI.create("https://jwt456.execute-api.eu-west-1.amazonaws.com/topics"), new byte[0]);
        assertThat(headers).containsExactly(Map.entry("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig"));
    }

    @Test
    void theTokenSupplierIsAskedForEveryRequestAndAnEmptyTokenIsRefused() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        SluiceHttp jwt = new SluiceHttp(http("https://jwt456.execute-api.eu-west-1.amazonaws.com").config()
                .withBearerToken(() -> "token-" + asked.incrementAndGet()));
        URI uri = URI.create("https://jwt456.execute-api.eu-west-1.amazonaws.com/topics");
        assertThat(jwt.authorization("GET", uri, new byte[0]).get("Authorization")).isEqualTo("Bearer token-1");
        assertThat(jwt.authorization("GET", uri, new byte[0]).get("Authorization")).isEqualTo("Bearer token-2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> http("https://x").config().withBearerToken(" "))
                .isInstanceOf(IllegalArgumentException.class);
        SluiceHttp empty = new SluiceHttp(http("https://x").config().withBearerToken(() -> ""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> empty.authorization("GET", uri, new byte[0]))
                .isInstanceOf(SluiceClientException.class).hasMessageContaining("no token");
    }

    @Test
    void theTokenGoesOnTheWire() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            seen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"topics\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            new SluiceHttp(SluiceHttp.Config.of(endpoint).withBearerToken("abc.def.ghi")).get("/topics", Map.class);
            new SluiceHttp(SluiceHttp.Config.of(endpoint)).get("/topics", Map.class);
            assertThat(seen).containsExactly("Bearer abc.def.ghi", "null");
        } finally {
            server.stop(0);
        }
    }

    /**
     * Issue 15, smaller holes: a bearer token went over plain http to any host, readable and replayable by
     * anyone on the way. It is refused before anything is sent, except to a loopback address.
     */
    @Test
    void aBearerTokenIsNeverSentOverPlainHttpToAHostThatIsNotLoopback() {
        for (String remote : new String[] {"http://sluice.example.com", "http://10.0.0.5:7070", "http://[2001:db8::1]:7070",
                "http://localhost.example.com:7070", "HTTP://api.example.com"}) {
            assertThatThrownBy(() -> new SluiceHttp(SluiceHttp.Config.of(URI.create(remote)).withBearerToken("abc.def.ghi")))
                    .as(remote).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("refusing to send a bearer token over plain http");
        }
        for (String allowed : new String[] {"https://jwt456.execute-api.eu-west-1.amazonaws.com", "http://127.0.0.1:7070",
                "http://localhost:7070", "http://127.0.0.2:7070", "http://[::1]:7070"}) {
            assertThat(new SluiceHttp(SluiceHttp.Config.of(URI.create(allowed)).withBearerToken("abc.def.ghi")).config()
                    .bearerToken().get()).as(allowed).isEqualTo("abc.def.ghi");
        }
    }

    /** A local stack run with --auth iam needs signed requests: withSigV4 signs even a local endpoint. */
    @Test
    void withSigV4ALocalEndpointIsSigned() {
        SluiceHttp local = new SluiceHttp(SluiceHttp.Config.of(URI.create("http://127.0.0.1:7070"))
                .withSigV4(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))));
        assertThat(local.config().local()).isTrue();
        assertThat(local.authorization("GET", URI.create("http://127.0.0.1:7070/topics"), new byte[0])
                .get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/execute-api/aws4_request");
    }
}
