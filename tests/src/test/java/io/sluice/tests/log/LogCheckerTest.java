package io.sluice.tests.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.format.LogRecord;
import io.sluice.log.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.LogChecker;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checker that the concurrency and crash tests rely on must itself catch broken logs. */
class LogCheckerTest {

    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private LogServices log;
    private final Map<RecordOffset, LogRecord> acked = new HashMap<>();

    @BeforeEach
    void setUp() {
        log = LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), metadata, new io.sluice.group.InMemoryGroupStore(), Clock.systemUTC());
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        for (int call = 0; call < 3; call++) {
            ProduceRecord r = new ProduceRecord(null, ("v" + call).getBytes(UTF_8), List.of(), 0, 1_000L + call);
            RecordOffset at = log.producer().produce("t", List.of(r)).get(0);
            acked.put(at, new LogRecord(r.timestamp(), null, r.value(), List.of()));
        }
    }

    private LogChecker checker() {
        return new LogChecker(log.fetcher(), metadata);
    }

    @Test
    void aHealthyLogHasNoViolations() {
        assertThat(checker().check("t", 1, acked)).isEmpty();
    }

    @Test
    void reportsALostRecord() {
        acked.put(new RecordOffset(0, 7), new LogRecord(1, null, new byte[] {1}, List.of()));
        assertThat(checker().check("t", 1, acked)).anyMatch(v -> v.contains("lost"));
    }

    @Test
    void reportsAlteredContent() {
        acked.put(new RecordOffset(0, 1), new LogRecord(1_001L, null, "other".getBytes(UTF_8), List.of()));
        assertThat(checker().check("t", 1, acked)).anyMatch(v -> v.contains("differs"));
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
        assertThat(checker().check("t", 1, acked)).anyMatch(v -> v.contains("overlap"));
    }

    @Test
    void reportsAGapLeftByACommitThatSkippedOffsets() {
        PartitionHead head = metadata.getHead("t", 0).orElseThrow();
        metadata.putIndexEntryIfAbsent(head.last());
        IndexEntry skipped = new IndexEntry("t", 0, head.topicId(), head.nextOffset() + 2, head.nextOffset() + 2,
                head.last().objectKey(), head.last().byteStart(), head.last().byteLength(), 0, 0);
        metadata.compareAndSetHead(head.version(), new PartitionHead("t", 0, head.topicId(), head.nextOffset() + 3,
                0, head.version() + 1, skipped));
        assertThat(checker().check("t", 1, acked)).anyMatch(v -> v.contains("gap"));
    }
}
