package io.sluice.tests.maintenance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.maintenance.MaintenanceReport;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.store.ObjectStore;
import io.sluice.tests.support.LogChecker;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.Stores;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Compaction, retention and garbage collection with a clock the test moves: the exact tests of what a
 * pass does, run on every backend (in memory, and the SDK clients on s3proxy and dynalite).
 */
abstract class MaintenanceScenarios {

    private static final long GRACE = 15 * 60_000L;
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private MetadataStore metadata;
    private ObjectStore objects;
    private LogServices log;
    private Stores stores;
    private Maintenance maintenance;

    /** Fresh, empty stores; objects are stamped with {@code clock}'s time when written. */
    protected abstract Stores newStores(MutableClock clock);

    @BeforeEach
    void setUp() {
        stores = newStores(clock);
        metadata = stores.metadata();
        objects = stores.objects();
        log = LogServices.create(objects, metadata, stores.groups(), clock, Backoff.NONE);
        maintenance = new Maintenance(objects, metadata, new TopicCache(metadata, clock, Duration.ZERO), clock,
                new Maintenance.Settings(1_000, GRACE));
    }

    private void produce(String topic, int partition, int calls, int recordsPerCall, int valueBytes) {
        for (int c = 0; c < calls; c++) {
            List<ProduceRecord> records = new java.util.ArrayList<>();
            for (int i = 0; i < recordsPerCall; i++) {
                String value = (c + "-" + i + "-").repeat(valueBytes).substring(0, valueBytes);
                records.add(new ProduceRecord(null, value.getBytes(UTF_8), List.of(), partition, clock.millis()));
            }
            log.producer().produce(topic, records);
            clock.advance(1_000);
        }
    }

    private int entries(String topic, int partition) {
        String id = metadata.getTopic(topic).orElseThrow().topicId();
        return metadata.entriesFrom(topic, partition, id, 0, Integer.MAX_VALUE).size();
    }

    @Test
    void compactionMergesSmallEntriesIntoSegmentsAndReadsStayIdentical() {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce("t", 0, 40, 2, 50);
        List<FetchedRecord> before = new LogChecker(log.fetcher(), metadata).readAll("t", 0, 1 << 20);
        assertThat(entries("t", 0)).isEqualTo(39);
        String id = metadata.getTopic("t").orElseThrow().topicId();
        long totalBytes = metadata.entriesFrom("t", 0, id, 0, 100).stream().mapToLong(IndexEntry::byteLength).sum()
                + metadata.getHead("t", 0).orElseThrow().last().byteLength();

        clock.advance(Duration.ofHours(1).toMillis());
        MaintenanceReport report = maintenance.run(null);

        assertThat(report.entriesMerged()).as("the open tail closed at the roll age").isEqualTo(40);
        assertThat(report.segmentsWritten()).isBetween(2L, (totalBytes + 999) / 1000);
        assertThat(report.bytesWritten()).isGreaterThan(totalBytes);
        assertThat(entries("t", 0)).as("one entry per segment").isEqualTo((int) report.segmentsWritten());
        assertThat(metadata.getHead("t", 0).orElseThrow().last().level()).as("the head's last entry merged too")
                .isEqualTo(1);
        assertThat(new LogChecker(log.fetcher(), metadata).readAll("t", 0, 1 << 20)).isEqualTo(before);
        assertThat(new LogChecker(log.fetcher(), metadata).check("t", 1, java.util.Map.of())).isEmpty();
        assertThat(objects.list("seg/t/0/")).hasSize((int) report.segmentsWritten())
                .allSatisfy(s -> assertThat(s.key()).matches("seg/t/0/\\d{20}-\\d{20}-" + id + "-\\d+\\.seg"));

        produce("t", 0, 1, 1, 10);
        assertThat(log.fetcher().fetch("t", 0, 80, 100).records()).hasSize(1);
        assertThat(Dangling.find(metadata, objects)).isEmpty();
    }

