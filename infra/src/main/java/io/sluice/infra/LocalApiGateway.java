package io.sluice.infra;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.console.ConsoleFiles;
import io.sluice.infra.auth.AuthDecision;
import io.sluice.infra.auth.AuthRequest;
import io.sluice.infra.auth.Authorizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP server that does what API Gateway's HTTP API does for Sluice: it matches each request to a
 * route from template.yaml, builds a payload-format-2.0 event, invokes that route's handler, and turns
 * the handler's response back into HTTP. Requests that match no route go to the {@code $default} route's
 * function, or get API Gateway's own 404. Under {@code /console} it serves the web console's files
 * ({@link ConsoleFiles}), as a deployed stack's console function does.
 *
 * <p>It refuses what AWS refuses, where AWS refuses it: a request body over 10 MB gets API Gateway's 413
 * before any handler runs; a handler that has not answered within the 30 s integration timeout gets
 * API Gateway's 503; a handler response over Lambda's 6 MB gets API Gateway's 500, as Lambda fails that
 * invocation. Each refusal of the last two is logged with the limit it hit.
 *
 * <p>With an {@link Authorizer} (sluice-local {@code --auth iam|jwt}), a request that matched a route is
 * checked before its function runs, as API Gateway's IAM or JWT authorizer checks it; a refusal gets the
 * status and message API Gateway gives, and an accepted request's event carries
 * {@code requestContext.authorizer}.
 */
public final class LocalApiGateway implements AutoCloseable {

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm and delayed ACKs that
        // costs ~40 ms a response. Must be set before the server classes load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** API Gateway HTTP API's payload limit; past it the request never reaches a function. */
    public static final int MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
    /** Lambda's limit on a synchronous response: the JSON of the whole response object the handler returns. */
    public static final int MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
    /** API Gateway's integration timeout for HTTP APIs. */
    public static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(30);
    private static final int WORKERS = 16;
    private static final ObjectMapper LAMBDA_JSON = new ObjectMapper();

    /** One route bound to its handler. */
    public record Binding(SamTemplate.HttpRoute route, String functionName,
                   RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
    }

