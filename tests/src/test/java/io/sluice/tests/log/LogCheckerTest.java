package io.sluice.tests.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.format.LogRecord;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.ForwardingMetadataStore;
import io.sluice.tests.support.LogChecker;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker that the concurrency and crash tests rely on must itself catch broken logs: every one of its
 * branches is made to fire here, and each test names the exact violations it must report, no more.
 */
class LogCheckerTest {

    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryObjectStore objects = new InMemoryObjectStore(Clock.systemUTC());
    private final Map<RecordOffset, LogRecord> acked = new HashMap<>();
    /** Runs with the number of each head read the checker's fetches make, from 1. */
    private IntConsumer onHeadRead = n -> { };
    private LogServices log;

    /** The checker's view of the metadata: hooks run after each head read. */
    private final MetadataStore observed = new ForwardingMetadataStore(metadata) {
        private final AtomicInteger reads = new AtomicInteger();

        @Override
        public Optional<PartitionHead> getHead(String topic, int partition) {
            Optional<PartitionHead> head = delegate.getHead(topic, partition);
            onHeadRead.accept(reads.incrementAndGet());
            return head;
        }
    };

    @BeforeEach
    void setUp() {
        log = LogServices.create(objects, metadata, new InMemoryGroupStore(), Clock.systemUTC());
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        for (int call = 0; call < 3; call++) {
            produce("v" + call, 1_000L + call);
        }
    }

    private void produce(String value, long timestamp) {
        ProduceRecord r = new ProduceRecord(null, value.getBytes(UTF_8), List.of(), 0, timestamp);
        RecordOffset at = log.producer().produce("t", List.of(r)).get(0);
        acked.put(at, new LogRecord(r.timestamp(), null, r.value(), List.of()));
    }

    private List<String> check() {
        return check(observed);
    }

    private List<String> check(MetadataStore chainView) {
        LogServices reader = LogServices.create(objects, observed, new InMemoryGroupStore(), Clock.systemUTC());
        return new LogChecker(reader.fetcher(), chainView).check("t", 1, acked);
    }

    @Test
    void aHealthyLogHasNoViolations() {
        assertThat(check()).isEmpty();
    }

    @Test
    void reportsALostRecord() {
        acked.put(new RecordOffset(0, 7), new LogRecord(1, null, new byte[] {1}, List.of()));
        assertThat(check()).containsExactly("acknowledged record at RecordOffset[partition=0, offset=7] is lost");
    }

    @Test
    void reportsAlteredContent() {
        acked.put(new RecordOffset(0, 1), new LogRecord(1_001L, null, "other".getBytes(UTF_8), List.of()));
        assertThat(check()).containsExactly("record at RecordOffset[partition=0, offset=1] differs from what was"
                + " acknowledged: LogRecord[ts=1001, key=null, value=2B, headers=0] vs"
                + " LogRecord[ts=1001, key=null, value=5B, headers=0]");
    }

    @Test
    void reportsACommitThatOverlapsTheLastEntry() {
        PartitionHead head = metadata.getHead("t", 0).orElseThrow();
        IndexEntry last = head.last();
        metadata.putIndexEntryIfAbsent(last);
        IndexEntry overlapping = new IndexEntry("t", 0, head.topicId(), last.baseOffset(), last.lastOffset() + 1,
                last.objectKey(), last.byteStart(), last.byteLength(), last.maxTimestamp(), 0);
        metadata.compareAndSetHead(head.version(), new PartitionHead("t", 0, head.topicId(), head.nextOffset() + 1,
                0, head.version() + 1, overlapping));
        assertThat(check()).containsExactly(
                "t/0: the log cannot be read back: corrupt object " + last.objectKey()
                        + " at byte 5: index says 2 records from offset 2, object holds 1",
                "t/0: read up to 0 but the high watermark is 4",
                "t/0: entry at 2 follows one ending at 2 (overlap)",
                "acknowledged record at RecordOffset[partition=0, offset=0] is lost",
                "acknowledged record at RecordOffset[partition=0, offset=1] is lost",
                "acknowledged record at RecordOffset[partition=0, offset=2] is lost");
    }

    @Test
    void reportsAGapLeftByACommitThatSkippedOffsets() {
        PartitionHead head = metadata.getHead("t", 0).orElseThrow();
        metadata.putIndexEntryIfAbsent(head.last());
        IndexEntry skipped = new IndexEntry("t", 0, head.topicId(), head.nextOffset() + 2, head.nextOffset() + 2,
                head.last().objectKey(), head.last().byteStart(), head.last().byteLength(), 0, 0);
        metadata.compareAndSetHead(head.version(), new PartitionHead("t", 0, head.topicId(), head.nextOffset() + 3,
                0, head.version() + 1, skipped));
        assertThat(check()).containsExactly(
                "t/0: the log cannot be read back: no index entry holds offset 3 of t/0 (found " + head.last() + ")",
                "t/0: read up to 0 but the high watermark is 6",
                "t/0: entry at 5 follows one ending at 2 (gap)",
                "acknowledged record at RecordOffset[partition=0, offset=0] is lost",
                "acknowledged record at RecordOffset[partition=0, offset=1] is lost",
                "acknowledged record at RecordOffset[partition=0, offset=2] is lost");
    }

    @Test
    void reportsALogThatStartsAfterItsFirstEntryIsGone() {
        String id = metadata.getTopic("t").orElseThrow().topicId();
        assertThat(metadata.deleteIndexEntry(metadata.floorEntry("t", 0, id, 0).orElseThrow())).isTrue();
        assertThat(check()).containsExactly(
                "t/0: the log cannot be read back: no index entry holds offset 0 of t/0 (found null)",
                "t/0: read up to 0 but the high watermark is 3",
                "t/0: first entry starts at 1, after logStartOffset 0",
                "acknowledged record at RecordOffset[partition=0, offset=0] is lost",
                "acknowledged record at RecordOffset[partition=0, offset=1] is lost",
                "acknowledged record at RecordOffset[partition=0, offset=2] is lost");
    }

    @Test
    void reportsAPartitionWhoseHeadIsGoneWhileTheLogHasRecords() {
        MetadataStore headless = new ForwardingMetadataStore(metadata) {
            @Override
            public Optional<PartitionHead> getHead(String topic, int partition) {
                return Optional.empty();
            }
        };
        assertThat(check(headless)).containsExactly("t/0: no head but high watermark 3");
    }

    /** Retention moves the log start between the checker's first head read and its read-back. */
    @Test
    void reportsAReadBackThatDoesNotStartWhereTheLogStarted() {
        onHeadRead = n -> {
            if (n == 2) {
                PartitionHead head = metadata.getHead("t", 0).orElseThrow();
                assertThat(metadata.compareAndSetHead(head.version(), head.withLogStartOffset(1))).isTrue();
            }
        };
        assertThat(check()).containsExactly(
                "t/0: offset 1 where 0 was expected (gap, duplicate or reorder)",
                "acknowledged record at RecordOffset[partition=0, offset=0] is lost");
    }

    /** A record is produced between the checker's high-watermark read and its read-back. */
    @Test
    void reportsAReadBackThatRunsPastTheHighWatermark() {
        onHeadRead = n -> {
            if (n == 2) {
                onHeadRead = m -> { };
                produce("late", 2_000L);
            }
        };
        assertThat(check()).containsExactly(
                "t/0: read up to 4 but the high watermark is 3",
                "t/0: entries end at 4, high watermark is 3");
    }
}
