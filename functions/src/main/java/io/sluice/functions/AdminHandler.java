package io.sluice.functions;

import io.sluice.api.Route;
import io.sluice.LogServices;
import java.util.EnumSet;
import java.util.Map;

/** {@code POST /maintenance}: an operator runs a maintenance pass now and reads its report. */
public final class AdminHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES = EnumSet.of(Route.RUN_MAINTENANCE);

    /** For Lambda: configuration from the environment. */
    public AdminHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public AdminHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private AdminHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public AdminHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access} (issue 16). */
    public AdminHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }
}
