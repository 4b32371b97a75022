package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SluiceProducer under a failure it must survive without duplicating: its first produce call lands, but
 * the answer is lost (a proxy in front of the local stack forwards the call, then answers 503). The
 * producer retries; an idempotent producer retries with the same sequences, so the server answers the
 * retry with the original offsets and the record is in the log once.
 */
@ExtendWith(LocalStackExtension.class)
class ProducerRetryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpApiClient api;

    ProducerRetryTest(HttpApiClient api) {
        this.api = api;
    }

    /** Forwards every call to the local stack; drops the answer to the first produce call. */
    private static final class LosingProxy implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();
        private final URI target;
        private final AtomicBoolean lost = new AtomicBoolean();
        final List<JsonNode> produceBodies = new CopyOnWriteArrayList<>();

        LosingProxy(URI target) throws IOException {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getRawPath();
                String query = exchange.getRequestURI().getRawQuery();
                URI forward = target.resolve(path + (query == null ? "" : "?" + query));
                HttpRequest.Builder request = HttpRequest.newBuilder(forward)
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                if (contentType != null) {
                    request.header("Content-Type", contentType);
                }
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                boolean produce = "POST".equals(exchange.getRequestMethod()) && path.endsWith("/records");
                if (produce) {
                    produceBodies.add(JSON.readTree(body));
                }
                byte[] answer = response.body();
                int status = response.statusCode();
                if (produce && status == 200 && lost.compareAndSet(false, true)) {
                    status = 503;
                    answer = "{\"error\":\"UNAVAILABLE\",\"message\":\"injected: the answer was lost\"}".getBytes(UTF_8);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aRetryAfterALostAnswerResendsTheSameSequencesAndTheRecordIsInTheLogOnce() throws Exception {
        String topic = "retry-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":1}").status()).isEqualTo(201);

        SluiceProducer.Metadata metadata;
        List<JsonNode> sent;
        try (LosingProxy proxy = new LosingProxy(api.endpoint())) {
            SluiceProducer producer = new SluiceProducer(new SluiceHttp(SluiceHttp.Config.of(proxy.endpoint())),
                    SluiceProducer.Config.defaults());
            try {
                metadata = producer.send(SluiceProducer.Record.of(topic, "k".getBytes(UTF_8), "once".getBytes(UTF_8)))
                        .get(60, TimeUnit.SECONDS);
            } finally {
                producer.close();
            }
            sent = List.copyOf(proxy.produceBodies);
        }

        assertThat(sent).as("the call whose answer was lost, then the retry").hasSize(2);
        assertThat(sent.get(0).path("producerId").isIntegralNumber()).as("idempotent: %s", sent.get(0)).isTrue();
        assertThat(sent.get(0).path("sequences").isArray() && !sent.get(0).path("sequences").isEmpty()).isTrue();
        assertThat(sent.get(1).path("producerId")).isEqualTo(sent.get(0).path("producerId"));
        assertThat(sent.get(1).path("sequences")).as("the retry carries the same sequences")
                .isEqualTo(sent.get(0).path("sequences"));
        assertThat(metadata.offset()).as("answered with the original offset").isZero();
        JsonNode records = api.get("/topics/" + topic + "/partitions/0/records?offset=0").json().path("records");
        assertThat(records).as("the record is in the log once").hasSize(1);
        assertThat(api.get("/topics/" + topic + "/partitions/0/offsets?at=latest").json().path("offset").asLong())
                .isEqualTo(1);
    }
}