    /**
     * Two interrupted compactions over one range can leave covered WAL entries below a range the second one
     * deleted. A read of an offset in that range floors to a leftover that ends before it; the segment that
     * holds it lies further down, and the read must find it there (it answered DATA_MISSING, once in a
     * reliability run under load).
     */
    @Test
    void aReadFindsItsSegmentBelowCoveredLeftoversOfAnInterruptedCompaction() {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce("t", 0, 40, 2, 50);
        String id = metadata.getTopic("t").orElseThrow().topicId();
        List<IndexEntry> wal = metadata.entriesFrom("t", 0, id, 0, 100);
        List<FetchedRecord> before = new LogChecker(log.fetcher(), metadata).readAll("t", 0, 1 << 20);
        clock.advance(Duration.ofHours(1).toMillis());
        maintenance.run(null);
        IndexEntry segment = metadata.entriesFrom("t", 0, id, 0, 100).get(0);
        assertThat(segment.level()).isEqualTo(1);
        assertThat(segment).isNotEqualTo(metadata.getHead("t", 0).orElseThrow().last());
        // Leftovers: the WAL entries of the segment's second and third calls are back, the fourth's is not.
        List<IndexEntry> inside = wal.stream().filter(e -> e.baseOffset() > segment.baseOffset()
                && e.lastOffset() <= segment.lastOffset()).toList();
        assertThat(inside).hasSizeGreaterThanOrEqualTo(3);
        metadata.putIndexEntryIfAbsent(inside.get(0));
        metadata.putIndexEntryIfAbsent(inside.get(1));
        long offset = inside.get(2).baseOffset();
        assertThat(metadata.floorEntry("t", 0, id, offset)).contains(inside.get(1));

        LogServices fresh = LogServices.create(objects, metadata, stores.groups(), clock, Backoff.NONE);
        assertThat(fresh.fetcher().fetch("t", 0, offset, 1).records()).first()
                .satisfies(r -> assertThat(r.offset()).isEqualTo(offset));
        assertThat(new LogChecker(fresh.fetcher(), metadata).readAll("t", 0, 1 << 20)).isEqualTo(before);
    }

