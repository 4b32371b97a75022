package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.sluice.infra.LocalApiGateway;
import io.sluice.infra.SamTemplate;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local stack refuses what AWS refuses, at the same boundary: API Gateway's 413 for a request body
 * over 10 MB (no function runs), its 500 when a function's response is over Lambda's 6 MB (Lambda fails
 * that invocation), and its 503 when a function has not answered within the integration timeout.
 */
class LocalBoundaryTest {

    private final AtomicInteger invocations = new AtomicInteger();
    private LocalApiGateway gateway;
    private HttpApiClient api;

    /** A response whose body is a JSON string of {@code bytes} bytes. */
    private static APIGatewayV2HTTPResponse body(int bytes) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withHeaders(Map.of("content-type", "application/json"))
                .withBody("\"" + "x".repeat(Math.max(0, bytes - 2)) + "\"").withIsBase64Encoded(false).build();
    }

    @BeforeEach
    void start() throws Exception {
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> echo = (event, context) -> {
            invocations.incrementAndGet();
            return body(event.getBody() == null ? 0 : event.getBody().length());
        };
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> sized = (event, context) ->
                body(Integer.parseInt(event.getQueryStringParameters().get("bytes")));
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> slow = (event, context) -> {
            try {
                Thread.sleep(Long.parseLong(event.getQueryStringParameters().get("ms")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return body(2);
        };
        gateway = new LocalApiGateway("127.0.0.1", 0, List.of(
                new LocalApiGateway.Binding(new SamTemplate.HttpRoute("POST", "/echo"), "EchoFunction", echo),
                new LocalApiGateway.Binding(new SamTemplate.HttpRoute("GET", "/sized"), "SizedFunction", sized),
                new LocalApiGateway.Binding(new SamTemplate.HttpRoute("GET", "/slow"), "SlowFunction", slow)),
                Duration.ofMillis(500));
        api = new HttpApiClient(gateway.endpoint());
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aRequestOver10MbIsRefusedWith413BeforeAnyFunctionRuns() {
        Response refused = api.send("POST", "/echo", new byte[LocalApiGateway.MAX_PAYLOAD_BYTES + 1]);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.json().path("message").asText()).isEqualTo("Request Entity Too Large");
        assertThat(invocations).hasValue(0);
        Response atTheLimit = api.send("POST", "/echo", "a".repeat(1_000).getBytes(StandardCharsets.UTF_8));
        assertThat(atTheLimit.status()).isEqualTo(200);
        assertThat(invocations).hasValue(1);
    }

    @Test
    void aResponseOver6MbBecomesA500AndALogLineNamingTheLimit() {
        Response fits = api.get("/sized?bytes=" + (LocalApiGateway.MAX_RESPONSE_BYTES - 1_000));
        assertThat(fits.status()).isEqualTo(200);
        assertThat(fits.body()).hasSize(LocalApiGateway.MAX_RESPONSE_BYTES - 1_000);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        Response refused;
        try {
            refused = api.get("/sized?bytes=" + LocalApiGateway.MAX_RESPONSE_BYTES);
        } finally {
            System.setErr(stderr);
        }
        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.json().path("message").asText()).isEqualTo("Internal Server Error");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("SizedFunction")
                .contains("over Lambda's 6 MB response limit (6291456 bytes)");
    }

    @Test
    void aFunctionPastTheIntegrationTimeoutGets503() {
        assertThat(api.get("/slow?ms=10").status()).isEqualTo(200);
        long started = System.nanoTime();
        Response late = api.get("/slow?ms=5000");
        assertThat(late.status()).isEqualTo(503);
        assertThat(late.json().path("message").asText()).isEqualTo("Service Unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void theDefaultIntegrationTimeoutIsApiGateways30Seconds() {
        assertThat(LocalApiGateway.INTEGRATION_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(LocalApiGateway.MAX_PAYLOAD_BYTES).isEqualTo(10 * 1024 * 1024);
        assertThat(LocalApiGateway.MAX_RESPONSE_BYTES).isEqualTo(6_291_456);
    }
}
