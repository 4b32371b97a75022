package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.TopicsHandler;
import io.sluice.LogServices;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LambdaInvoker;
import io.sluice.tests.support.LocalStackExtension;
import io.sluice.tests.support.Stores;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 15, problem 3: the JWT API's admin scope could be bypassed. {@code $default} needs a token but no
 * scope, and goes to the function that also creates and deletes topics; that function ignored the route
 * key and routed again on the raw path, dropping a trailing slash, so {@code DELETE /topics/victim/}
 * reached {@code $default} and deleted the topic. Handlers now run the route API Gateway selected, and
 * {@code $default} only answers 404 or 405; the local stack selects routes as API Gateway does.
 */
@ExtendWith(LocalStackExtension.class)
class RouteKeyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpApiClient api;

    RouteKeyTest(HttpApiClient api) {
        this.api = api;
    }

    @Test
    void defaultRouteNeverDeletesATopicWhateverThePathLooksLike() throws Exception {
        Stores stores = Stores.inMemory();
        TopicsHandler topics = new TopicsHandler(LogServices.create(stores.objects(), stores.metadata(),
                stores.groups(), Clock.systemUTC()));
        assertThat(LambdaInvoker.invoke(topics, "POST", "/topics", "{\"name\":\"victim\",\"partitions\":1}")
                .getStatusCode()).isEqualTo(201);
        for (String path : List.of("/topics/victim/", "/TOPICS/victim", "/Topics/victim", "/topics/victim")) {
            var event = LambdaInvoker.event("DELETE", path, null);
            // what API Gateway hands $default: the catch-all route key, and no path parameters
            event.setRouteKey("$default");
            event.getRequestContext().setRouteKey("$default");
            event.setPathParameters(null);
            APIGatewayV2HTTPResponse response = topics.handleRequest(event, null);
            assertThat(response.getStatusCode()).as("%s: %s", path, response.getBody()).isIn(404, 405);
            assertThat(JSON.readTree(response.getBody()).path("error").asText()).as(path)
                    .isIn("ROUTE_NOT_FOUND", "METHOD_NOT_ALLOWED");
            assertThat(LambdaInvoker.invoke(topics, "GET", "/topics/victim", null).getStatusCode())
                    .as("the topic survives DELETE %s", path).isEqualTo(200);
        }
        assertThat(LambdaInvoker.invoke(topics, "DELETE", "/topics/victim", null).getStatusCode())
                .as("its own route key still deletes").isEqualTo(204);
    }

    @Test
    void theLocalStackSelectsRoutesCaseSensitivelyAndATrailingSlashMatchesNoRoute() {
        assertThat(api.post("/topics", "{\"name\":\"route-victim\",\"partitions\":1}").status()).isEqualTo(201);
        for (String path : List.of("/topics/route-victim/", "/TOPICS/route-victim", "/topics/route-victim//")) {
            HttpApiClient.Response response = api.send("DELETE", path, null);
            assertThat(response.status()).as("%s: %s", path, response.body()).isEqualTo(404);
            assertThat(response.errorCode()).isEqualTo("ROUTE_NOT_FOUND");
            assertThat(api.get("/topics/route-victim").status()).as("the topic survives DELETE %s", path)
                    .isEqualTo(200);
        }
        assertThat(api.get("/topics/").status()).isEqualTo(404);
        assertThat(api.get("/topics").status()).isEqualTo(200);
        assertThat(api.send("PUT", "/topics/route-victim", null).errorCode()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(api.send("DELETE", "/topics/route-victim", null).status()).isEqualTo(204);
    }
}
