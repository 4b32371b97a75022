package io.sluice.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.api.HttpApi;
import io.sluice.LogServices;
import java.util.Map;

/** The scheduled maintenance pass (EventBridge schedule): retention, compaction, garbage collection. */
public final class MaintenanceHandler implements RequestHandler<ScheduledEvent, String> {

    private final LogServices log;

    /** For Lambda: configuration from the environment. */
    public MaintenanceHandler() {
        this(System.getenv());
    }

    /** For the local stack: the environment template.yaml gives this function, plus emulator endpoints. */
    public MaintenanceHandler(Map<String, String> env) {
        this(Services.create(FunctionConfig.from(env)));
    }

    public MaintenanceHandler(LogServices log) {
        this.log = log;
    }

    /** Runs one pass over every topic and answers (and logs) its report as JSON. */
    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        String report = HttpApi.reportJson(log.maintenance().run(null));
        FunctionLog.line(context, "{\"level\":\"INFO\",\"event\":\"maintenance\",\"report\":" + report + "}");
        return report;
    }
}
