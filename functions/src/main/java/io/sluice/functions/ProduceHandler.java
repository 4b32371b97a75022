package io.sluice.functions;

import io.sluice.api.Route;
import io.sluice.LogServices;
import java.util.EnumSet;
import java.util.Map;

/** Produce ({@code POST /topics/{topic}/records}) and idempotent-producer init ({@code POST /producers}). */
public final class ProduceHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES = EnumSet.of(Route.PRODUCE, Route.INIT_PRODUCER);

    /** For Lambda: configuration from the environment. */
    public ProduceHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public ProduceHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private ProduceHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public ProduceHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access} (issue 16). */
    public ProduceHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }
}
