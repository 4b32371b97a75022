package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.metrics.Metrics;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.ForwardingMetadataStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The partitions of one produce call are read and committed at once, on the injected pool, and no more at
 * once than the pool has threads. Each check holds every head read (or head update) of a call until as many
 * as expected have arrived together; a sequential commit never gets there.
 */
class ParallelCommitTest {

    private static final int PARTITIONS = 4;

    /** Holds each call of a kind until {@code parties} of them are waiting together, or a timeout passes. */
    private static final class Rendezvous extends ForwardingMetadataStore {
        private final CountDownLatch reads;
        private final CountDownLatch updates;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger mostInFlight = new AtomicInteger();
        volatile boolean armed;
        volatile boolean readsMet = true;
        volatile boolean updatesMet = true;

        Rendezvous(int parties) {
            super(new InMemoryMetadataStore());
            this.reads = new CountDownLatch(parties);
            this.updates = new CountDownLatch(parties);
        }

        @Override
        public Optional<PartitionHead> getHead(String topic, int partition) {
            if (armed) {
                readsMet &= meet(reads);
            }
            return delegate.getHead(topic, partition);
        }

        @Override
        public boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
            if (!armed) {
                return delegate.compareAndSetHead(expectedVersion, next);
            }
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                updatesMet &= meet(updates);
                return delegate.compareAndSetHead(expectedVersion, next);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private static boolean meet(CountDownLatch latch) {
            latch.countDown();
            try {
                return latch.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static List<ProduceRecord> oneCall() {
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < 2 * PARTITIONS; i++) {
            records.add(new ProduceRecord(null, new byte[] {(byte) i}, List.of(), i % PARTITIONS, null));
        }
        return records;
    }

    private static LogServices log(Rendezvous metadata, ExecutorService pool) {
        return LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), metadata, new InMemoryGroupStore(),
                Clock.systemUTC(), Backoff.NONE, Metrics.NOOP, pool);
    }

    @Test
    void everyPartitionOfACallIsReadAndCommittedAtOnce() {
        Rendezvous metadata = new Rendezvous(PARTITIONS);
        LogServices log = log(metadata, ProduceService.newPool(PARTITIONS));
        log.topics().create(new CreateTopic("wide", PARTITIONS, null, null, null));
        metadata.armed = true;

        List<RecordOffset> offsets = log.producer().produce("wide", oneCall());

        assertThat(metadata.readsMet).as("all " + PARTITIONS + " heads were being read at once").isTrue();
        assertThat(metadata.updatesMet).as("all " + PARTITIONS + " head updates were in flight at once").isTrue();
        assertThat(offsets).hasSize(2 * PARTITIONS);
        for (int i = 0; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).isEqualTo(new RecordOffset(i % PARTITIONS, i / PARTITIONS));
        }
    }

    @Test
    void thePoolBoundsHowManyPartitionsAreInFlight() {
        Rendezvous metadata = new Rendezvous(1);
        LogServices log = log(metadata, ProduceService.newPool(2));
        log.topics().create(new CreateTopic("wide", PARTITIONS, null, null, null));
        metadata.armed = true;

        log.producer().produce("wide", oneCall());

        assertThat(metadata.mostInFlight.get()).as("head updates in flight at once with a pool of 2")
                .isBetween(1, 2);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(log.fetcher().latestOffset("wide", p)).isEqualTo(2);
        }
    }
}
