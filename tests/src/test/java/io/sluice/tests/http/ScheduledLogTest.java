package io.sluice.tests.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.LogServices;
import io.sluice.functions.MaintenanceHandler;
import io.sluice.functions.SubscriptionSweepHandler;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.infra.LocalScheduler;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scheduled functions log through their invocation's logger, which the local stack binds to its error
 * stream as it was when it started, as Lambda sends a function's logs to CloudWatch. A caller in the same
 * process that swaps System.out and System.err meanwhile (the CLI tests capture a command's output so)
 * sees none of those lines: one such line once failed `CliSemanticsTest` at random.
 */
class ScheduledLogTest {

    @Test
    void scheduledFunctionsLogToTheStacksStreamNotToWhateverSystemOutIsAtTheTime() throws Exception {
        LogServices log = LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore(), Clock.systemUTC());
        ByteArrayOutputStream stack = new ByteArrayOutputStream();
        ByteArrayOutputStream swapped = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        LocalScheduler scheduler;
        System.setErr(new PrintStream(stack, true, UTF_8));
        try {
            scheduler = new LocalScheduler(); // takes its log stream now, as the local stack does at start
        } finally {
            System.setErr(originalErr);
        }
        CountDownLatch maintenance = new CountDownLatch(2);
        CountDownLatch sweeps = new CountDownLatch(2);
        try (scheduler) {
            System.setOut(new PrintStream(swapped, true, UTF_8));
            System.setErr(new PrintStream(swapped, true, UTF_8));
            try {
                scheduler.every(Duration.ofMillis(20), "maintenance", counted(new MaintenanceHandler(log), maintenance));
                scheduler.every(Duration.ofMillis(20), "sweep", counted(new SubscriptionSweepHandler(log), sweeps));
                assertThat(maintenance.await(30, TimeUnit.SECONDS)).as("maintenance ran twice").isTrue();
                assertThat(sweeps.await(30, TimeUnit.SECONDS)).as("the sweep ran twice").isTrue();
            } finally {
                System.setOut(originalOut);
                System.setErr(originalErr);
            }
        }
        assertThat(swapped.toString(UTF_8)).as("nothing reached the swapped streams").isEmpty();
        assertThat(stack.toString(UTF_8)).contains("\"event\":\"maintenance\"").contains("\"event\":\"subscription-sweep\"");
    }

    private static RequestHandler<ScheduledEvent, String> counted(RequestHandler<ScheduledEvent, String> handler,
                                                               CountDownLatch runs) {
        return (event, context) -> {
            String report = handler.handleRequest(event, context);
            runs.countDown();
            return report;
        };
    }
}
