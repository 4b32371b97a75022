package io.sluice.tests.support;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.Route;
import io.sluice.functions.ApiGatewayHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calls a handler as API Gateway would, with the route key it would select, and measures the response as
 * Lambda returns it: the JSON of the whole response object, body escaped inside it.
 */
public final class LambdaInvoker {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaInvoker() {
    }

    /** The API Gateway event for {@code method} on {@code pathAndQuery}, routed by the template's route keys. */
    public static APIGatewayV2HTTPEvent event(String method, String pathAndQuery, String body) {
        String path = pathAndQuery;
        String query = "";
        if (path.contains("?")) {
            query = path.substring(path.indexOf('?') + 1);
            path = path.substring(0, path.indexOf('?'));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                parameters.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        String routeKey = routeKey(method, path);
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey(routeKey).withRawPath(path)
                .withRawQueryString(query).withQueryStringParameters(parameters.isEmpty() ? null : parameters)
                .withPathParameters(pathParameters(routeKey, path))
                .withBody(body).withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRouteKey(routeKey)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path)
                                .build())
                        .build())
                .build();
    }

    /** The route key API Gateway selects: an exact method and path template, else {@code $default}. */
    /** {@code event} as API Gateway's IAM authorizer hands it over: signed by the caller {@code userArn}. */
    public static APIGatewayV2HTTPEvent asIam(APIGatewayV2HTTPEvent event, String userArn) {
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder().withUserArn(userArn)
                        .withAccountId(userArn.split(":")[4]).build())
                .build());
        return event;
    }

    /** {@code event} as API Gateway's JWT authorizer hands it over: these claims, as strings. */
    public static APIGatewayV2HTTPEvent asJwt(APIGatewayV2HTTPEvent event, Map<String, String> claims) {
        event.getRequestContext().setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims)
                        .withScopes(java.util.List.of()).build())
                .build());
        return event;
    }

    public static String routeKey(String method, String path) {
        for (Route route : Route.values()) {
            if (route.method().equals(method) && pathParameters(route.routeKey(), path) != null) {
                return route.routeKey();
            }
        }
        return "$default";
    }

    private static Map<String, String> pathParameters(String routeKey, String path) {
        if (!routeKey.contains(" ")) {
            return null;
        }
        String[] want = routeKey.substring(routeKey.indexOf(' ') + 2).split("/", -1);
        String[] got = path.substring(1).split("/", -1);
        if (want.length != got.length) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{")) {
                if (got[i].isEmpty()) {
                    return null;
                }
                parameters.put(want[i].substring(1, want[i].length() - 1), got[i]);
            } else if (!want[i].equals(got[i])) {
                return null;
            }
        }
        return parameters;
    }

    public static APIGatewayV2HTTPResponse invoke(ApiGatewayHandler handler, String method, String pathAndQuery,
                                                  String body) {
        return handler.handleRequest(event(method, pathAndQuery, body), null);
    }

    /** The bytes of the response as Lambda sends it back: the response object as JSON. */
    public static int lambdaResponseBytes(APIGatewayV2HTTPResponse response) {
        try {
            return JSON.writeValueAsBytes(response).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
