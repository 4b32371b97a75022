package io.sluice.tests.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An HTTP proxy in front of the local stack for client tests: it records every request a client makes,
 * and can answer chosen requests with a 503 (a retriable outage) or hold them until released (a slow
 * call), without mocking the client. Faults are decided before the request is forwarded, so a failed
 * or held request has not reached the server yet.
 */
final class RecordingProxy implements AutoCloseable {

    /** A request as the proxy saw it: method, path with query, and body. */
    record Seen(String method, String path, String body, long atNanos) {
        boolean isFetch() {
            return method.equals("GET") && path.contains("/records");
        }

        boolean isHeartbeat() {
            return path.endsWith("/heartbeat");
        }

        boolean isCommit() {
            return method.equals("POST") && path.endsWith("/offsets");
        }

        boolean isOffsetLookup() {
            return method.equals("GET") && path.contains("/offsets?at=");
        }
    }

    private final URI target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Predicate<Seen> failing = s -> false;
    private volatile Predicate<Seen> holding = s -> false;
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final List<Seen> held = new CopyOnWriteArrayList<>();

    RecordingProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "recording-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers every matching request with 503 UNAVAILABLE, without forwarding it. */
    void failWhen(Predicate<Seen> which) {
        failing = which;
    }

    /** Holds every matching request before forwarding it, until {@link #releaseHeld}. */
    void holdWhen(Predicate<Seen> which) {
        release = new CountDownLatch(1);
        holding = which;
    }

    void releaseHeld() {
        holding = s -> false;
        release.countDown();
    }

    /** Requests being held now, or held and released. */
    List<Seen> held() {
        return List.copyOf(held);
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    long count(Predicate<Seen> which) {
        return seen.stream().filter(which).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            Seen request = new Seen(exchange.getRequestMethod(), path, new String(body, StandardCharsets.UTF_8),
                    System.nanoTime());
            seen.add(request);
            if (failing.test(request)) {
                respond(exchange, 503, "{\"error\":\"UNAVAILABLE\",\"message\":\"injected by the test proxy\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (holding.test(request)) {
                held.add(request);
                CountDownLatch latch = release;
                if (!latch.await(2, TimeUnit.MINUTES)) {
                    respond(exchange, 504, new byte[0]);
                    return;
                }
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(path)).timeout(Duration.ofSeconds(60))
                    .method(request.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            if (body.length > 0) {
                forward.header("content-type", "application/json");
            }
            HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            respond(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        releaseHeld();
        server.stop(0);
    }
}
