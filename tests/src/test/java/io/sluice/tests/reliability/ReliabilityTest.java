package io.sluice.tests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.LogServices;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.group.GroupStore;
import io.sluice.meta.MetadataStore;
import io.sluice.store.ObjectStore;
import io.sluice.tests.support.EveryMethodFaults;
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
        ReliabilityRun run = new ReliabilityRun(size, seed,
                EveryMethodFaults.wrap(ObjectStore.class, stack.objects(), faults),
                EveryMethodFaults.wrap(MetadataStore.class, stack.metadata(), faults),
                EveryMethodFaults.wrap(GroupStore.class, stack.groups(), faults), faults);
        LogServices reader = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());

        ReliabilityRun.Outcome outcome = run.run(stack.metadata(), reader);

        System.out.println(outcome.summary() + " seed=" + seed + " faultsByKind=" + faults.byKind()
                + " operationsFaulted=" + faults.byOperation().size() + " " + new java.util.TreeMap<>(faults.byOperation()));
        assertThat(outcome.violations()).as("seed %d", seed).isEmpty();
        assertThat(outcome.faults()).as("faults were injected").isPositive();
        assertThat(faults.byOperation().keySet()).as("faults met every store, the group store included")
                .anyMatch(op -> op.startsWith("GroupStore.")).anyMatch(op -> op.startsWith("MetadataStore."))
                .anyMatch(op -> op.startsWith("ObjectStore."));
        assertThat(outcome.recordsVerified()).isPositive();
    }
}
