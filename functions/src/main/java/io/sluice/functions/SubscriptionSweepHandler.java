package io.sluice.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.LogServices;
import io.sluice.subscription.Sweep;
import java.util.Map;

/** The subscriptions' sweep (issue 19), every minute: re-triggers marked lanes whose lease expired with lag. */
public final class SubscriptionSweepHandler implements RequestHandler<ScheduledEvent, String> {

    private final LogServices log;

    /** For Lambda: configuration from the environment. */
    public SubscriptionSweepHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public SubscriptionSweepHandler(Map<String, String> env) {
        this(Services.create(FunctionConfig.from(env)));
    }

    public SubscriptionSweepHandler(LogServices log) {
        this.log = log;
    }

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        Sweep.Report r = log.subscriptions().sweep().run();
        String report = "{\"marked\":" + r.marked() + ",\"triggered\":" + r.triggered() + ",\"cleared\":" + r.cleared()
                + ",\"busy\":" + r.busy() + "}";
        FunctionLog.line(context, "{\"level\":\"INFO\",\"event\":\"subscription-sweep\",\"report\":" + report + "}");
        return report;
    }
}
