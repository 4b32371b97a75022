package io.sluice.functions;

import io.sluice.api.Route;
import io.sluice.LogServices;
import java.util.EnumSet;
import java.util.Map;

/**
 * Topic administration, the API's {@code $default} route (JSON 404 and 405 for unknown requests), and on
 * the JWT API the web console's static files ({@link io.sluice.console.ConsoleFiles#ROUTE_KEYS}).
 */
public final class TopicsHandler extends ApiGatewayHandler {

    static final EnumSet<Route> ROUTES =
            EnumSet.of(Route.CREATE_TOPIC, Route.LIST_TOPICS, Route.DESCRIBE_TOPIC, Route.DELETE_TOPIC);

    /** For Lambda: configuration from the environment. */
    public TopicsHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public TopicsHandler(Map<String, String> env) {
        this(Services.wire(FunctionConfig.from(env)));
    }

    private TopicsHandler(Services.Wired wired) {
        this(wired.log(), wired.access());
    }

    /** Open, for tests: every caller may do everything. */
    public TopicsHandler(LogServices log) {
        this(log, AccessControl.open());
    }

    /** With ACLs checked by {@code access} (issue 16). */
    public TopicsHandler(LogServices log, AccessControl access) {
        super(log, access, ROUTES);
    }

    @Override
    boolean servesConsole() {
        return true;
    }
}
