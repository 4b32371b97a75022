package io.sluice.api;

import java.util.Map;

/**
 * An HTTP request as the API sees it, free of any Lambda or server type: the method, the route key API
 * Gateway selected ({@code DELETE /topics/{topic}}, or {@code $default} when no route matched), the path
 * parameters it extracted, the raw path, the query parameters and the body bytes. The route key decides
 * what runs; the raw path is only quoted back in errors.
 */
public record ApiRequest(String method, String routeKey, Map<String, String> pathParameters, String path,
                         Map<String, String> query, byte[] body) {

    /** The route key API Gateway gives a request that matched no route. */
    public static final String DEFAULT_ROUTE = "$default";

    public ApiRequest {
        routeKey = routeKey == null ? DEFAULT_ROUTE : routeKey;
        pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
        query = query == null ? Map.of() : Map.copyOf(query);
        body = body == null ? new byte[0] : body;
    }
}
