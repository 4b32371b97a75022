package io.sluice.api;

import io.sluice.acl.Principal;
import java.util.Map;

/**
 * An HTTP request as the API sees it, free of any Lambda or server type: the method, the route key API
 * Gateway selected ({@code DELETE /topics/{topic}}, or {@code $default} when no route matched), the path
 * parameters it extracted, the raw path, the query parameters, the body bytes, and the caller's
 * {@link Principal}, which the handler derived from the request context (issue 16). The route key decides
 * what runs; the raw path is only quoted back in errors. Nothing below this type reads the request
 * context: the principal is all the API knows of who is calling.
 */
public record ApiRequest(String method, String routeKey, Map<String, String> pathParameters, String path,
                         Map<String, String> query, byte[] body, Principal principal) {

    /** The route key API Gateway gives a request that matched no route. */
    public static final String DEFAULT_ROUTE = "$default";

    public ApiRequest {
        routeKey = routeKey == null ? DEFAULT_ROUTE : routeKey;
        pathParameters = pathParameters == null ? Map.of() : Map.copyOf(pathParameters);
        query = query == null ? Map.of() : Map.copyOf(query);
        body = body == null ? new byte[0] : body;
        principal = principal == null ? Principal.ANONYMOUS : principal;
    }

    /** A request that carries no identity: the anonymous principal, which ACLs never allow. */
    public ApiRequest(String method, String routeKey, Map<String, String> pathParameters, String path,
                      Map<String, String> query, byte[] body) {
        this(method, routeKey, pathParameters, path, query, body, Principal.ANONYMOUS);
    }

    /** The same request from {@code caller}. */
    public ApiRequest withPrincipal(Principal caller) {
        return new ApiRequest(method, routeKey, pathParameters, path, query, body, caller);
    }
}
