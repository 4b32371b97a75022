package io.sluice.infra.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code AuthorizationScopes} of the JWT routes a template declares ({@code AWS::ApiGatewayV2::Route}
 * resources with {@code AuthorizationType: JWT}), by route key, with the template's parameters at their
 * defaults and its conditions evaluated: what API Gateway would hold each route to once deployed.
 */
public final class RouteScopes {

    private final Map<String, List<String>> byRouteKey;

    private RouteScopes(Map<String, List<String>> byRouteKey) {
        this.byRouteKey = Map.copyOf(byRouteKey);
    }

    public static RouteScopes of(Map<String, List<String>> byRouteKey) {
        return new RouteScopes(byRouteKey);
    }

    /** From a parsed template; {@code parameters} overrides the defaults of its Parameters. */
    public static RouteScopes fromTemplate(JsonNode root, Map<String, String> parameters) {
        Resolver resolver = new Resolver(root, parameters);
        Map<String, List<String>> scopes = new HashMap<>();
        root.path("Resources").properties().forEach(resource -> {
            JsonNode r = resource.getValue();
            JsonNode properties = r.path("Properties");
            if (!"AWS::ApiGatewayV2::Route".equals(r.path("Type").asText())
                    || !"JWT".equals(properties.path("AuthorizationType").asText())) {
                return;
            }
            JsonNode value = resolver.value(properties.path("AuthorizationScopes"));
            List<String> list = new ArrayList<>();
            if (value != null && value.isArray()) {
                value.forEach(v -> {
                    JsonNode resolved = resolver.value(v);
                    if (resolved != null && !resolved.asText().isEmpty()) {
                        list.add(resolved.asText());
                    }
                });
            }
            scopes.put(properties.path("RouteKey").asText(), List.copyOf(list));
        });
        return new RouteScopes(scopes);
    }

    /** The scopes a token needs one of for {@code routeKey}; empty when any valid token will do. */
    public List<String> required(String routeKey) {
        return byRouteKey.getOrDefault(routeKey, List.of());
    }

    /** The few intrinsic functions the template's route scopes use: Ref to a parameter, Fn::If and its conditions. */
    private record Resolver(JsonNode root, Map<String, String> parameters) {

        /** The value, or null for AWS::NoValue (or a missing node). */
        JsonNode value(JsonNode node) {
            if (node == null || node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (node.isObject() && node.size() == 1) {
                if (node.has("Ref")) {
                    String name = node.get("Ref").asText();
                    if (name.equals("AWS::NoValue")) {
                        return null;
                    }
                    return com.fasterxml.jackson.databind.node.TextNode.valueOf(parameter(name));
                }
                if (node.has("Fn::If")) {
                    JsonNode args = node.get("Fn::If");
                    return value(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
                }
            }
            return node;
        }

        private String parameter(String name) {
            if (parameters.containsKey(name)) {
                return parameters.get(name);
            }
            JsonNode parameter = root.path("Parameters").path(name);
            if (parameter.isMissingNode()) {
                throw new IllegalArgumentException("template: Ref to unknown parameter " + name);
            }
            return parameter.path("Default").asText("");
        }

        private boolean condition(String name) {
            JsonNode condition = root.path("Conditions").path(name);
            if (condition.isMissingNode()) {
                throw new IllegalArgumentException("template: unknown condition " + name);
            }
            return truth(condition);
        }

        private boolean truth(JsonNode node) {
            if (node.has("Fn::Not")) {
                return !truth(node.get("Fn::Not").get(0));
            }
            if (node.has("Fn::And")) {
                for (JsonNode n : node.get("Fn::And")) {
                    if (!truth(n)) {
                        return false;
                    }
                }
                return true;
            }
            if (node.has("Fn::Or")) {
                for (JsonNode n : node.get("Fn::Or")) {
                    if (truth(n)) {
                        return true;
                    }
                }
                return false;
            }
            if (node.has("Fn::Equals")) {
                JsonNode a = value(node.get("Fn::Equals").get(0));
                JsonNode b = value(node.get("Fn::Equals").get(1));
                return (a == null ? "" : a.asText()).equals(b == null ? "" : b.asText());
            }
            if (node.has("Condition")) {
                return condition(node.get("Condition").asText());
            }
            throw new IllegalArgumentException("template: cannot evaluate the condition " + node);
        }
    }
}
