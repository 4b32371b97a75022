package io.sluice.tests.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.subscription.Dispatch;
import io.sluice.subscription.Dispatcher;
import io.sluice.subscription.InMemorySubscriptionStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's lease under the interleavings that could break it (issue 19): two dispatchers that
 * read a free lane at the same moment, and a dispatcher killed in the middle of a batch. Real
 * dispatchers, a real http target, hooks that force the order.
 */
class DispatcherRaceTest {

    private Harness h;
    private final Dispatch lane0 = new Dispatch("race", 0, 0);

    @BeforeEach
    void setUp() {
        h = new Harness(new InMemoryObjectStore(java.time.Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore(), new InMemorySubscriptionStore());
        h.topic("t", 1);
        h.subscribe("race", "t", null, null);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void twoDispatchersThatReadAFreeLaneTogetherDeliverEachRecordOnceInOrder() throws Exception {
        h.produce("t", 0, "a", "b", "c", "d", "e", "f");
        assertThat(h.dispatched).containsExactly(lane0);
        // Both read the lane before either takes the lease: both see it free, at the same version.
        CyclicBarrier bothRead = new CyclicBarrier(2);
        ThreadLocal<Boolean> first = ThreadLocal.withInitial(() -> true);
        h.store.beforeLaneRead = d -> {
            if (first.get()) {
                first.set(false);
                try {
                    bothRead.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        CompletableFuture<Dispatcher.Result> a = CompletableFuture.supplyAsync(() -> h.run(lane0));
        CompletableFuture<Dispatcher.Result> b = CompletableFuture.supplyAsync(() -> h.run(lane0));
        List<Dispatcher.Result> results = List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
        assertThat(results).containsExactlyInAnyOrder(Dispatcher.Result.BUSY, Dispatcher.Result.CAUGHT_UP);
        assertThat(h.script.offsets("race", 0)).as("each record once, in order").isEqualTo(range(0, 6));
        assertThat(h.lane(lane0).position()).isEqualTo(6);
        assertThat(h.lane(lane0).leasedAt(h.clock.millis())).isFalse();
        assertThat(h.log.groups().describe("sub.race").offsets().get(0).committed()).isEqualTo(6);
        // The loser's mark may have replaced the winner's; the sweep clears it without a dispatch. The race's
        // hook comes off first: the sweep reads the lane on this thread, which would wait at the barrier alone.
        h.store.beforeLaneRead = d -> { };
        h.dispatched.clear();
        h.log.subscriptions().sweep().run();
        assertThat(h.store.delegate.marked()).isEmpty();
        assertThat(h.dispatched).isEmpty();
    }

    @Test
    void aDispatcherThatFindsTheLaneLeasedWritesNothing() throws Exception {
        h.produce("t", 0, "a", "b");
        h.holdTarget.set(new CountDownLatch(1));
        CountDownLatch release = h.holdTarget.get();
        CompletableFuture<Dispatcher.Result> holder = CompletableFuture.supplyAsync(() -> h.run(lane0));
        assertThat(h.targetHeld.await(10, TimeUnit.SECONDS)).isTrue();
        int writesBefore = writes();
        assertThat(h.run(lane0)).isEqualTo(Dispatcher.Result.BUSY);
        assertThat(writes()).as("a busy dispatcher's writes").isEqualTo(writesBefore);
        release.countDown();
        assertThat(holder.get(30, TimeUnit.SECONDS)).isEqualTo(Dispatcher.Result.CAUGHT_UP);
        assertThat(h.script.offsets("race", 0)).isEqualTo(range(0, 2));
    }

    private int writes() {
        return h.store.calls.entrySet().stream().filter(e -> List.of("mark", "putLane", "unmark", "put")
                .contains(e.getKey())).mapToInt(e -> e.getValue().get()).sum();
    }

    @Test
    void aDispatcherKilledMidBatchLosesNothingItsSuccessorRedelivers() throws Exception {
        h.produce("t", 0, "a", "b", "c", "d");
        // The first dispatcher hangs inside its target call, as one killed mid-batch: it never returns in time.
        CountDownLatch release = new CountDownLatch(1);
        h.holdTarget.set(release);
        CompletableFuture<Dispatcher.Result> killed = CompletableFuture.supplyAsync(() -> h.run(lane0));
        assertThat(h.targetHeld.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(h.lane(lane0).position()).isZero();

        // Before the lease expires, the sweep leaves the lane alone; after, it re-triggers it.
        h.dispatched.clear();
        h.log.subscriptions().sweep().run();
        assertThat(h.dispatched).isEmpty();
        h.clock.advance(Harness.LEASE_MS + 1);
        h.log.subscriptions().sweep().run();
        assertThat(h.dispatched).containsExactly(lane0);

        assertThat(h.run(lane0)).isEqualTo(Dispatcher.Result.CAUGHT_UP);
        assertThat(h.lane(lane0).position()).isEqualTo(4);
        assertThat(h.log.groups().describe("sub.race").offsets().get(0).committed()).isEqualTo(4);

        // The killed one wakes: its target call answers, its write loses, and nothing moves backwards.
        release.countDown();
        assertThat(killed.get(30, TimeUnit.SECONDS)).isEqualTo(Dispatcher.Result.LEASE_LOST);
        List<TargetScript.Batch> batches = h.script.received("race");
        assertThat(batches).hasSize(2).allMatch(b -> b.offsets().equals(range(0, 4)));
        assertThat(h.lane(lane0).position()).isEqualTo(4);
        assertThat(h.lane(lane0).delivered()).isEqualTo(4);
        assertThat(h.log.groups().describe("sub.race").offsets().get(0).committed()).isEqualTo(4);
        h.produce("t", 0, "e");
        assertThat(h.run(lane0)).isEqualTo(Dispatcher.Result.CAUGHT_UP);
        assertThat(h.script.offsets("race", 0)).isEqualTo(List.of(0L, 1L, 2L, 3L, 0L, 1L, 2L, 3L, 4L));
    }
}
