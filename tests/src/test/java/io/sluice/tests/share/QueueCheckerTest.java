package io.sluice.tests.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The queue checker over randomized runs on s3proxy and dynalite ({@code -Dsluice.queue.seed=N} replays a
 * run), and over the broken variant whose acquire lands without its version condition.
 */
@ExtendWith(EmbeddedBackends.class)
class QueueCheckerTest {

    @Test
    void consumersThroughInjectedFaultsLeaveACorrectQueue(Backends backends) throws Exception {
        long seed = Long.getLong("sluice.queue.seed", System.nanoTime());
        Random random = new Random(seed);
        boolean keyOrdering = random.nextBoolean();
        QueueRun.Settings settings = new QueueRun.Settings(seed, 1 + random.nextInt(3), 1 + random.nextInt(16), 120,
                0.03, keyOrdering, false, Duration.ofSeconds(5), Duration.ofSeconds(20));
        QueueRun.Outcome outcome = QueueRun.run(backends.fresh(), settings);
        QueueChecker.Result result = QueueChecker.check(outcome.history(), QueueRun.TOPIC, QueueRun.LIMIT, keyOrdering);
        System.out.printf("queue: operations=%d faults=%d records=%d accepted=%d deadLettered=%d violations=%d"
                        + " (seed=%d partitions=%d consumers=%d ordering=%s finished=%s inWindow=%d)%n",
                outcome.operations(), outcome.faults(), result.records(), result.accepted(), result.deadLettered(),
                result.violations().size(), seed, settings.partitions(), settings.consumers(),
                keyOrdering ? "key" : "none", outcome.finished(), result.inWindow());
        result.violations().stream().limit(20).forEach(System.out::println);
        assertThat(result.violations()).as("seed %d", seed).isEmpty();
        assertThat(outcome.faults()).as("faults were injected").isPositive();
        assertThat(result.records()).isEqualTo(120);
        assertThat(result.accepted()).isPositive();
    }

    @Test
    void anAcquireWithoutItsConditionIsReported(Backends backends) throws Exception {
        long seed = Long.getLong("sluice.queue.seed", System.nanoTime());
        QueueRun.Settings settings = new QueueRun.Settings(seed, 1, 12, 120, 0, true, true, Duration.ZERO,
                Duration.ofSeconds(5));
        QueueRun.Outcome outcome = QueueRun.run(backends.fresh(), settings);
        QueueChecker.Result result = QueueChecker.check(outcome.history(), QueueRun.TOPIC, QueueRun.LIMIT, true);
        System.out.printf("queue (broken acquire): operations=%d records=%d violations=%d seed=%d%n",
                outcome.operations(), result.records(), result.violations().size(), seed);
        result.violations().stream().limit(5).forEach(System.out::println);
        assertThat(result.violations()).as("the checker catches the broken acquire, seed %d", seed).isNotEmpty();
    }
}
