package io.sluice.functions;

import io.sluice.api.Route;
import io.sluice.LogServices;
import java.util.EnumSet;
import java.util.Map;

/** Share groups (issue 18): configure, fetch with locks, acknowledge, describe, reset, delete, list. */
public final class ShareGroupsHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES = EnumSet.of(Route.PUT_SHARE_GROUP, Route.LIST_SHARE_GROUPS,
            Route.DESCRIBE_SHARE_GROUP, Route.DELETE_SHARE_GROUP, Route.SHARE_FETCH, Route.SHARE_ACKS,
            Route.RESET_SHARE_GROUP);

    /** For Lambda: configuration from the environment. */
    public ShareGroupsHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public ShareGroupsHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private ShareGroupsHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public ShareGroupsHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access} (issue 16). */
    public ShareGroupsHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }
}
