package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.ForwardingObjectStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A fetch that reads on through following entries has several of their GETs in flight at once, and makes
 * no GET that reading them one after another would not have made.
 */
class ReadAheadTest {

    /** Holds each ranged GET a while and records how many were in flight together, and how many there were. */
    private static final class SlowObjects extends ForwardingObjectStore {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();

        SlowObjects() {
            super(new InMemoryObjectStore(Clock.systemUTC()));
        }

        @Override
        public byte[] getRange(String key, long start, int length) {
            gets.incrementAndGet();
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
                return delegate.getRange(key, start, length);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private final SlowObjects objects = new SlowObjects();
    private final LogServices log = LogServices.create(objects, new InMemoryMetadataStore(), new InMemoryGroupStore(),
            Clock.systemUTC());

    private void produce(int calls, int valueBytes) {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        for (int c = 0; c < calls; c++) {
            log.producer().produce("t", List.of(new ProduceRecord(null, new byte[valueBytes], List.of(), 0, null)));
        }
    }

    @Test
    void followingEntriesAreReadAtOnce() {
        produce(8, 1_000);
        objects.gets.set(0);

        List<FetchedRecord> records = log.fetcher().fetch("t", 0, 0, 1 << 20).records();

        assertThat(records).extracting(FetchedRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(objects.gets.get()).as("one GET per entry, as before").isEqualTo(8);
        assertThat(objects.mostInFlight.get()).as("entries after the first read together").isGreaterThan(1);
    }

    @Test
    void nothingIsReadAheadBeyondTheFetchsBytes() {
        produce(8, 1_000);
        objects.gets.set(0);

        List<FetchedRecord> records = log.fetcher().fetch("t", 0, 0, 2_500).records();

        assertThat(records).as("1,000-byte records within 2,500 bytes").hasSize(2);
        assertThat(objects.gets.get()).as("a sequential fetch reads 3 entries to find that the third does not fit")
                .isLessThanOrEqualTo(3);
    }
}
