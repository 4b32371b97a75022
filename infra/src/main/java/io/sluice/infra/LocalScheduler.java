package io.sluice.infra;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs template.yaml's Schedule events locally, as EventBridge does in AWS: the same handler, on the same rate. */
public final class LocalScheduler implements AutoCloseable {

    /** Where functions' logs go: the error stream as it was when this started (see {@link LocalContext}). */
    private final java.io.PrintStream log = System.err;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-schedule");
        t.setDaemon(true);
        return t;
    });

    public void every(Duration period, String functionName, RequestHandler<ScheduledEvent, ?> handler) {
        executor.scheduleAtFixedRate(() -> {
            String requestId = UUID.randomUUID().toString();
            try {
                ScheduledEvent event = new ScheduledEvent();
                event.setId(requestId);
                event.setSource("aws.events");
                event.setDetailType("Scheduled Event");
                handler.handleRequest(event, new LocalContext(requestId, functionName, System.currentTimeMillis()
                        + 900_000, log));
            } catch (RuntimeException e) {
                System.err.println("local schedule: " + functionName + " failed: " + e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
