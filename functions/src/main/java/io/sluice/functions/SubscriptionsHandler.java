package io.sluice.functions;

import io.sluice.LogServices;
import io.sluice.api.Route;
import java.util.EnumSet;
import java.util.Map;

/** Subscriptions (issue 19): create, list, describe, pause, resume, delete. */
public final class SubscriptionsHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES = EnumSet.of(Route.CREATE_SUBSCRIPTION, Route.LIST_SUBSCRIPTIONS,
            Route.DESCRIBE_SUBSCRIPTION, Route.PAUSE_SUBSCRIPTION, Route.RESUME_SUBSCRIPTION,
            Route.DELETE_SUBSCRIPTION);

    /** For Lambda: configuration from the environment. */
    public SubscriptionsHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public SubscriptionsHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private SubscriptionsHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public SubscriptionsHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access} (issue 16): the subscription routes of {@code RouteAccess}. */
    public SubscriptionsHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }
}
