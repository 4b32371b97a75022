package io.sluice.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the local stack and the tests need from template.yaml: the functions (handler, environment,
 * HTTP API routes, policies), the buckets and the tables. Intrinsic functions must be in long form
 * ({@code Ref:}, {@code Fn::Sub:}, {@code Fn::GetAtt:}).
 */
public final class SamTemplate {

    /** An HttpApi event: a method and a path, or neither for the {@code $default} route. */
    public record HttpRoute(String method, String path) {
        public boolean isDefault() {
            return path == null;
        }

        /** API Gateway's route key: {@code POST /topics}, or {@code $default}. */
        public String routeKey() {
            return isDefault() ? "$default" : method + " " + path;
        }
    }

    /** An {@code AWS::Serverless::Function}, with the Globals merged in. */
    public record FunctionDef(String logicalId, String handlerClass, String handlerMethod,
                              Map<String, JsonNode> environment, List<HttpRoute> routes, List<String> schedules,
                              JsonNode policies) {
    }

    /** An {@code AWS::DynamoDB::Table}: the raw properties, for key schema and billing. */
    public record TableDef(String logicalId, JsonNode properties) {
    }

    private final JsonNode root;

    private SamTemplate(JsonNode root) {
        this.root = root;
    }

    public static SamTemplate load(Path file) {
        try {
            return new SamTemplate(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public JsonNode root() {
        return root;
    }

    public List<FunctionDef> functions() {
        JsonNode globals = root.path("Globals").path("Function");
        List<FunctionDef> functions = new ArrayList<>();
        resources("AWS::Serverless::Function").forEach((id, resource) -> {
            JsonNode properties = resource.path("Properties");
            String handler = properties.path("Handler").asText(globals.path("Handler").asText(null));
            if (handler == null || !handler.contains("::")) {
                throw new IllegalStateException(id + ": Handler must be Class::method, was " + handler);
            }
            Map<String, JsonNode> environment = new LinkedHashMap<>();
            globals.path("Environment").path("Variables").properties()
                    .forEach(e -> environment.put(e.getKey(), e.getValue()));
            properties.path("Environment").path("Variables").properties()
                    .forEach(e -> environment.put(e.getKey(), e.getValue()));
            List<HttpRoute> routes = new ArrayList<>();
            List<String> schedules = new ArrayList<>();
            properties.path("Events").properties().forEach(e -> {
                JsonNode event = e.getValue();
                JsonNode p = event.path("Properties");
                if ("HttpApi".equals(event.path("Type").asText())) {
                    String path = p.path("Path").asText(null);
                    routes.add(new HttpRoute(path == null ? null : p.path("Method").asText("ANY").toUpperCase(), path));
                } else if ("Schedule".equals(event.path("Type").asText())) {
                    schedules.add(p.path("Schedule").asText());
                }
            });
            String[] parts = handler.split("::", 2);
            functions.add(new FunctionDef(id, parts[0], parts[1], environment, routes, schedules,
                    properties.path("Policies")));
        });
        return functions;
    }

    /**
     * The period of a schedule expression {@code rate(N minute|minutes|hour|hours|day|days)}.
     *
     * @throws IllegalArgumentException for anything else (cron expressions are not run locally)
     */
    public static java.time.Duration rate(String expression) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)").matcher(expression.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("only rate(N unit) schedules run locally, not " + expression);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "minute", "minutes" -> java.time.Duration.ofMinutes(n);
            case "hour", "hours" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }

    /** Each parameter's {@code Default} (as text; a parameter without one is left out), for {@code Ref} locally. */
    public Map<String, String> parameterDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        root.path("Parameters").properties().forEach(e -> {
            if (e.getValue().has("Default")) {
                defaults.put(e.getKey(), e.getValue().path("Default").asText());
            }
        });
        return defaults;
    }

    /** Logical ids of {@code AWS::S3::Bucket} resources. */
    public List<String> buckets() {
        return new ArrayList<>(resources("AWS::S3::Bucket").keySet());
    }

    public List<TableDef> tables() {
        List<TableDef> tables = new ArrayList<>();
        resources("AWS::DynamoDB::Table").forEach((id, r) -> tables.add(new TableDef(id, r.path("Properties"))));
        return tables;
    }

    /**
     * The value of an environment variable, with {@code Ref} to a resource resolved by {@code refs}.
     *
     * @throws IllegalStateException for any other intrinsic, which the local stack cannot evaluate
     */
    public static String resolve(JsonNode value, Function<String, String> refs) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            String resolved = refs.apply(value.get("Ref").asText());
            if (resolved == null) {
                throw new IllegalStateException("cannot resolve Ref " + value.get("Ref").asText());
            }
            return resolved;
        }
        throw new IllegalStateException("unsupported intrinsic in an environment variable: " + value);
    }

    private Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.path("Resources").properties()) {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        }
        return found;
    }
}
