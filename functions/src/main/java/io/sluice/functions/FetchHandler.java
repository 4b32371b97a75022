package io.sluice.functions;

import io.sluice.api.Route;
import io.sluice.LogServices;
import java.util.EnumSet;
import java.util.Map;

/** Reads: fetch records, and list offsets (earliest, latest, by timestamp). */
public final class FetchHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES = EnumSet.of(Route.FETCH, Route.LIST_OFFSETS);

    /** For Lambda: configuration from the environment. */
    public FetchHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public FetchHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private FetchHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public FetchHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access} (issue 16). */
    public FetchHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }
}
