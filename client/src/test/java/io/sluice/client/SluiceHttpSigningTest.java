package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SluiceHttpSigningTest {

    private static SluiceHttp http(String endpoint) {
        return new SluiceHttp(new SluiceHttp.Config(URI.create(endpoint), "eu-west-1", Duration.ofSeconds(5),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))));
    }

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
}
