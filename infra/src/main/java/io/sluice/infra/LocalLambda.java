package io.sluice.infra;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lambda's Invoke API on the local stack ({@code POST /2015-03-31/functions/{name}/invocations}), so the
 * functions start the dispatcher, and the dispatcher calls Lambda targets, with the very code they run
 * in AWS. It serves two kinds of function: the template's functions without events (the dispatcher),
 * by logical id, and subscription targets named in a mapping file ({@code functionArn className
 * [timeoutSeconds]} a line) and loaded from a target classpath.
 *
 * <p>It refuses what Lambda refuses: an unknown function (404 ResourceNotFoundException), a synchronous
 * payload over 6 MB and an asynchronous one over 256 KB (413 RequestEntityTooLargeException). A function
 * that runs past its timeout is interrupted and its caller gets Lambda's "Task timed out" function error;
 * one that throws gets an Unhandled function error.
 */
public final class LocalLambda implements AutoCloseable {

    public static final int MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
    public static final int MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;
    /** Lambda's default timeout, for mapped targets that name none. */
    public static final Duration DEFAULT_TARGET_TIMEOUT = Duration.ofSeconds(3);
    private static final String PATH_PREFIX = "/2015-03-31/functions/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One function: how to run it on a payload, and its timeout. */
    private record Function(String name, Object handler, Duration timeout) {
    }

    /** Where functions' logs go: the error stream as it was when this started (see {@link LocalContext}). */
    private final java.io.PrintStream log = System.err;
    private final HttpServer server;
    private final Map<String, Function> functions = new ConcurrentHashMap<>();
    private final ExecutorService runners = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-lambda");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService handlers = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "local-lambda-http");
        t.setDaemon(true);
        return t;
    });

    public LocalLambda(String host) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local Lambda endpoint", e);
        }
        server.createContext(PATH_PREFIX, this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** Serves {@code handler} (a RequestHandler or RequestStreamHandler) as {@code name}. */
    public void register(String name, Object handler, Duration timeout) {
        functions.put(name, new Function(name, handler, timeout));
    }

    /**
     * Registers every target of a mapping file, loading the classes from {@code classpath}. Each line is
     * {@code functionArn className [timeoutSeconds]}; blank lines and {@code #} comments are skipped.
     */
    public void registerTargets(Path mapping, List<Path> classpath) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mapping);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the targets file " + mapping, e);
        }
        URL[] urls = classpath.stream().map(p -> {
            try {
                return p.toAbsolutePath().toUri().toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(p.toString(), e);
            }
        }).toArray(URL[]::new);
        ClassLoader loader = new URLClassLoader(urls, LocalLambda.class.getClassLoader());
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException(mapping + " line " + number
                        + ": expected 'functionArn className [timeoutSeconds]', got '" + line + "'");
            }
            Duration timeout = parts.length == 3 ? Duration.ofSeconds(Long.parseLong(parts[2])) : DEFAULT_TARGET_TIMEOUT;
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
                throw new IllegalArgumentException(mapping + " line " + number + ": a timeout is 1 to 900 seconds");
            }
            try {
                Object handler = Class.forName(parts[1], true, loader).getConstructor().newInstance();
                register(parts[0], handler, timeout);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(mapping + " line " + number + ": cannot create " + parts[1]
                        + " with a no-argument constructor from " + classpath + ": " + e, e);
            }
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/invocations")) {
                send(exchange, 404, null, error("ResourceNotFoundException", "no such API: " + path));
                return;
            }
            String name = URLDecoder.decode(path.substring(PATH_PREFIX.length(), path.length() - "/invocations".length()),
                    StandardCharsets.UTF_8);
            byte[] payload = exchange.getRequestBody().readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            boolean async = "Event".equals(type);
            Function function = functions.get(name);
            if (function == null) {
                send(exchange, 404, null, error("ResourceNotFoundException", "Function not found: " + name));
                return;
            }
            int limit = async ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
            if (payload.length > limit) {
                send(exchange, 413, null, error("RequestEntityTooLargeException", "Request must be smaller than "
                        + limit + " bytes for the InvokeFunction operation"));
                return;
            }
            if (async) {
                runners.execute(() -> {
                    Answer answer = run(function, payload);
                    if (answer.functionError() != null) {
                        System.err.println("local lambda: async invocation of " + name + " failed: "
                                + new String(answer.body(), StandardCharsets.UTF_8));
                    }
                });
                send(exchange, 202, null, new byte[0]);
                return;
            }
            Answer answer = run(function, payload);
            send(exchange, 200, answer.functionError(), answer.body());
        }
    }

    private record Answer(String functionError, byte[] body) {
    }

    /** Runs the function with its timeout, as Lambda would, on a thread of its own. */
    private Answer run(Function function, byte[] payload) {
        long deadline = System.currentTimeMillis() + function.timeout().toMillis();
        Context context = new LocalContext(UUID.randomUUID().toString(), function.name(), deadline, log);
        Future<byte[]> result = runners.submit(() -> call(function.handler(), payload, context));
        try {
            return new Answer(null, result.get(function.timeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            result.cancel(true);
            return new Answer("Unhandled", error("Sandbox.Timedout", "Task timed out after "
                    + function.timeout().toSeconds() + " seconds"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException i ? i.getCause() : e.getCause();
            return new Answer("Unhandled", error(cause.getClass().getName(), String.valueOf(cause.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            return new Answer("Unhandled", error("Interrupted", "the local stack is stopping"));
        }
    }

    private static byte[] call(Object handler, byte[] payload, Context context) throws Exception {
        if (handler instanceof RequestStreamHandler stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stream.handleRequest(new ByteArrayInputStream(payload), out, context);
            return out.toByteArray();
        }
        Method method = handlerMethod(handler.getClass());
        Object input = JSON.readValue(payload, JSON.constructType(method.getGenericParameterTypes()[0]));
        Object output = method.invoke(handler, input, context);
        if (output == null) {
            return "null".getBytes(StandardCharsets.UTF_8);
        }
        if (output instanceof String s && looksLikeJson(s)) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return JSON.writeValueAsBytes(output);
    }

    private static boolean looksLikeJson(String s) {
        String t = s.strip();
        return t.startsWith("{") || t.startsWith("[");
    }

    private static Method handlerMethod(Class<?> type) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals("handleRequest") && !m.isBridge() && m.getParameterCount() == 2
                    && m.getParameterTypes()[1] == Context.class) {
                return m;
            }
        }
        throw new IllegalStateException(type.getName() + " has no handleRequest(input, Context)");
    }

    private static byte[] error(String type, String message) {
        try {
            return JSON.writeValueAsBytes(Map.of("errorType", type, "errorMessage", message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String functionError, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if (functionError != null) {
            exchange.getResponseHeaders().set("X-Amz-Function-Error", functionError);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        runners.shutdownNow();
        handlers.shutdownNow();
    }

}