    /** Where functions' logs go: the error stream as it was when this started (see {@link LocalContext}). */
    private final java.io.PrintStream log = System.err;
    private final HttpServer server;
    private final ExecutorService workers;
    private final List<Binding> bindings;
    private final Duration integrationTimeout;
    private final Authorizer authorizer;
    private final ExecutorService invocations = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-lambda");
        t.setDaemon(true);
        return t;
    });

    public LocalApiGateway(String host, int port, List<Binding> bindings) throws IOException {
        this(host, port, bindings, INTEGRATION_TIMEOUT);
    }

    /** With another integration timeout than API Gateway's 30 s, for tests. */
    public LocalApiGateway(String host, int port, List<Binding> bindings, Duration integrationTimeout)
            throws IOException {
        this(host, port, bindings, integrationTimeout, Authorizer.NONE);
    }

    /**
     * Every request that matches a route is first put to {@code authorizer}, as API Gateway puts it to the
     * route's authorizer: a refusal is answered here and no function runs.
     */
    public LocalApiGateway(String host, int port, List<Binding> bindings, Duration integrationTimeout,
                           Authorizer authorizer) throws IOException {
        this.bindings = List.copyOf(bindings);
        this.integrationTimeout = integrationTimeout;
        this.authorizer = authorizer;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
        this.workers = Executors.newFixedThreadPool(WORKERS, r -> {
            Thread t = new Thread(r, "local-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", this::serve);
        server.start();
    }

    public URI endpoint() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String refusal = foreignRequest(exchange.getRequestHeaders().getFirst("Origin"),
                    exchange.getRequestHeaders().getFirst("Host"), server.getAddress());
            if (refusal != null) {
                System.err.println("local API gateway: refused " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getRawPath() + ": " + refusal);
                send(exchange, 403, "{\"message\":\"Forbidden\"}");
                return;
            }
            if (ConsoleFiles.serves(exchange.getRequestURI().getRawPath())) {
                ConsoleFiles.Response file = ConsoleFiles.get(exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath());
                file.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(file.status(), head || file.body().length == 0 ? -1 : file.body().length);
                if (!head && file.body().length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(file.body());
                    }
                }
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                send(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Binding match = null;
            Map<String, String> pathParameters = Map.of();
            for (Binding binding : bindings) {
                if (!binding.route().isDefault() && binding.route().method().equals(method)) {
                    Map<String, String> parameters = matchPath(binding.route().path(), path);
                    if (parameters != null) {
                        match = binding;
                        pathParameters = parameters;
                        break;
                    }
                }
            }
            if (match == null) {
                match = bindings.stream().filter(b -> b.route().isDefault()).findFirst().orElse(null);
            }
            if (match == null) {
                send(exchange, 404, "{\"message\":\"Not Found\"}");
                return;
            }
            AuthDecision decision = authorizer.authorize(new AuthRequest(method, path,
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body),
                    match.route().routeKey());
            if (decision instanceof AuthDecision.Refused refused) {
                System.err.println("local API gateway: refused " + method + " " + path + " with "
                        + refused.status() + ": " + refused.reason());
                refused.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                send(exchange, refused.status(), LAMBDA_JSON.writeValueAsString(Map.of("message", refused.message())));
                return;
            }
            APIGatewayV2HTTPEvent event = event(match, exchange, method, path, pathParameters, body,
                    ((AuthDecision.Allowed) decision).authorizer());
            Binding binding = match;
            Future<APIGatewayV2HTTPResponse> invocation = invocations.submit(() -> binding.handler().handleRequest(event,
                    new LocalContext(event.getRequestContext().getRequestId(), binding.functionName(),
                            System.currentTimeMillis() + integrationTimeout.toMillis(), log)));
            APIGatewayV2HTTPResponse response;
            try {
                response = invocation.get(integrationTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                invocation.cancel(true);
                System.err.println("local API gateway: " + match.functionName() + " did not answer " + method + " "
                        + path + " within the integration timeout of " + integrationTimeout.toMillis()
                        + " ms (API Gateway's limit is 30 s); answering 503");
                send(exchange, 503, "{\"message\":\"Service Unavailable\"}");
                return;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            int responseBytes = LAMBDA_JSON.writeValueAsBytes(response).length;
            if (responseBytes > MAX_RESPONSE_BYTES) {
                System.err.println("local API gateway: " + match.functionName() + " returned a " + responseBytes
                        + "-byte response to " + method + " " + path + ", over Lambda's 6 MB response limit ("
                        + MAX_RESPONSE_BYTES + " bytes); answering 500");
                send(exchange, 500, "{\"message\":\"Internal Server Error\"}");
                return;
            }
            write(exchange, response);
        } catch (RuntimeException e) {
            System.err.println("local API gateway: handler failed: " + e);
            e.printStackTrace(System.err);
            send(exchange, 500, "{\"message\":\"Internal Server Error\"}");
        }
    }

    private static APIGatewayV2HTTPEvent event(Binding binding, HttpExchange exchange, String method, String path,
                                               Map<String, String> pathParameters, byte[] body,
                                               APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer) {
        String requestId = UUID.randomUUID().toString();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
        String text = utf8(body);
        long now = System.currentTimeMillis();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(binding.route().routeKey())
                .withRawPath(path)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(queryParameters(rawQuery))
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body.length == 0 ? null : text != null ? text : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && text == null)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey(binding.route().routeKey())
                        .withStage("$default")
                        .withRequestId(requestId)
                        .withAuthorizer(authorizer)
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withTime(Instant.ofEpochMilli(now).toString())
                        .withTimeEpoch(now)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
                                .withProtocol(exchange.getProtocol())
                                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.get("user-agent"))
                                .build())
                        .build())
                .build();
    }

    /**
     * Why a request must be refused as coming from elsewhere than this machine's own clients, or null. A
     * web page in a browser can send requests to a local server (a form POST needs no CORS preflight), and
     * a DNS-rebound name can make them look same-origin: so a request with an {@code Origin} that is not
     * {@code http://localhost}, {@code http://127.0.0.1} or {@code http://[::1]} (any port) is refused,
     * and so is one whose {@code Host} names neither this server's address nor a loopback name (bound to
     * every interface, any IP literal is taken; names are not). A page this server served itself (the
     * console, opened at an address the Host check takes) may call it: its Origin is {@code http://} and
     * that very Host.
     */
    public static String foreignRequest(String origin, String host, InetSocketAddress bound) {
        String hostRefusal = foreignHost(host, bound);
        if (hostRefusal != null) {
            return hostRefusal;
        }
        if (origin != null && !origin.matches("http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d{1,5})?")
                && !(host != null && origin.equals("http://" + host))) {
            return "Origin " + origin + " is not local";
        }
        return null;
    }

    private static String foreignHost(String host, InetSocketAddress bound) {
        if (host == null) {
            return null;
        }
        String name = host;
        String port = null;
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            name = host.substring(0, colon);
            port = host.substring(colon + 1);
        }
        if (port != null && !port.equals(Integer.toString(bound.getPort()))) {
            return "Host " + host + " names another port than " + bound.getPort();
        }
        String bare = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        if (bare.equalsIgnoreCase("localhost") || bare.equals("127.0.0.1") || bare.equals("::1")
                || bare.equalsIgnoreCase(bound.getHostString())
                || bound.getAddress() != null && bare.equals(bound.getAddress().getHostAddress())) {
            return null;
        }
        boolean wildcard = bound.getAddress() != null && bound.getAddress().isAnyLocalAddress();
        if (wildcard && (bare.matches("\\d{1,3}(\\.\\d{1,3}){3}") || bare.contains(":"))) {
            return null;
        }
        return "Host " + host + " is not this server's address";
    }

    /** The path parameters if {@code path} fits the template, else null. */
    static Map<String, String> matchPath(String template, String path) {
        String[] want = template.substring(1).split("/", -1);
        String[] got = path.substring(1).split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                parameters.put(want[i].substring(1, want[i].length() - 1),
                        URLDecoder.decode(got[i], StandardCharsets.UTF_8));
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return parameters;
    }

    /** Query parameters as API Gateway gives them: decoded, repeated names joined by commas. */
    static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        Map<String, String> joined = new LinkedHashMap<>();
        values.forEach((k, v) -> joined.put(k, String.join(",", v)));
        return joined;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_PAYLOAD_BYTES + 1);
        return body.length > MAX_PAYLOAD_BYTES ? null : body;
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void write(HttpExchange exchange, APIGatewayV2HTTPResponse response) throws IOException {
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        }
        byte[] body = response.getBody() == null ? new byte[0]
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(StandardCharsets.UTF_8);
        int status = response.getStatusCode();
        exchange.sendResponseHeaders(status, status == 204 || body.length == 0 ? -1 : body.length);
        if (body.length > 0 && status != 204) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        invocations.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
