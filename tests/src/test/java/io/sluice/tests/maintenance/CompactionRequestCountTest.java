package io.sluice.tests.maintenance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.store.ObjectStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.RequestCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What compaction buys a reader, counted in S3 requests on s3proxy. It used to sit in
 * MaintenanceConcurrencyTest, though nothing in it runs concurrently: one pass, then one fetch.
 */
@ExtendWith(EmbeddedBackends.class)
class CompactionRequestCountTest {

    private static final long TARGET = 4_096;
    private static final long GRACE_MS = Maintenance.Settings.DEFAULT.graceMs();

    @Test
    void afterCompactionAWholeRangeFetchMakesAtMostBytesOverTargetGets(Backends backends) {
        RequestCounter counter = new RequestCounter();
        Backends.Stack stack = backends.fresh(counter);
        LogServices log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        // The pass runs an hour later, when the open tail has passed the roll age and closes too.
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        Maintenance maintenance = new Maintenance(stack.objects(), stack.metadata(),
                new TopicCache(stack.metadata(), later, Duration.ZERO), later, new Maintenance.Settings(TARGET, GRACE_MS));
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        for (int call = 0; call < 100; call++) {
            log.producer().produce("t", List.of(new ProduceRecord(null, ("r" + call + "-" + "y".repeat(300))
                    .getBytes(UTF_8), List.of(), 0, null)));
        }
        counter.reset();
        assertThat(log.fetcher().fetch("t", 0, 0, 3 << 20).records()).hasSize(100);
        long getsBefore = counter.count("S3:GetObject");

        maintenance.run(null);
        String id = stack.metadata().getTopic("t").orElseThrow().topicId();
        long bytes = stack.metadata().entriesFrom("t", 0, id, 0, 1_000).stream().mapToLong(e -> e.byteLength()).sum();
        var last = stack.metadata().getHead("t", 0).orElseThrow().last();
        if (stack.metadata().entriesFrom("t", 0, id, 0, 1_000).stream().noneMatch(e -> e.equals(last))) {
            bytes += last.byteLength();
        }
        counter.reset();
        assertThat(log.fetcher().fetch("t", 0, 0, 3 << 20).records()).hasSize(100);
        long getsAfter = counter.count("S3:GetObject");
        long bound = (bytes + TARGET - 1) / TARGET;
        System.out.printf("whole-range fetch: %d S3 GETs before compaction, %d after (bound ceil(%d / %d) = %d)%n",
                getsBefore, getsAfter, bytes, TARGET, bound);
        assertThat(getsBefore).isEqualTo(100);
        assertThat(getsAfter).isLessThanOrEqualTo(bound);
        ObjectStore objects = stack.objects();
        assertThat(objects.list("seg/t/0/")).hasSize((int) getsAfter);
    }
}