    @Test
    void retentionByTimeAdvancesTheLogStartAndOlderOffsetsAnswer416() {
        log.topics().create(new CreateTopic("t", 1, 10_000L, null, null));
        produce("t", 0, 20, 1, 20);
        maintenance.run("t");
        long logStart = log.fetcher().earliestOffset("t", 0);
        assertThat(logStart).as("records older than 10 s are retired").isBetween(8L, 12L);
        assertThatThrownBy(() -> log.fetcher().fetch("t", 0, logStart - 1, 100))
                .isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                        e -> assertThat(e.logStartOffset()).isEqualTo(logStart));
        assertThat(log.fetcher().fetch("t", 0, logStart, 1 << 20).records()).hasSize((int) (20 - logStart));
        String id = metadata.getTopic("t").orElseThrow().topicId();
        assertThat(metadata.entriesFrom("t", 0, id, 0, 100)).allMatch(e -> e.lastOffset() >= logStart);
    }

    @Test
    void retentionByBytesKeepsAboutThatMuch() {
        log.topics().create(new CreateTopic("t", 1, null, 500L, null));
        produce("t", 0, 20, 1, 60);
        MaintenanceReport report = maintenance.run("t");
        assertThat(report.offsetsRetired()).isPositive();
        String id = metadata.getTopic("t").orElseThrow().topicId();
        List<IndexEntry> left = new java.util.ArrayList<>(metadata.entriesFrom("t", 0, id, 0, 100));
        IndexEntry last = metadata.getHead("t", 0).orElseThrow().last();
        if (!left.contains(last)) {
            left.add(last);
        }
        long logStart = log.fetcher().earliestOffset("t", 0);
        List<IndexEntry> retained = left.stream().filter(e -> e.lastOffset() >= logStart)
                .sorted(java.util.Comparator.comparingLong(IndexEntry::baseOffset)).toList();
        long kept = retained.stream().mapToLong(IndexEntry::byteLength).sum();
        assertThat(kept).as("at least retention.bytes are kept").isGreaterThanOrEqualTo(500);
        assertThat(kept - retained.get(0).byteLength())
                .as("and no more than that plus the oldest entry: without it, less than retention.bytes would be left")
                .isLessThan(500);
        assertThat(retained.get(0).baseOffset()).as("the log starts at the oldest kept entry").isEqualTo(logStart);
    }

    @Test
    void unreferencedObjectsGoOnlyAfterTheGracePeriodAndSharedObjectsStayWhileReferenced() {
        log.topics().create(new CreateTopic("t", 2, null, null, null));
        log.producer().produce("t", List.of(new ProduceRecord(null, "a".getBytes(UTF_8), List.of(), 0, 1L),
                new ProduceRecord(null, "b".getBytes(UTF_8), List.of(), 1, 1L)));
        String shared = metadata.getHead("t", 0).orElseThrow().last().objectKey();
        assertThat(metadata.getHead("t", 1).orElseThrow().last().objectKey()).isEqualTo(shared);
        objects.putIfAbsent("wal/2026/11/24/20/OLD-ORPHAN.wal", new byte[] {1, 2, 3});

        MaintenanceReport first = maintenance.run(null);
        assertThat(first.objectsMarked()).isEqualTo(1);
        assertThat(first.objectsDeleted()).isZero();

        clock.advance(GRACE - 60_000);
        objects.putIfAbsent("wal/2026/11/24/20/YOUNG-ORPHAN.wal", new byte[] {4});
        clock.advance(60_000);
        MaintenanceReport second = maintenance.run(null);
        assertThat(second.objectsDeleted()).isEqualTo(1);
        assertThat(second.bytesReclaimed()).isEqualTo(3);
        assertThat(objects.list("wal/")).extracting(s -> s.key())
                .contains(shared, "wal/2026/11/24/20/YOUNG-ORPHAN.wal")
                .doesNotContain("wal/2026/11/24/20/OLD-ORPHAN.wal");
        assertThat(Dangling.find(metadata, objects)).isEmpty();
    }

    @Test
    void compactedWalObjectsAreDeletedOneGracePeriodAfterTheyWereLetGo() {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        produce("t", 0, 10, 1, 10);
        int before = Dangling.objectCount(objects);
        assertThat(before).isEqualTo(10);
        clock.advance(Duration.ofHours(1).toMillis());
        maintenance.run(null);
        assertThat(Dangling.objectCount(objects)).as("nothing deleted at once").isEqualTo(10 + 1);
        clock.advance(GRACE);
        MaintenanceReport later = maintenance.run(null);
        assertThat(later.objectsDeleted()).isEqualTo(10);
        assertThat(Dangling.objectCount(objects)).isEqualTo(1);
        assertThat(Dangling.find(metadata, objects)).isEmpty();
        assertThat(new LogChecker(log.fetcher(), metadata).readAll("t", 0, 1 << 20)).hasSize(10);
    }

    @Test
    void aPassThatFailsEverywhereReportsABoundedListOfFailures() {
        log.topics().create(new CreateTopic("wide", 150, null, null, null));
        for (int p = 0; p < 150; p++) {
            log.producer().produce("wide", List.of(new ProduceRecord(null, "v".getBytes(UTF_8), List.of(), p, 1L)));
        }
        MetadataStore failing = new io.sluice.tests.support.ForwardingMetadataStore(metadata) {
            @Override
            public Optional<io.sluice.meta.MaintenanceLease> acquireLease(String topic, int partition, String topicId,
                                                                          String owner, long now, long durationMs) {
                throw new IllegalStateException("injected: " + "x".repeat(2_000));
            }
        };
        MaintenanceReport report = new Maintenance(objects, failing, new TopicCache(failing, clock, Duration.ZERO),
                clock, new Maintenance.Settings(1_000, GRACE)).run(null);
        assertThat(report.failures()).hasSize(MaintenanceReport.MAX_FAILURES_LISTED + 1);
        assertThat(report.failures().subList(0, MaintenanceReport.MAX_FAILURES_LISTED))
                .allSatisfy(f -> assertThat(f).startsWith("wide/").contains("injected: xxx")
                        .hasSize(MaintenanceReport.MAX_FAILURE_CHARS));
        assertThat(report.failures().get(MaintenanceReport.MAX_FAILURES_LISTED)).isEqualTo(
                "... and 50 more failures, in the function's log");
    }

    /** The entry as a reader would find it: its range, decoded, holds exactly its record count. */
    private int recordsIn(IndexEntry entry) {
        byte[] range = objects.getRange(entry.objectKey(), entry.byteStart(), entry.byteLength());
        return io.sluice.format.ObjectFormat.decodeBatches(entry.objectKey(), entry.byteStart(), range).stream()
                .mapToInt(b -> b.records().size()).sum();
    }

    /**
     * Compaction merges only runs of entries that follow one another exactly. Here the index holds two
     * entries that overlap ([2..3] and [3..4], each a real two-record range, as a stale writer could
     * leave them): a pass must not merge across the overlap, which would make a segment that holds more
     * records than the offsets it claims.
     */
    @Test
    void compactionNeverMergesAcrossAnOverlapInTheIndex() {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        log.topics().create(new CreateTopic("u", 1, null, null, null));
        produce("t", 0, 6, 1, 10);
        produce("u", 0, 1, 2, 10);
        String id = metadata.getTopic("t").orElseThrow().topicId();
        IndexEntry pair = metadata.getHead("u", 0).orElseThrow().last();
        List<IndexEntry> before = metadata.entriesFrom("t", 0, id, 0, 100);
        assertThat(before).extracting(IndexEntry::baseOffset).containsExactly(0L, 1L, 2L, 3L, 4L);
        for (IndexEntry single : before.subList(2, 4)) {
            IndexEntry wider = new IndexEntry("t", 0, id, single.baseOffset(), single.baseOffset() + 1, pair.objectKey(),
                    pair.byteStart(), pair.byteLength(), single.maxTimestamp(), 0);
            assertThat(recordsIn(wider)).isEqualTo(2);
            assertThat(metadata.replaceIndexEntry(single, wider)).isTrue();
        }

        clock.advance(Duration.ofHours(2).toMillis());
        MaintenanceReport report = maintenance.run("t");

        assertThat(report.failures()).as("nothing to refuse: no run crosses the overlap").isEmpty();
        assertThat(report.entriesMerged()).as("the runs on either side are merged").isGreaterThanOrEqualTo(3);
        List<IndexEntry> after = new java.util.ArrayList<>(metadata.entriesFrom("t", 0, id, 0, 100));
        after.add(metadata.getHead("t", 0).orElseThrow().last());
        assertThat(after).allSatisfy(e -> assertThat(recordsIn(e)).as("records in %s", e)
                .isEqualTo((int) e.recordCount()));
    }
}
