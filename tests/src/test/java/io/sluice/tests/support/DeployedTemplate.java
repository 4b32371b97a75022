package io.sluice.tests.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What CloudFormation would create from a template for given parameter values: the resources and
 * outputs whose conditions hold, and every reference from them to something that is not created.
 * Such a reference fails the deployment ("Unresolved resource dependencies"), and only for the
 * parameter values that leave its target out, so a template with conditions is checked once per
 * setting.
 *
 * <p>Conditions may use {@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or},
 * {@code Condition} and {@code Ref} to parameters. References are {@code Ref}, {@code Fn::GetAtt} and
 * the names in {@code Fn::Sub} strings; {@code Ref: X.Alias} is SAM's reference to the alias of
 * function X. Both branches of an {@code Fn::If} count, which is stricter than CloudFormation.
 */
public final class DeployedTemplate {

    private static final Pattern SUB_NAME = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private final JsonNode root;
    private final Map<String, String> parameters = new HashMap<>();
    private final Map<String, Boolean> conditions = new HashMap<>();

    public DeployedTemplate(JsonNode root, Map<String, String> parameterValues) {
        this.root = root;
        root.path("Parameters").fields().forEachRemaining(p -> {
            String given = parameterValues.get(p.getKey());
            parameters.put(p.getKey(), given != null ? given : p.getValue().path("Default").asText(""));
        });
        for (String name : parameterValues.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("the template has no parameter " + name);
            }
        }
    }

    /** Logical ids of the resources created. */
    public Set<String> resources() {
        return created("Resources");
    }

    /** Names of the outputs created. */
    public Set<String> outputs() {
        return created("Outputs");
    }

    private Set<String> created(String section) {
        Set<String> created = new LinkedHashSet<>();
        root.path(section).fields().forEachRemaining(e -> {
            if (holds(e.getValue().path("Condition"))) {
                created.add(e.getKey());
            }
        });
        return created;
    }

    /** {@code from -> to} for every reference from a created resource or output to nothing created. */
    public List<String> danglingReferences() {
        Set<String> created = resources();
        List<String> dangling = new ArrayList<>();
        root.path("Resources").fields().forEachRemaining(r -> {
            if (created.contains(r.getKey())) {
                for (String target : references(r.getValue().path("Properties"))) {
                    if (!resolves(target, created)) {
                        dangling.add(r.getKey() + " -> " + target);
                    }
                }
            }
        });
        Set<String> outputs = outputs();
        root.path("Outputs").fields().forEachRemaining(o -> {
            if (outputs.contains(o.getKey())) {
                for (String target : references(o.getValue().path("Value"))) {
                    if (!resolves(target, created)) {
                        dangling.add("Outputs." + o.getKey() + " -> " + target);
                    }
                }
            }
        });
        return dangling;
    }

    /** Whether the named condition holds for these parameter values. */
    public boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known == null) {
            JsonNode expression = root.path("Conditions").path(name);
            if (expression.isMissingNode()) {
                throw new IllegalArgumentException("the template has no condition " + name);
            }
            known = evaluate(expression);
            conditions.put(name, known);
        }
        return known;
    }

    private boolean holds(JsonNode condition) {
        return condition.isMissingNode() || condition(condition.asText());
    }

    private boolean evaluate(JsonNode expression) {
        if (expression.has("Condition")) {
            return condition(expression.get("Condition").asText());
        }
        if (expression.has("Fn::Not")) {
            return !evaluate(expression.get("Fn::Not").get(0));
        }
        if (expression.has("Fn::And")) {
            boolean all = true;
            for (JsonNode operand : expression.get("Fn::And")) {
                all &= evaluate(operand);
            }
            return all;
        }
        if (expression.has("Fn::Or")) {
            boolean any = false;
            for (JsonNode operand : expression.get("Fn::Or")) {
                any |= evaluate(operand);
            }
            return any;
        }
        if (expression.has("Fn::Equals")) {
            return value(expression.get("Fn::Equals").get(0)).equals(value(expression.get("Fn::Equals").get(1)));
        }
        throw new IllegalArgumentException("unsupported condition expression " + expression);
    }

    private String value(JsonNode operand) {
        if (operand.isValueNode()) {
            return operand.asText();
        }
        if (operand.has("Ref") && parameters.containsKey(operand.get("Ref").asText())) {
            return parameters.get(operand.get("Ref").asText());
        }
        throw new IllegalArgumentException("a condition can compare only literals and parameters, not " + operand);
    }

    private boolean resolves(String target, Set<String> created) {
        return target.startsWith("AWS::") || parameters.containsKey(target) || created.contains(target);
    }

    /** Logical ids (or parameter names) that {@code node} refers to, anywhere inside it. */
    static Set<String> references(JsonNode node) {
        Set<String> found = new LinkedHashSet<>();
        collect(node, found);
        return found;
    }

    private static void collect(JsonNode node, Set<String> found) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                switch (field.getKey()) {
                    case "Ref" -> found.add(stripAttribute(value.asText()));
                    case "Fn::GetAtt" -> found.add(value.isArray() ? value.get(0).asText() : stripAttribute(value.asText()));
                    case "Fn::Sub" -> {
                        String text = value.isArray() ? value.get(0).asText() : value.asText();
                        Set<String> local = new LinkedHashSet<>();
                        if (value.isArray() && value.size() > 1) {
                            value.get(1).fieldNames().forEachRemaining(local::add);
                            collect(value.get(1), found);
                        }
                        Matcher m = SUB_NAME.matcher(text);
                        while (m.find()) {
                            String name = stripAttribute(m.group(1));
                            if (!local.contains(name)) {
                                found.add(name);
                            }
                        }
                    }
                    default -> collect(value, found);
                }
            }
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, found));
        }
    }

    /** {@code X.Alias} and {@code X.Arn} name resource X; pseudo parameters keep their {@code AWS::} name. */
    private static String stripAttribute(String name) {
        int dot = name.indexOf('.');
        return name.startsWith("AWS::") || dot < 0 ? name : name.substring(0, dot);
    }
}
