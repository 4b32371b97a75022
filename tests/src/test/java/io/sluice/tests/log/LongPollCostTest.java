package io.sluice.tests.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.FetchResult;
import io.sluice.log.FetchService;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.TopicCache;
import io.sluice.log.Backoff;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.TopicConfig;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.FaultPoint;
import io.sluice.tests.support.FaultyMetadataStore;
import io.sluice.tests.support.FaultyObjectStore;
import io.sluice.tests.support.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A waiting fetch's polling cost, counted with a clock the test controls: about 100 head reads in 20 s. */
class LongPollCostTest {

    @Test
    void aFullTwentySecondWaitReadsTheHeadAtMostFiveTimesASecond() {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        AtomicInteger headReads = new AtomicInteger();
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        FaultyMetadataStore metadata = new FaultyMetadataStore(store, point -> {
            if (point == FaultPoint.BEFORE_HEAD_READ) {
                headReads.incrementAndGet();
            }
        });
        InMemoryObjectStore objects = new InMemoryObjectStore(clock);
        store.createTopic(new TopicConfig("t", "id-1", 1, -1, -1, 1 << 20, clock.millis()));
        TopicCache topics = new TopicCache(metadata, clock, Duration.ofMinutes(5));
        FetchService fetcher = new FetchService(new FaultyObjectStore(objects, p -> { }), metadata, topics, clock,
                clock::advance);

        FetchResult result = fetcher.fetch("t", 0, 0, 1 << 20, 100, FetchService.MAX_WAIT_MS);

        assertThat(result.records()).isEmpty();
        assertThat(clock.millis() - 1_700_000_000_000L).isEqualTo(FetchService.MAX_WAIT_MS);
        System.out.printf("long poll: %d head reads over a %d ms wait%n", headReads.get(), FetchService.MAX_WAIT_MS);
        assertThat(headReads.get()).as("1 initial read, then 50, 100, then every 200 ms")
                .isEqualTo(1 + 2 + (int) ((FetchService.MAX_WAIT_MS - 150 + 199) / 200));
        assertThat(headReads.get()).isLessThanOrEqualTo(5 * (int) (FetchService.MAX_WAIT_MS / 1000) + 3);

    }

    /**
     * A waiting fetch wakes for a record produced while it waits: the record is produced from inside the
     * fetch's own sleep, 3 s into its wait, so it cannot be there when the fetch starts.
     */
    @Test
    void aWaitingFetchReturnsARecordProducedAfterItStartedWithinOnePollInterval() {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        AtomicInteger headReads = new AtomicInteger();
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        FaultyMetadataStore metadata = new FaultyMetadataStore(store, point -> {
            if (point == FaultPoint.BEFORE_HEAD_READ) {
                headReads.incrementAndGet();
            }
        });
        InMemoryObjectStore objects = new InMemoryObjectStore(clock);
        store.createTopic(new TopicConfig("t", "id-1", 1, -1, -1, 1 << 20, clock.millis()));
        ProduceService producer = new ProduceService(objects, store, new TopicCache(store, clock, Duration.ZERO),
                new io.sluice.client.Partitioner(), clock, Backoff.NONE);
        long started = clock.millis();
        AtomicLong producedAt = new AtomicLong(-1);
        AtomicInteger readsBeforeProduce = new AtomicInteger();
        FetchService fetcher = new FetchService(objects, metadata, new TopicCache(metadata, clock, Duration.ofMinutes(5)),
                clock, millis -> {
                    clock.advance(millis);
                    if (producedAt.get() < 0 && clock.millis() - started >= 3_000) {
                        readsBeforeProduce.set(headReads.get());
                        producer.produce("t", List.of(ProduceRecord.of(null, "late".getBytes(UTF_8))));
                        producedAt.set(clock.millis());
                    }
                });

        FetchResult result = fetcher.fetch("t", 0, 0, 1 << 20, 100, FetchService.MAX_WAIT_MS);

        assertThat(producedAt.get()).as("the record was produced during the wait").isPositive();
        assertThat(readsBeforeProduce.get()).as("the fetch had found nothing several times first").isGreaterThan(3);
        assertThat(result.records()).singleElement()
                .satisfies(r -> assertThat(r.record().value()).isEqualTo("late".getBytes(UTF_8)));
        assertThat(clock.millis() - producedAt.get()).as("woke within one 200 ms poll interval")
                .isBetween(0L, 200L);
        assertThat(clock.millis() - started).as("long before the wait ran out")
                .isLessThan(FetchService.MAX_WAIT_MS);
    }
}
