package io.sluice.tests.acl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.sluice.LogServices;
import io.sluice.acl.AclStore;
import io.sluice.acl.Authorizer;
import io.sluice.acl.InMemoryAclStore;
import io.sluice.api.Route;
import io.sluice.functions.AccessControl;
import io.sluice.functions.AclsHandler;
import io.sluice.functions.AdminHandler;
import io.sluice.functions.ApiGatewayHandler;
import io.sluice.functions.FetchHandler;
import io.sluice.functions.GroupsHandler;
import io.sluice.functions.ProduceHandler;
import io.sluice.functions.ShareGroupsHandler;
import io.sluice.functions.TopicsHandler;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LambdaInvoker;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.Stores;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ACL scenarios on the Lambda handlers: each function with an authorizer of its own (its own cache)
 * over one ACL store, the principal in API Gateway's IAM request context, and the caches' clock moved by
 * hand, so a warm function is seen to keep its cache until the cache time is up.
 */
class HandlerAclScenariosTest extends AclScenarios {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final Map<Route, ApiGatewayHandler> handlers = new EnumMap<>(Route.class);

    HandlerAclScenariosTest() {
        Stores stores = Stores.inMemory();
        LogServices log = LogServices.create(stores.objects(), stores.metadata(), stores.groups(), Clock.systemUTC());
        AclStore acls = new InMemoryAclStore();
        for (ApiGatewayHandler handler : List.of(new TopicsHandler(log, access(acls)), new ProduceHandler(log, access(acls)),
                new FetchHandler(log, access(acls)), new GroupsHandler(log, access(acls)),
                new ShareGroupsHandler(log, access(acls)), new AdminHandler(log, access(acls)),
                new AclsHandler(log, access(acls)))) {
            handler.routes().forEach(r -> handlers.put(r, handler));
        }
    }

    private AccessControl access(AclStore acls) {
        return new AccessControl(new Authorizer(Authorizer.Mode.ACL, Set.of(ADMIN), acls, clock,
                Authorizer.MAX_CACHE_TTL), "", null);
    }

    @Override
    protected Response call(String who, String method, String path, String body) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Route route = Route.forKey(LambdaInvoker.routeKey(method, bare));
        APIGatewayV2HTTPResponse response = handlers.get(route).handleRequest(
                LambdaInvoker.asIam(LambdaInvoker.event(method, path, body), who), null);
        try {
            String text = response.getBody();
            return new Response(response.getStatusCode(), text, text == null || text.isEmpty() ? null : JSON.readTree(text));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    protected void cacheExpires() {
        clock.advance(Authorizer.MAX_CACHE_TTL.toMillis());
    }

    @Override
    protected boolean cacheTimeIsControlled() {
        return true;
    }
}
