package io.sluice.tests.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.subscription.Dispatch;
import io.sluice.subscription.Dispatcher;
import io.sluice.subscription.DynamoSubscriptionStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.RequestCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What subscriptions cost while nothing happens (issue 19), counted as real DynamoDB and S3 requests by
 * an SDK interceptor on dynalite and s3proxy, over a minute of injected time: an idle subscription costs
 * nothing, and a produce to a topic without subscriptions costs one Query per topic per cache period.
 */
@ExtendWith(EmbeddedBackends.class)
class IdleCostTest {

    private final RequestCounter counter = new RequestCounter();
    private Harness h;

    @BeforeEach
    void setUp(Backends backends) {
        Backends.Stack stack = backends.fresh(counter);
        h = new Harness(stack.objects(), stack.metadata(), stack.groups(),
                new DynamoSubscriptionStore(stack.dynamo(), stack.table()));
        h.topic("busy", 2);
        h.topic("quiet", 2);
        for (int i = 0; i < 5; i++) {
            h.subscribe("s" + i, "busy", null, null);
        }
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void anIdleMinuteCostsNoRequestForAnySubscription() {
        h.produce("busy", 0, "a", "b");
        h.produce("busy", 1, "c");
        while (!h.dispatched.isEmpty()) {
            assertThat(h.run(h.dispatched.poll())).isEqualTo(Dispatcher.Result.CAUGHT_UP);
        }
        // The sweep of the minute that follows clears what creation left; from then on, nothing is marked.
        h.log.subscriptions().sweep().run();
        assertThat(h.store.delegate.marked()).isEmpty();
        int delivered = h.script.received("s0").size();

        counter.reset();
        h.store.calls.clear();
        for (int minute = 0; minute < 2; minute++) {
            h.clock.advance(60_000);
            h.log.subscriptions().sweep().run();
        }
        // Two sweeps, each one Query of the marks: the same with 5 subscriptions as with 5,000.
        assertThat(counter.snapshot()).as("requests over an idle minute")
                .isEqualTo(java.util.Map.of("DynamoDb:Query", 2L));
        assertThat(h.store.calls.keySet()).containsExactly("marked");
        assertThat(h.dispatched).isEmpty();
        assertThat(h.script.received("s0")).hasSize(delivered);
    }

    @Test
    void produceToATopicWithoutSubscriptionsLooksThemUpOncePerCachePeriod() {
        counter.reset();
        h.store.calls.clear();
        for (int i = 0; i < 20; i++) {
            h.produce("quiet", i % 2, "v" + i);
        }
        assertThat(h.store.calls.get("byTopic").get()).as("one lookup for 20 produce calls").isEqualTo(1);
        assertThat(h.dispatched).isEmpty();
        long queries = counter.count("DynamoDb:Query");
        h.clock.advance(31_000);
        h.produce("quiet", 0, "later");
        assertThat(h.store.calls.get("byTopic").get()).isEqualTo(2);
        assertThat(counter.count("DynamoDb:Query")).isEqualTo(queries + 1);
        assertThat(h.store.total()).as("nothing but the lookups").isEqualTo(2);
    }

    @Test
    void aProduceToASubscribedPartitionStartsOneDispatcherPerSubscription() {
        h.produce("busy", 1, "x");
        assertThat(h.dispatched).containsExactlyInAnyOrder(new Dispatch("s0", 1, 0), new Dispatch("s1", 1, 0),
                new Dispatch("s2", 1, 0), new Dispatch("s3", 1, 0), new Dispatch("s4", 1, 0));
    }
}
