package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.api.Route;
import io.sluice.console.ConsoleFiles;
import io.sluice.infra.SamTemplate;
import io.sluice.tests.support.DeployedTemplate;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional JWT API of template.yaml: created only when {@code JwtIssuer} is set, it serves exactly
 * the routes of the IAM-authorized API with the same functions, every route behind the JWT
 * authorizer, and the operator routes behind the admin scope too; beside them only the web console's two
 * file routes, which need no token (TemplateConsoleTest).
 */
class TemplateJwtApiTest {

    private static final Path TEMPLATE_FILE = EmbeddedBackends.projectRoot().resolve("template.yaml");
    private static final SamTemplate TEMPLATE = SamTemplate.load(TEMPLATE_FILE);
    private static final JsonNode RESOURCES = TEMPLATE.root().path("Resources");
    private static final Map<String, String> WITH_JWT = Map.of(
            "JwtIssuer", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example", "JwtAudience", "client-id");

    @Test
    void theJwtApiServesEveryRouteOfTheIamApiWithTheSameFunction() {
        Map<String, String> iam = new TreeMap<>();
        for (SamTemplate.FunctionDef function : TEMPLATE.functions()) {
            function.routes().forEach(route -> iam.put(route.routeKey(), function.logicalId()));
        }
        assertThat(iam).hasSize(Route.values().length + 1);
        Map<String, String> jwt = jwtRoutes(TEMPLATE.root());
        for (String console : ConsoleFiles.ROUTE_KEYS) {
            assertThat(jwt.remove(console)).as("%s, the web console's files (TemplateConsoleTest)", console)
                    .isEqualTo("TopicsFunction");
        }
        assertThat(jwt).isEqualTo(iam);
    }

    @Test
    void aRouteMissingFromTheJwtApiIsCaught(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(TEMPLATE_FILE).replace("RouteKey: POST /groups/{group}/heartbeat",
                "RouteKey: POST /groups/{group}/heartbeats");
        JsonNode doctored = SamTemplate.load(Files.writeString(dir.resolve("template.yaml"), yaml)).root();
        assertThat(jwtRoutes(doctored)).containsKey("POST /groups/{group}/heartbeats")
                .doesNotContainKey("POST /groups/{group}/heartbeat");
    }

    @Test
    void everyJwtRouteNeedsATokenFromTheIssuerAndOperatorRoutesTheAdminScope() {
        Set<String> operatorRoutes = Arrays.stream(Route.values()).filter(r -> r.access() == Route.Access.OPERATOR)
                .map(Route::routeKey).collect(Collectors.toCollection(TreeSet::new));
        assertThat(operatorRoutes).contains("POST /topics", "DELETE /topics/{topic}", "POST /groups/{group}/reset",
                "POST /maintenance", "GET /groups");
        Set<String> scoped = new TreeSet<>();
        Set<String> console = new TreeSet<>();
        routeResources().forEach(route -> {
            JsonNode p = route.path("Properties");
            String key = p.path("RouteKey").asText();
            if (ConsoleFiles.ROUTE_KEYS.contains(key)) {
                // the console's static files: a browser loads a page without a token (TemplateConsoleTest)
                assertThat(p.path("AuthorizationType").asText()).as(key).isEqualTo("NONE");
                console.add(key);
                return;
            }
            assertThat(p.path("AuthorizationType").asText()).as(key).isEqualTo("JWT");
            assertThat(p.path("AuthorizerId").path("Ref").asText()).as(key).isEqualTo("JwtAuthorizer");
            if (p.has("AuthorizationScopes")) {
                assertThat(p.path("AuthorizationScopes").toString()).as(key)
                        .isEqualTo("{\"Fn::If\":[\"HasJwtAdminScope\",[{\"Ref\":\"JwtAdminScope\"}],{\"Ref\":\"AWS::NoValue\"}]}");
                scoped.add(key);
            }
        });
        assertThat(scoped).isEqualTo(operatorRoutes);
        assertThat(console).isEqualTo(ConsoleFiles.ROUTE_KEYS);

        JsonNode authorizer = RESOURCES.path("JwtAuthorizer").path("Properties");
        assertThat(authorizer.path("AuthorizerType").asText()).isEqualTo("JWT");
        assertThat(authorizer.path("ApiId").path("Ref").asText()).isEqualTo("JwtHttpApi");
        assertThat(authorizer.path("IdentitySource").get(0).asText()).isEqualTo("$request.header.Authorization");
        assertThat(authorizer.path("JwtConfiguration").path("Issuer").path("Ref").asText()).isEqualTo("JwtIssuer");
        assertThat(authorizer.path("JwtConfiguration").path("Audience").path("Ref").asText()).isEqualTo("JwtAudience");
        assertThat(TEMPLATE.root().path("Parameters").path("JwtAdminScope").path("Default").asText())
                .as("operator routes need a scope unless the deployer lifts it").isNotEmpty();
    }

    @Test
    void onlyTheJwtApiMayInvokeTheFunctionsItIntegrates() {
        Set<String> integrated = new TreeSet<>(jwtRoutes(TEMPLATE.root()).values());
        Set<String> permitted = new TreeSet<>();
        RESOURCES.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (e.getValue().path("Type").asText().equals("AWS::Lambda::Permission")) {
                assertThat(p.path("Principal").asText()).isEqualTo("apigateway.amazonaws.com");
                assertThat(p.path("Action").asText()).isEqualTo("lambda:InvokeFunction");
                assertThat(p.path("SourceArn").path("Fn::Sub").asText())
                        .isEqualTo("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${JwtHttpApi}/*");
                permitted.add(aliasOf(p.path("FunctionName")));
            }
        });
        assertThat(permitted).isEqualTo(integrated);
    }

    @Test
    void withoutAnIssuerNothingOfTheJwtApiIsCreated() {
        DeployedTemplate deployed = new DeployedTemplate(TEMPLATE.root(), Map.of());
        Set<String> created = deployed.resources();
        RESOURCES.fields().forEachRemaining(e -> {
            String type = e.getValue().path("Type").asText();
            if (type.startsWith("AWS::ApiGatewayV2::") || type.equals("AWS::Lambda::Permission")) {
                assertThat(created).as("%s without JwtIssuer", e.getKey()).doesNotContain(e.getKey());
            }
        });
        assertThat(created).contains("HttpApi", "DataBucket", "MetadataTable", "TopicsFunction");
        assertThat(deployed.outputs()).contains("ApiUrl").doesNotContain("JwtApiUrl");
        assertThat(deployed.danglingReferences()).isEmpty();
    }

    @Test
    void withAnIssuerTheJwtApiIsCreatedWhole() {
        DeployedTemplate deployed = new DeployedTemplate(TEMPLATE.root(), WITH_JWT);
        assertThat(deployed.resources()).contains("JwtHttpApi", "JwtHttpApiStage", "JwtAuthorizer", "HttpApi")
                .containsAll(jwtRouteIds());
        assertThat(deployed.outputs()).contains("ApiUrl", "JwtApiUrl");
        assertThat(deployed.danglingReferences()).isEmpty();
    }

    @Test
    void aJwtResourceCreatedWithoutTheApiItNeedsIsCaught(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(TEMPLATE_FILE).replace(
                "  JwtAuthorizer:\n    Type: AWS::ApiGatewayV2::Authorizer\n    Condition: HasJwtAuthorizer\n",
                "  JwtAuthorizer:\n    Type: AWS::ApiGatewayV2::Authorizer\n");
        JsonNode doctored = SamTemplate.load(Files.writeString(dir.resolve("template.yaml"), yaml)).root();
        assertThat(new DeployedTemplate(doctored, Map.of()).danglingReferences()).contains("JwtAuthorizer -> JwtHttpApi");
        assertThat(new DeployedTemplate(doctored, WITH_JWT).danglingReferences()).isEmpty();
    }

    @Test
    void theIssuerMustBeHttpsAndAnAudienceIsRequiredWithIt() {
        JsonNode issuer = TEMPLATE.root().path("Parameters").path("JwtIssuer");
        String pattern = issuer.path("AllowedPattern").asText();
        assertThat("").matches(pattern);
        assertThat("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc").matches(pattern);
        assertThat("http://issuer.example.com").doesNotMatch(pattern);
        assertThat("https://has space").doesNotMatch(pattern);
        JsonNode rule = TEMPLATE.root().path("Rules").path("JwtAuthorizerNeedsAnAudience");
        assertThat(rule.path("RuleCondition").toString()).contains("JwtIssuer");
        assertThat(rule.path("Assertions").get(0).path("Assert").toString())
                .isEqualTo("{\"Fn::Not\":[{\"Fn::Contains\":[{\"Ref\":\"JwtAudience\"},\"\"]}]}");
        assertThat(TEMPLATE.root().path("Parameters").path("JwtAudience").path("Type").asText())
                .isEqualTo("CommaDelimitedList");
    }

    /** Route key to the function its integration invokes, for every route of the JWT API. */
    private static Map<String, String> jwtRoutes(JsonNode root) {
        JsonNode resources = root.path("Resources");
        Map<String, String> routes = new TreeMap<>();
        resources.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (e.getValue().path("Type").asText().equals("AWS::ApiGatewayV2::Route")
                    && p.path("ApiId").path("Ref").asText().equals("JwtHttpApi")) {
                String target = p.path("Target").path("Fn::Sub").asText();
                assertThat(target).as(e.getKey()).matches("integrations/\\$\\{\\w+}");
                JsonNode integration = resources.path(target.substring("integrations/${".length(), target.length() - 1));
                assertThat(integration.path("Type").asText()).isEqualTo("AWS::ApiGatewayV2::Integration");
                assertThat(integration.path("Properties").path("IntegrationType").asText()).isEqualTo("AWS_PROXY");
                assertThat(integration.path("Properties").path("PayloadFormatVersion").asText()).isEqualTo("2.0");
                routes.put(p.path("RouteKey").asText(), aliasOf(integration.path("Properties").path("IntegrationUri")));
            }
        });
        return routes;
    }

    private static Iterable<JsonNode> routeResources() {
        return () -> java.util.stream.StreamSupport.stream(RESOURCES.spliterator(), false)
                .filter(r -> r.path("Type").asText().equals("AWS::ApiGatewayV2::Route")).iterator();
    }

    private static Set<String> jwtRouteIds() {
        Set<String> ids = new TreeSet<>();
        RESOURCES.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::ApiGatewayV2::Route")) {
                ids.add(e.getKey());
            }
        });
        return ids;
    }

    /** {@code Ref: XFunction.Alias}, the function's published alias (SnapStart runs only on versions), gives X. */
    private static String aliasOf(JsonNode reference) {
        String ref = reference.path("Ref").asText();
        assertThat(ref).as("an alias reference").endsWith(".Alias");
        return ref.substring(0, ref.length() - ".Alias".length());
    }
}
