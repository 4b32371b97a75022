package io.sluice.tests.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Run in a fresh JVM on the shaded functions jar: creates one handler the way Lambda does (no-argument
 * constructor, configuration from the environment), handles one event, and prints the milliseconds from
 * JVM start to the handled event.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        Object handler = Class.forName(args[0]).getConstructor().newInstance();
        if (handler instanceof RequestHandler<?, ?> h && args[0].endsWith("MaintenanceHandler")) {
            @SuppressWarnings("unchecked")
            RequestHandler<ScheduledEvent, ?> scheduled = (RequestHandler<ScheduledEvent, ?>) h;
            scheduled.handleRequest(new ScheduledEvent(), null);
        } else {
            @SuppressWarnings("unchecked")
            RequestHandler<APIGatewayV2HTTPEvent, ?> api = (RequestHandler<APIGatewayV2HTTPEvent, ?>) handler;
            api.handleRequest(io.sluice.tests.support.LambdaInvoker.event(args[2], args[1],
                    args.length > 3 ? args[3] : null), null);
        }
        long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        System.out.println("COLD_START_MS=" + ms);
    }
}
