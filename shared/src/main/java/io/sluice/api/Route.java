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
    CREATE_TOPIC("POST", "/topics", Access.OPERATOR),
    LIST_TOPICS("GET", "/topics", Access.CLIENT),
    DESCRIBE_TOPIC("GET", "/topics/{topic}", Access.CLIENT),
    DELETE_TOPIC("DELETE", "/topics/{topic}", Access.OPERATOR),
    PRODUCE("POST", "/topics/{topic}/records", Access.CLIENT),
    INIT_PRODUCER("POST", "/producers", Access.CLIENT),
    FETCH("GET", "/topics/{topic}/partitions/{partition}/records", Access.CLIENT),
    LIST_OFFSETS("GET", "/topics/{topic}/partitions/{partition}/offsets", Access.CLIENT),
    LIST_GROUPS("GET", "/groups", Access.OPERATOR),
    HEARTBEAT("POST", "/groups/{group}/heartbeat", Access.CLIENT),
    COMMIT_OFFSETS("POST", "/groups/{group}/offsets", Access.CLIENT),
    DESCRIBE_GROUP("GET", "/groups/{group}", Access.CLIENT),
    RESET_GROUP("POST", "/groups/{group}/reset", Access.OPERATOR),
    RUN_MAINTENANCE("POST", "/maintenance", Access.OPERATOR),
    PUT_SHARE_GROUP("PUT", "/share-groups/{group}", Access.OPERATOR),
    LIST_SHARE_GROUPS("GET", "/share-groups", Access.OPERATOR),
    DESCRIBE_SHARE_GROUP("GET", "/share-groups/{group}", Access.CLIENT),
    DELETE_SHARE_GROUP("DELETE", "/share-groups/{group}", Access.OPERATOR),
    SHARE_FETCH("POST", "/share-groups/{group}/fetch", Access.CLIENT),
    SHARE_ACKS("POST", "/share-groups/{group}/acks", Access.CLIENT),
    RESET_SHARE_GROUP("POST", "/share-groups/{group}/reset", Access.OPERATOR),
    CREATE_ACL("POST", "/acls", Access.OPERATOR),
    LIST_ACLS("GET", "/acls", Access.OPERATOR),
    DELETE_ACL("DELETE", "/acls", Access.OPERATOR);

    /**
     * Who a route is for. Producers and consumers need only {@link #CLIENT} routes; {@link #OPERATOR}
     * routes change or reveal state that every client shares (topics, group positions, storage), and
     * the JWT API of template.yaml requires its admin scope for them.
     */
    public enum Access {
        CLIENT, OPERATOR
    }

    private final String method;
    private final String pathTemplate;
    private final Access access;
    private final List<String> segments;

    Route(String method, String pathTemplate, Access access) {
        this.method = method;
        this.pathTemplate = pathTemplate;
        this.access = access;
        this.segments = List.of(pathTemplate.substring(1).split("/"));
    }

    public String method() {
        return method;
    }

    public String pathTemplate() {
        return pathTemplate;
    }

    public Access access() {
        return access;
    }

    /** API Gateway's route key, such as {@code POST /topics}. */
    public String routeKey() {
        return method + " " + pathTemplate;
    }

    /** The route whose {@link #routeKey()} is {@code routeKey}, or null ({@code $default}, or unknown). */
    public static Route forKey(String routeKey) {
        for (Route route : values()) {
            if (route.routeKey().equals(routeKey)) {
                return route;
            }
        }
        return null;
    }

    /**
     * The path parameters if {@code path} fits this route's template (whatever the method), else null. It
     * matches as API Gateway's HTTP APIs do: case-sensitively, and a trailing slash does not match a
     * template without one.
     */
    public Map<String, String> match(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        String[] parts = path.substring(1).split("/", -1);
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
