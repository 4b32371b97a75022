package io.sluice.functions;

import io.sluice.api.Route;
import io.sluice.LogServices;
import java.util.EnumSet;
import java.util.Map;

/** Consumer groups: heartbeat, commit, describe with lag, reset. */
public final class GroupsHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES =
            EnumSet.of(Route.LIST_GROUPS, Route.HEARTBEAT, Route.COMMIT_OFFSETS, Route.DESCRIBE_GROUP, Route.RESET_GROUP);

    /** For Lambda: configuration from the environment. */
    public GroupsHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public GroupsHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private GroupsHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public GroupsHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access} (issue 16). */
    public GroupsHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }
}
