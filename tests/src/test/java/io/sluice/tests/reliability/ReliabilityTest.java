package io.sluice.tests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.LogServices;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.FaultyMetadataStore;
import io.sluice.tests.support.FaultyObjectStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The randomized reliability run on s3proxy and dynalite. The suite runs the small size; set
 * {@code -Dsluice.reliability=large} (see the README) for the large one. {@code -Dsluice.reliability.seed=N}
 * replays a run.
 */
@ExtendWith(EmbeddedBackends.class)
class ReliabilityTest {

    @Test
    void idempotentProducersAndAGroupThroughInjectedFaultsLeaveACorrectHistory(Backends backends) throws Exception {
        ReliabilityRun.Size size = "large".equals(System.getProperty("sluice.reliability"))
                ? ReliabilityRun.Size.LARGE : ReliabilityRun.Size.SMALL;
        long seed = Long.getLong("sluice.reliability.seed", System.nanoTime());
        Backends.Stack stack = backends.fresh();
        RandomFaults faults = new RandomFaults(seed, size.faultProbability());
        ReliabilityRun run = new ReliabilityRun(size, seed, new FaultyObjectStore(stack.objects(), faults),
                new FaultyMetadataStore(stack.metadata(), faults), stack.groups(), faults);
        LogServices reader = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());

        ReliabilityRun.Outcome outcome = run.run(stack.metadata(), reader);

        System.out.println(outcome.summary() + " seed=" + seed + " faultsByKind=" + faults.byKind());
        assertThat(outcome.violations()).as("seed %d", seed).isEmpty();
        assertThat(outcome.faults()).as("faults were injected").isPositive();
        assertThat(outcome.recordsVerified()).isPositive();
    }
}
