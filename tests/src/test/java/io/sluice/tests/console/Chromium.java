package io.sluice.tests.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Debian's headless Chromium, driven over the Chrome DevTools protocol with the JDK's own WebSocket client
 * (no driver binary, nothing downloaded). One browser, one page. It records what the page logs as an
 * error, every uncaught exception and every JavaScript dialog (alert, confirm) the page opens, so a test
 * can prove none happened.
 */
final class Chromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    /** Uncaught exceptions and console errors of the page. */
    final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());
    /** Messages of JavaScript dialogs the page opened (each is dismissed at once). */
    final List<String> dialogs = Collections.synchronizedList(new ArrayList<>());

    /** The browser to run: {@code -Dsluice.chromium=PATH}, else {@code chromium} on the PATH, else empty. */
    static Optional<Path> find() {
        String configured = System.getProperty("sluice.chromium");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static Chromium launch(Path binary, int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("sluice-chromium");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless=new", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--lang=en-US", "about:blank"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add(1, "--no-sandbox"); // Chromium refuses to run as root with its sandbox
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        String pageSocket = null;
        for (JsonNode target : targets) {
            if (target.path("type").asText().equals("page")) {
                pageSocket = target.path("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (pageSocket == null) {
            process.destroyForcibly();
            throw new IllegalStateException("Chromium has no page to drive: " + targets);
        }
        return new Chromium(process, profile, http, URI.create(pageSocket), width, height);
    }

    private Chromium(Process process, Path profile, HttpClient http, URI pageSocket, int width, int height)
            throws Exception {
        this.process = process;
        this.profile = profile;
        this.socket = http.newWebSocketBuilder().buildAsync(pageSocket, new Listener()).get(10, TimeUnit.SECONDS);
        send("Page.enable", Map.of());
        send("Runtime.enable", Map.of());
        send("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    receive(JSON.readTree(text));
                } catch (IOException e) {
                    pageErrors.add("unreadable DevTools message: " + e);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    private void receive(JsonNode message) {
        if (message.has("id")) {
            CompletableFuture<JsonNode> future = pending.remove(message.get("id").asInt());
            if (future != null) {
                if (message.has("error")) {
                    future.completeExceptionally(new IllegalStateException("DevTools: " + message.get("error")));
                } else {
                    future.complete(message.path("result"));
                }
            }
            return;
        }
        String method = message.path("method").asText();
        JsonNode params = message.path("params");
        switch (method) {
            case "Runtime.exceptionThrown" -> pageErrors.add(params.path("exceptionDetails").toString());
            case "Runtime.consoleAPICalled" -> {
                if (params.path("type").asText().equals("error")) {
                    pageErrors.add("console.error: " + params.path("args"));
                }
            }
            case "Page.javascriptDialogOpening" -> {
                dialogs.add(params.path("type").asText() + ": " + params.path("message").asText());
                send("Page.handleJavaScriptDialog", Map.of("accept", false));
            }
            default -> {
            }
        }
    }

    /** Sends a command; the future completes with its result. */
    CompletableFuture<JsonNode> send(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        pending.put(id, future);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(message.toString(), true);
        return future;
    }

    JsonNode call(String method, Map<String, ?> params) {
        try {
            return send(method, params).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method + " failed: " + e, e);
        }
    }

    void navigate(String url) {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression (promises awaited); fails on an exception in it. */
    JsonNode eval(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                "awaitPromise", true, "userGesture", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    String text(String selector) {
        return eval("(() => { const e = document.querySelector(" + quote(selector) + "); return e ? e.innerText : null; })()")
                .asText(null);
    }

    /** Waits until the expression is truthy; fails with {@code what} and the page's text when it never is. */
    void waitFor(String what, String expression) {
        waitFor(what, () -> {
            JsonNode value = eval("!!(" + expression + ")");
            return value.asBoolean();
        });
    }

    void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // the page may be between documents; ask again
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the page shows:\n"
                        + eval("document.body ? document.body.innerText : ''").asText());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Types into an input as a user would (sets the value and fires input). */
    void fill(String selector, String value) {
        eval("(() => { const e = document.querySelector(" + quote(selector) + "); e.focus(); e.value = " + quote(value)
                + "; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()");
    }

    void click(String selector) {
        eval("document.querySelector(" + quote(selector) + ").click()");
    }

    /** Presses a key (Tab, Enter, ...) through the browser's input pipeline, as a keyboard would. */
    void press(String key, int keyCode) {
        Map<String, Object> down = Map.of("type", "keyDown", "key", key, "code", key, "windowsVirtualKeyCode", keyCode);
        call("Input.dispatchKeyEvent", down);
        if (key.equals("Enter")) {
            call("Input.dispatchKeyEvent", Map.of("type", "char", "key", key, "text", "\r", "windowsVirtualKeyCode", keyCode));
        }
        call("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", key, "code", key, "windowsVirtualKeyCode", keyCode));
    }

    void screenshot(Path file) throws IOException {
        JsonNode shot = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser goes anyway
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
