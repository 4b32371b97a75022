package io.sluice.functions;

import io.sluice.LogServices;
import io.sluice.api.Route;
import java.util.EnumSet;
import java.util.Map;

/** ACL management (issue 16): {@code POST}, {@code GET} and {@code DELETE /acls}; all need alter on the cluster. */
public final class AclsHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES = EnumSet.of(Route.CREATE_ACL, Route.LIST_ACLS, Route.DELETE_ACL);

    /** For Lambda: configuration from the environment. */
    public AclsHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public AclsHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private AclsHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public AclsHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access}. */
    public AclsHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }
}
