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

        new ProduceService(objects, store, new TopicCache(store, clock, Duration.ZERO), new io.sluice.client.Partitioner(),
                clock, Backoff.NONE).produce("t", List.of(ProduceRecord.of(null, "x".getBytes(UTF_8))));
        assertThat(fetcher.fetch("t", 0, 0, 100, 100, 1_000).records()).hasSize(1);
    }
}
