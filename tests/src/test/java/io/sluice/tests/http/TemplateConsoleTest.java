package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.LogServices;
import io.sluice.console.ConsoleFiles;
import io.sluice.functions.ApiGatewayHandler;
import io.sluice.functions.FetchHandler;
import io.sluice.functions.TopicsHandler;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.infra.SamTemplate;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.DeployedTemplate;
import io.sluice.tests.support.EmbeddedBackends;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, deployed: the web console is served by the stack's JWT API at {@code /console/}, from the
 * topics function's jar, on two GET routes that need no token (a browser cannot attach one to loading a
 * page); the console then calls that same API with the token pasted into it. The {@code Console}
 * parameter turns the routes off, and without {@code JwtIssuer} there is nothing to serve them from.
 */
class TemplateConsoleTest {

    private static final SamTemplate TEMPLATE = SamTemplate.load(EmbeddedBackends.projectRoot().resolve("template.yaml"));
    private static final JsonNode RESOURCES = TEMPLATE.root().path("Resources");
    private static final Map<String, String> WITH_JWT = Map.of(
            "JwtIssuer", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example", "JwtAudience", "client-id");
    private static final Set<String> CONSOLE_ROUTES = Set.of("ConsoleIndexJwtRoute", "ConsoleFilesJwtRoute");

    @Test
    void theConsoleRoutesAreGetOnlyNeedNoTokenAndGoToTheTopicsFunction() {
        Set<String> keys = new TreeSet<>();
        for (String id : CONSOLE_ROUTES) {
            JsonNode route = RESOURCES.path(id);
            JsonNode p = route.path("Properties");
            assertThat(route.path("Type").asText()).as(id).isEqualTo("AWS::ApiGatewayV2::Route");
            assertThat(route.path("Condition").asText()).as(id).isEqualTo("HasConsole");
            assertThat(p.path("ApiId").path("Ref").asText()).as(id).isEqualTo("JwtHttpApi");
            assertThat(p.path("AuthorizationType").asText()).as(id).isEqualTo("NONE");
            assertThat(p.has("AuthorizerId")).as(id).isFalse();
            assertThat(p.path("Target").path("Fn::Sub").asText()).as(id).isEqualTo("integrations/${TopicsJwtIntegration}");
            keys.add(p.path("RouteKey").asText());
        }
        assertThat(keys).isEqualTo(new TreeSet<>(ConsoleFiles.ROUTE_KEYS)).allMatch(k -> k.startsWith("GET /console"));
        for (SamTemplate.FunctionDef function : TEMPLATE.functions()) {
            function.routes().forEach(r -> assertThat(r.routeKey()).as("the IAM API serves no console")
                    .doesNotContain("/console"));
        }
    }

    @Test
    void theConsoleIsOnWithTheJwtApiByDefaultAndTheParameterTurnsItOff() {
        DeployedTemplate on = new DeployedTemplate(TEMPLATE.root(), WITH_JWT);
        assertThat(on.resources()).containsAll(CONSOLE_ROUTES);
        assertThat(on.outputs()).contains("ConsoleUrl");
        assertThat(on.danglingReferences()).isEmpty();
        assertThat(TEMPLATE.root().path("Outputs").path("ConsoleUrl").path("Value").path("Fn::Sub").asText())
                .isEqualTo("https://${JwtHttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/console/index.html");

        Map<String, String> off = new java.util.HashMap<>(WITH_JWT);
        off.put("Console", "false");
        DeployedTemplate withoutConsole = new DeployedTemplate(TEMPLATE.root(), off);
        assertThat(withoutConsole.resources()).doesNotContainAnyElementsOf(CONSOLE_ROUTES).contains("JwtHttpApi");
        assertThat(withoutConsole.outputs()).doesNotContain("ConsoleUrl").contains("JwtApiUrl");
        assertThat(withoutConsole.danglingReferences()).isEmpty();

        DeployedTemplate withoutJwt = new DeployedTemplate(TEMPLATE.root(), Map.of());
        assertThat(withoutJwt.resources()).doesNotContainAnyElementsOf(CONSOLE_ROUTES);
        assertThat(withoutJwt.outputs()).doesNotContain("ConsoleUrl");
        assertThat(withoutJwt.danglingReferences()).isEmpty();
        assertThat(TEMPLATE.root().path("Parameters").path("Console").path("AllowedValues").toString())
                .isEqualTo("[\"true\",\"false\"]");
    }

    private static LogServices memory() {
        return LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore(), Clock.systemUTC());
    }

    private static APIGatewayV2HTTPResponse invoke(ApiGatewayHandler handler, String routeKey, String path) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey(routeKey)
                .withRawPath(path).withRawQueryString("")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRouteKey(routeKey)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path).build())
                        .build())
                .build();
        return handler.handleRequest(event, null);
    }

    @Test
    void theTopicsFunctionAnswersTheConsoleRoutesWithItsFilesAndNothingElse() {
        TopicsHandler topics = new TopicsHandler(memory());
        APIGatewayV2HTTPResponse app = invoke(topics, "GET /console/{proxy+}", "/console/app.js");
        assertThat(app.getStatusCode()).isEqualTo(200);
        assertThat(app.getHeaders()).containsEntry("content-type", "text/javascript; charset=utf-8")
                .containsKey("content-security-policy").containsEntry("x-content-type-options", "nosniff");
        assertThat(app.getBody()).contains("import");
        APIGatewayV2HTTPResponse index = invoke(topics, "GET /console/{proxy+}", "/console/index.html");
        assertThat(index.getStatusCode()).isEqualTo(200);
        assertThat(index.getBody()).contains("<title>Sluice console</title>");
        APIGatewayV2HTTPResponse root = invoke(topics, "GET /console", "/console");
        assertThat(root.getStatusCode()).isEqualTo(308);
        assertThat(root.getHeaders()).containsEntry("location", "console/index.html");

        assertThat(invoke(topics, "GET /console/{proxy+}", "/console/../topics").getStatusCode())
                .as("only the console's listed files").isEqualTo(404);
        assertThat(invoke(topics, "GET /console/{proxy+}", "/console/ConsoleFiles.class").getStatusCode()).isEqualTo(404);
        assertThat(invoke(topics, "GET /console/{proxy+}", "/topics").getStatusCode()).isEqualTo(404);

        APIGatewayV2HTTPResponse viaDefault = invoke(topics, "$default", "/console/app.js");
        assertThat(viaDefault.getStatusCode()).isEqualTo(404);
        assertThat(viaDefault.getBody()).as("without the console's route key, the API's own 404").contains("ROUTE_NOT_FOUND");
        APIGatewayV2HTTPResponse otherFunction = invoke(new FetchHandler(memory()), "GET /console/{proxy+}", "/console/app.js");
        assertThat(otherFunction.getBody()).contains("ROUTE_NOT_FOUND");
    }
}
