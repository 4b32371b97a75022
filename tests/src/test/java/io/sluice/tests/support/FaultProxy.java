package io.sluice.tests.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An HTTP proxy in front of the local stack that injects what a client meets in AWS: throttles (429),
 * 5xx before the request reaches the service, and 5xx or timeouts after it was carried out (the answer
 * is lost, the write happened). A rule chooses the fault for each request; every request is logged with
 * what was done to it. Nothing in the client is mocked: it talks HTTP to this proxy.
 */
public final class FaultProxy implements AutoCloseable {

    /** A request as the proxy saw it. {@code json} is the body parsed, or null. */
    public record Request(String method, String path, byte[] body, JsonNode json) {
        public boolean isProduce() {
            return method.equals("POST") && path.matches("/topics/[^/]+/records");
        }

        public boolean isInit() {
            return method.equals("POST") && path.equals("/producers");
        }
    }

    /** What to do with a request. */
    public sealed interface Fault {
    }

    /** Forward it and return the answer (transformed by {@code body}, if not null). */
    public record Pass(UnaryOperator<String> body) implements Fault {
    }

    /** Answer this without forwarding: nothing happened at the service. */
    public record Refuse(int status, String body) implements Fault {
    }

    /** Wait, then answer this without forwarding: a request that hangs and fails without reaching the service. */
    public record Hang(Duration delay, int status, String body) implements Fault {
    }

    /**
     * Forward it, let it be carried out, then hang and answer this: API Gateway's integration timeout
     * after the function wrote (the client gives up first, or gets a 504).
     */
    public record WriteThenHang(Duration delay, int status, String body) implements Fault {
    }

    /** Forward it, let it be carried out, then answer this instead: the outcome is lost. */
    public record LoseAnswer(int status, String body) implements Fault {
    }

    /** Wait, then forward. */
    public record Delay(Duration delay) implements Fault {
    }

    public static final Fault PASS = new Pass(null);

    /** One request and what was done to it. */
    public record Logged(Request request, Fault fault, int status) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Logged> log = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Fault> rule = r -> PASS;

    public FaultProxy(URI target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Chooses the fault for every later request. */
    public void rule(Function<Request, Fault> rule) {
        this.rule = rule;
    }

    public List<Logged> log() {
        return List.copyOf(log);
    }

    public long count(java.util.function.Predicate<Request> which) {
        return log.stream().filter(l -> which.test(l.request())).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            JsonNode json = null;
            if (body.length > 0) {
                try {
                    json = JSON.readTree(body);
                } catch (IOException e) {
                    json = null;
                }
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), body, json);
            Fault fault = rule.apply(request);
            int status;
            byte[] answer;
            if (fault instanceof Refuse refuse) {
                status = refuse.status();
                answer = refuse.body().getBytes(StandardCharsets.UTF_8);
            } else if (fault instanceof Hang hang) {
                Thread.sleep(hang.delay().toMillis());
                status = hang.status();
                answer = hang.body().getBytes(StandardCharsets.UTF_8);
            } else {
                if (fault instanceof Delay delay) {
                    Thread.sleep(delay.delay().toMillis());
                }
                HttpResponse<byte[]> response = forward(request, pathAndQuery);
                if (fault instanceof LoseAnswer lose) {
                    status = lose.status();
                    answer = lose.body().getBytes(StandardCharsets.UTF_8);
                } else if (fault instanceof WriteThenHang hang) {
                    Thread.sleep(hang.delay().toMillis());
                    status = hang.status();
                    answer = hang.body().getBytes(StandardCharsets.UTF_8);
                } else {
                    status = response.statusCode();
                    answer = response.body();
                    if (fault instanceof Pass pass && pass.body() != null) {
                        answer = pass.body().apply(new String(answer, StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8);
                    }
                }
            }
            log.add(new Logged(request, fault, status));
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<byte[]> forward(Request request, String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest.Builder out = HttpRequest.newBuilder(target.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        if (request.body().length > 0) {
            out.header("content-type", "application/json");
        }
        return client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
