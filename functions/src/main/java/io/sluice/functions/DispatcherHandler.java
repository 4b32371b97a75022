package io.sluice.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.sluice.LogServices;
import io.sluice.subscription.Dispatch;
import io.sluice.subscription.Dispatcher;
import java.util.Map;

/**
 * The subscriptions' dispatcher (issue 19), invoked asynchronously with {@code {subscription,
 * partition, lane}}: delivers that lane until it has no lag or its invocation has too little time left.
 */
public final class DispatcherHandler implements RequestHandler<Map<String, Object>, String> {

    private final LogServices log;

    /** For Lambda: configuration from the environment. */
    public DispatcherHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public DispatcherHandler(Map<String, String> env) {
        this(Services.create(FunctionConfig.from(env)));
    }

    public DispatcherHandler(LogServices log) {
        this.log = log;
    }

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        Dispatch d = new Dispatch(String.valueOf(event.get("subscription")), number(event, "partition"),
                event.containsKey("lane") ? number(event, "lane") : 0);
        long deadline = System.currentTimeMillis() + (context == null ? 60_000 : context.getRemainingTimeInMillis());
        Dispatcher.Result result = log.subscriptions().dispatcher().run(d, deadline);
        return "{\"subscription\":\"" + d.subscription() + "\",\"partition\":" + d.partition() + ",\"lane\":" + d.lane()
                + ",\"result\":\"" + result + "\"}";
    }

    private static int number(Map<String, Object> event, String field) {
        Object value = event.get(field);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("the dispatcher's event needs a numeric " + field);
        }
        return n.intValue();
    }

    /** The event that starts a dispatcher for {@code d}. */
    static String event(Dispatch d) {
        return "{\"subscription\":\"" + d.subscription() + "\",\"partition\":" + d.partition() + ",\"lane\":"
                + d.lane() + "}";
    }
}
