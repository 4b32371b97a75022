package io.sluice.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.sluice.acl.Principal;
import io.sluice.acl.Principals;
import io.sluice.api.ApiRequest;
import io.sluice.api.ApiResponse;
import io.sluice.api.HttpApi;
import io.sluice.api.Route;
import io.sluice.console.ConsoleFiles;
import io.sluice.LogServices;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The whole of a handler: an API Gateway HTTP API (payload format 2.0) event in, {@link HttpApi} called,
 * its response out. Subclasses only name the routes they serve.
 */
public abstract class ApiGatewayHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final HttpApi api;
    private final AccessControl access;

    ApiGatewayHandler(LogServices log, Set<Route> routes) {
        this(log, AccessControl.open(), routes);
    }

    ApiGatewayHandler(LogServices log, AccessControl access, Set<Route> routes) {
        this.api = new HttpApi(log, routes, ApiGatewayHandler::logError, access.authorizer());
        this.access = access;
    }

    /** The routes this function serves. */
    public Set<Route> routes() {
        return api.served();
    }

    /** Whether this function answers the web console's route keys with its static files. */
    boolean servesConsole() {
        return false;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiRequest request = toRequest(event);
        if (servesConsole() && ConsoleFiles.ROUTE_KEYS.contains(request.routeKey())) {
            ConsoleFiles.Response file = ConsoleFiles.get(request.method(), request.path());
            return APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(file.status())
                    .withHeaders(file.headers())
                    .withBody(new String(file.body(), StandardCharsets.UTF_8))
                    .withIsBase64Encoded(false)
                    .build();
        }
        ApiResponse response = api.handle(request.withPrincipal(principal(event, access)));
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(Map.of("content-type", ApiResponse.CONTENT_TYPE))
                .withBody(response.body())
                .withIsBase64Encoded(false)
                .build();
    }

    static ApiRequest toRequest(APIGatewayV2HTTPEvent event) {
        String method = event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                ? event.getRequestContext().getHttp().getMethod() : "GET";
        byte[] body;
        if (event.getBody() == null) {
            body = new byte[0];
        } else if (event.getIsBase64Encoded()) {
            body = Base64.getDecoder().decode(event.getBody());
        } else {
            body = event.getBody().getBytes(StandardCharsets.UTF_8);
        }
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of()
                : new HashMap<>(event.getQueryStringParameters());
        String routeKey = event.getRequestContext() != null && event.getRequestContext().getRouteKey() != null
                ? event.getRequestContext().getRouteKey() : event.getRouteKey();
        return new ApiRequest(method, routeKey, event.getPathParameters(), event.getRawPath(), query, body);
    }

    /**
     * Who is calling, from the request context API Gateway filled in (never from the request itself):
     * the IAM caller's ARN (an assumed role's session as its role), or the JWT's {@code jwt:<iss>#<sub>}
     * with its groups; without either, the configured unauthenticated principal (the local stack under
     * {@code --auth none}), else the anonymous one, which may do nothing.
     */
    public static Principal principal(APIGatewayV2HTTPEvent event, AccessControl access) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = context == null ? null : context.getAuthorizer();
        if (authorizer != null && authorizer.getIam() != null && notBlank(authorizer.getIam().getUserArn())) {
            return Principals.iam(authorizer.getIam().getUserArn());
        }
        if (authorizer != null && authorizer.getJwt() != null && authorizer.getJwt().getClaims() != null) {
            Map<String, String> claims = authorizer.getJwt().getClaims();
            if (notBlank(claims.get("iss")) && notBlank(claims.get("sub"))) {
                return Principals.jwt(claims.get("iss"), claims.get("sub"),
                        access.jwtGroupsClaim().isEmpty() ? null : claims.get(access.jwtGroupsClaim()));
            }
        }
        return access.unauthenticated() != null ? access.unauthenticated() : Principal.ANONYMOUS;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static void logError(String requestId, ApiRequest request, Throwable error) {
        System.err.println("{\"level\":\"ERROR\",\"requestId\":\"" + requestId + "\",\"method\":\"" + request.method()
                + "\",\"path\":" + quote(request.path()) + ",\"error\":" + quote(error.toString()) + "}");
        error.printStackTrace(System.err);
    }

    private static String quote(String s) {
        return "\"" + (s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")) + "\"";
    }
}
