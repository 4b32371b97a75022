package io.sluice.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every route of the HTTP API, with the path template that template.yaml declares for it. A test holds
 * this list and the template to each other.
 */
public enum Route {
    CREATE_TOPIC("POST", "/topics"),
    LIST_TOPICS("GET", "/topics"),
    DESCRIBE_TOPIC("GET", "/topics/{topic}"),
    DELETE_TOPIC("DELETE", "/topics/{topic}"),
    PRODUCE("POST", "/topics/{topic}/records"),
    INIT_PRODUCER("POST", "/producers"),
    FETCH("GET", "/topics/{topic}/partitions/{partition}/records"),
    LIST_OFFSETS("GET", "/topics/{topic}/partitions/{partition}/offsets"),
    LIST_GROUPS("GET", "/groups"),
    HEARTBEAT("POST", "/groups/{group}/heartbeat"),
    COMMIT_OFFSETS("POST", "/groups/{group}/offsets"),
    DESCRIBE_GROUP("GET", "/groups/{group}"),
    RESET_GROUP("POST", "/groups/{group}/reset"),
    RUN_MAINTENANCE("POST", "/maintenance");

    private final String method;
    private final String pathTemplate;
    private final List<String> segments;

    Route(String method, String pathTemplate) {
        this.method = method;
        this.pathTemplate = pathTemplate;
        this.segments = List.of(pathTemplate.substring(1).split("/"));
    }

    public String method() {
        return method;
    }

    public String pathTemplate() {
        return pathTemplate;
    }

    /** API Gateway's route key, such as {@code POST /topics}. */
    public String routeKey() {
        return method + " " + pathTemplate;
    }

    /** The path parameters if {@code path} fits this route's template (whatever the method), else null. */
    public Map<String, String> match(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String[] parts = trimmed.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments.get(i);
            if (segment.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                parameters.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
                return null;
            }
        }
        return parameters;
    }

    /** Methods that some route allows on {@code path}; empty if no route has that path. */
    public static List<String> methodsFor(String path) {
        List<String> methods = new ArrayList<>();
        for (Route route : values()) {
            if (route.match(path) != null) {
                methods.add(route.method);
            }
        }
        return methods;
    }
}
