package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.sluice.client.wire.Wire;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How SluiceHttp reads answers: tolerant of new fields, 429 retriable, errors with the server's code and message. */
class SluiceHttpTransportTest {

    private record Answer(int status, String body) {
    }

    private final AtomicReference<Answer> answer = new AtomicReference<>();
    private HttpServer server;
    private SluiceHttp http;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer.get().body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.get().status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        http = new SluiceHttp(SluiceHttp.Config.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /**
     * Issue 22, problem 10: responses were parsed with FAIL_ON_UNKNOWN_PROPERTIES, so a field added by a
     * newer server turned a successful produce into BAD_RESPONSE. On the old SluiceHttp this throws.
     */
    @Test
    void problem10_aNewFieldInAServerResponseDoesNotBreakTheClient() {
        answer.set(new Answer(200, "{\"offsets\":[{\"partition\":0,\"offset\":5,\"leaderEpoch\":3}],\"throttleTimeMs\":0}"));
        Wire.ProduceResponse response = http.post("/topics/t/records", new Wire.ProduceRequest(
                List.of(new Wire.ProduceRecord(null, "AA==", List.of(), 0, null)), null, null, null),
                Wire.ProduceResponse.class);
        assertThat(response.offsets()).containsExactly(new Wire.RecordOffset(0, 5));
    }

    /** Issue 22, problem 11: API Gateway's throttle (429, no error code) is retriable, and changed nothing. */
    @Test
    void problem11_anApiGateway429IsRetriableAndKnownNotToHaveTakenEffect() {
        answer.set(new Answer(429, "{\"message\":\"Too Many Requests\"}"));
        assertThatThrownBy(() -> http.get("/topics", Wire.TopicList.class))
                .isInstanceOfSatisfying(SluiceClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("THROTTLED");
                    assertThat(e.getMessage()).contains("Too Many Requests");
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.outcomeUnknown()).isFalse();
                    
                });
    }

    @Test
    void errorsCarryTheServersCodeAndMessage() {
        answer.set(new Answer(409, "{\"error\":\"FENCED\",\"message\":\"producer 7 is at epoch 3, not 2\",\"x\":1}"));
        assertThatThrownBy(() -> http.get("/topics", Wire.TopicList.class))
                .isInstanceOfSatisfying(SluiceClientException.class, e -> {
                    assertThat(e.code()).isEqualTo("FENCED");
                    assertThat(e.getMessage()).isEqualTo("FENCED: producer 7 is at epoch 3, not 2");
                    assertThat(e.body().path("x").asInt()).isEqualTo(1);
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.outcomeUnknown()).isFalse();
                    
                });
        answer.set(new Answer(503, "{\"error\":\"UNAVAILABLE\",\"message\":\"DynamoDB timed out\"}"));
        assertThatThrownBy(() -> http.get("/topics", Wire.TopicList.class))
                .isInstanceOfSatisfying(SluiceClientException.class, e -> {
                    assertThat(e.code()).isEqualTo("UNAVAILABLE");
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.outcomeUnknown()).as("a 5xx may have been carried out").isTrue();
                    
                });
        answer.set(new Answer(502, "<html>Bad Gateway</html>"));
        assertThatThrownBy(() -> http.get("/topics", Wire.TopicList.class))
                .isInstanceOfSatisfying(SluiceClientException.class, e -> {
                    assertThat(e.code()).as("a body that is not JSON still gives the status").isEqualTo("HTTP_502");
                    assertThat(e.retriable()).isTrue();
                });
    }
}
