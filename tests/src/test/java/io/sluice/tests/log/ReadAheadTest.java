package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.tests.support.ForwardingMetadataStore;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.ForwardingObjectStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A fetch that reads on through following entries has several of their GETs in flight at once, from its
 * first entry on, and makes no GET that reading them one after another would not have made. In a warm
 * function the GETs of entries it has cached start before the partition head is read, overlapping it.
 */
class ReadAheadTest {

    /** Holds each ranged GET a while and records how many were in flight together, and how many there were. */
    private static final class SlowObjects extends ForwardingObjectStore {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger mostInFlight = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();
        /** Counted down by every GET as it starts. */
        volatile java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);

        SlowObjects() {
            super(new InMemoryObjectStore(Clock.systemUTC()));
        }

        @Override
        public byte[] getRange(String key, long start, int length) {
            gets.incrementAndGet();
            started.countDown();
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

    /** Reads of the partition head; while {@code awaitGet} is set, each waits (10 s at most) for a GET to start first. */
    private static final class Heads extends ForwardingMetadataStore {
        volatile SlowObjects awaitGet;
        final List<Boolean> getStartedFirst = new java.util.concurrent.CopyOnWriteArrayList<>();

        Heads() {
            super(new InMemoryMetadataStore());
        }

        @Override
        public Optional<PartitionHead> getHead(String topic, int partition) {
            SlowObjects objects = awaitGet;
            if (objects != null) {
                try {
                    getStartedFirst.add(objects.started.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return delegate.getHead(topic, partition);
        }
    }

    private final SlowObjects objects = new SlowObjects();
    private final Heads metadata = new Heads();
    private final LogServices log = LogServices.create(objects, metadata, new InMemoryGroupStore(),
            Clock.systemUTC());

    private void produce(int calls, int valueBytes) {
        produce(calls, valueBytes, null);
    }

    private void produce(int calls, int valueBytes, String compression) {
        log.topics().create(new CreateTopic("t", 1, null, null, null, null, compression));
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

    /** Records of 1,000 bytes, 3,000 a fetch: the second and third entries are read while the first is. */
    @Test
    void theEntriesAFetchWillReadAreReadWithItsFirst() {
        produce(8, 1_000);
        objects.gets.set(0);

        List<FetchedRecord> records = log.fetcher().fetch("t", 0, 0, 3_000).records();

        assertThat(records).extracting(FetchedRecord::offset).containsExactly(0L, 1L, 2L);
        assertThat(objects.gets.get()).as("the three entries that hold the records, no fourth").isEqualTo(3);
        assertThat(objects.mostInFlight.get()).as("the second and third with the first").isGreaterThan(1);
    }

    /** Compressed batches carry more record bytes than they store, by an amount nothing tells before they are read. */
    @Test
    void aCompressedTopicIsReadOneEntryAfterAnother() {
        produce(8, 1_000, "lz4");
        objects.gets.set(0);

        List<FetchedRecord> records = log.fetcher().fetch("t", 0, 0, 2_500).records();

        assertThat(records).hasSize(2);
        assertThat(objects.gets.get()).as("what a sequential fetch reads, though each entry stores far fewer bytes")
                .isEqualTo(3);
    }

    @Test
    void aWarmFetchStartsTheGetsOfCachedEntriesBeforeItReadsTheHead() {
        assertTheWarmFetchFromOffset3StartsItsGetsFirst(fetcher -> fetcher.fetch("t", 0, 3, 3_000));
    }

    /** The HTTP API's fetch: the long-poll form, with a response budget. */
    @Test
    void aWarmLongPollFetchStartsTheGetsOfCachedEntriesBeforeItReadsTheHead() {
        assertTheWarmFetchFromOffset3StartsItsGetsFirst(fetcher -> fetcher.fetch("t", 0, 3, 3_000, Integer.MAX_VALUE,
                1_000, new io.sluice.log.FetchService.ResponseBudget(1 << 20, record -> record.record().value().length)));
    }

    /**
     * Warms the cache with a fetch of the first 3 of 8 entries, then runs {@code fetch} (of offsets 3 to 5,
     * 3,000 bytes) with every head read waiting for a GET to start first.
     */
    private void assertTheWarmFetchFromOffset3StartsItsGetsFirst(
            java.util.function.Function<io.sluice.log.FetchService, io.sluice.log.FetchResult> fetch) {
        produce(8, 1_000);
        assertThat(log.fetcher().fetch("t", 0, 0, 3_000).records()).hasSize(3);
        objects.gets.set(0);
        objects.started = new java.util.concurrent.CountDownLatch(1);
        metadata.awaitGet = objects;

        List<FetchedRecord> records = fetch.apply(log.fetcher()).records();

        assertThat(metadata.getStartedFirst).as("a GET had started when the head was read").containsExactly(true);
        assertThat(records).extracting(FetchedRecord::offset).containsExactly(3L, 4L, 5L);
        assertThat(objects.gets.get()).as("the GETs started early are the ones the fetch uses").isEqualTo(3);
    }

    @Test
    void aFetchBelowTheLogStartIsOutOfRangeWhateverItsCachedEntriesSay() {
        produce(8, 1_000);
        assertThat(log.fetcher().fetch("t", 0, 0, 1 << 20).records()).hasSize(8);
        PartitionHead head = metadata.getHead("t", 0).orElseThrow();
        assertThat(metadata.compareAndSetHead(head.version(), new PartitionHead(head.topic(), head.partition(),
                head.topicId(), head.nextOffset(), 4, head.version() + 1, head.last(), head.producers()))).isTrue();

        assertThatThrownBy(() -> log.fetcher().fetch("t", 0, 1, 1 << 20)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(log.fetcher().fetch("t", 0, 4, 1 << 20).records()).extracting(FetchedRecord::offset)
                .containsExactly(4L, 5L, 6L, 7L);
    }
}
