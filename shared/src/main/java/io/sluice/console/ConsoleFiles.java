package io.sluice.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web console's static files (resources beside this class), served at {@code /console/} by the local
 * stack and by the console function of a deployed stack. Only the files listed here are served; anything
 * else under {@code /console/} is a 404. Every answer carries a Content-Security-Policy that allows
 * scripts and styles from this origin only, and no inline script, so a record's contents can never run
 * as code even if a bug put them into the page as markup.
 */
public final class ConsoleFiles {

    /** Where the console is served. */
    public static final String PREFIX = "/console";

    /** The JWT API's routes to the console's files (template.yaml), served by the topics function. */
    public static final java.util.Set<String> ROUTE_KEYS = java.util.Set.of("GET /console", "GET /console/{proxy+}");

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "views.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8",
            "format.js", "text/javascript; charset=utf-8",
            "chart.js", "text/javascript; charset=utf-8");

    /** An answer: status, headers and body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
    }

    private ConsoleFiles() {
    }

    /** The names of the files served, under {@code /console/}. */
    public static java.util.Set<String> names() {
        return new java.util.TreeSet<>(FILES.keySet());
    }

    /** Whether {@code path} (a raw request path) is the console's to answer. */
    public static boolean serves(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /**
     * The answer to a GET or HEAD of {@code path}: a listed file, 404 for any other path (under the console
     * or not), 405 for other methods. {@code /console} redirects to {@code /console/index.html}.
     */
    public static Response get(String method, String path) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-security-policy", CONTENT_SECURITY_POLICY);
        headers.put("x-content-type-options", "nosniff");
        headers.put("referrer-policy", "no-referrer");
        headers.put("cache-control", "no-cache");
        if (!method.equals("GET") && !method.equals("HEAD")) {
            headers.put("allow", "GET, HEAD");
            return text(405, headers, "405 the console's files are read with GET\n");
        }
        if (path == null || !serves(path)) {
            return text(404, headers, "404 not a console file\n");
        }
        if (path.equals(PREFIX)) {
            // relative, so that it also holds under an API mapping's base path
            headers.put("location", "console/index.html");
            return text(308, headers, "");
        }
        String name = path.substring(PREFIX.length() + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        String type = FILES.get(name);
        if (type == null) {
            return text(404, headers, "404 no console file " + name + "\n");
        }
        headers.put("content-type", type);
        return new Response(200, headers, read(name));
    }

    private static Response text(int status, Map<String, String> headers, String body) {
        headers.put("content-type", "text/plain; charset=utf-8");
        return new Response(status, headers, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("console file " + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
