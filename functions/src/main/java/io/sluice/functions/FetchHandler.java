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
        this(Services.create(FunctionConfig.from(env)));
    }

    public FetchHandler(LogServices log) {
        super(log, ROUTES);
    }
}
