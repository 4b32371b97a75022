package io.sluice.tests.maintenance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.maintenance.MaintenanceReport;
import io.sluice.meta.Incarnations;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.store.ObjectStore;
import io.sluice.tests.support.Stores;
import io.sluice.tests.support.ForwardingMetadataStore;
import io.sluice.tests.support.ForwardingObjectStore;
import io.sluice.tests.support.LogChecker;
import io.sluice.tests.support.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The races a review reproduced against maintenance and topic re-creation (issue 14), each run with the
 * competing parties at the same time and hooks that force the bad interleaving. Every scenario ends by
 * reading the whole log back with {@link LogChecker}.
 */
abstract class RaceScenarios {


    protected abstract Stores newStores();

    private static final long BASE = 1_700_000_000_000L;
    private static final long GRACE = 15 * 60_000L;
    private static final long HOOK_WAIT_S = 5;

    private final MutableClock clock = new MutableClock(BASE);
    private Stores stores;
    private LogServices log;

    @BeforeEach
    void setUp() {
        stores = newStores();
        log = LogServices.create(stores.objects(), stores.metadata(), stores.groups(), clock, Backoff.NONE);
    }

    private Maintenance maintenance(MetadataStore metadata, long targetBytes) {
        return maintenance(metadata, targetBytes, true);
    }

    private Maintenance maintenance(MetadataStore metadata, long targetBytes, boolean safeguards) {
        Maintenance.Settings settings = new Maintenance.Settings(targetBytes, GRACE);
        return new Maintenance(stores.objects(), metadata, new TopicCache(metadata, clock, Duration.ZERO), clock,
                safeguards ? settings : settings.withoutSafeguards());
    }

    private RecordOffset produceOne(String topic, String value, long timestamp) {
        return log.producer().produce(topic, List.of(new ProduceRecord(null, value.getBytes(UTF_8), List.of(), 0,
                timestamp))).get(0);
    }

    private List<String> check(String topic, Map<RecordOffset, LogRecord> acked) {
        Map<RecordOffset, LogRecord> retained = new HashMap<>();
        long logStart = log.fetcher().earliestOffset(topic, 0);
        acked.forEach((at, record) -> {
            if (at.offset() >= logStart) {
                retained.put(at, record);
            }
        });
        return new LogChecker(log.fetcher(), stores.metadata()).check(topic, 1, retained);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(HOOK_WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Holds the next WAL PUT, once armed, until released, after saying it got there. */
    private static final class StallingWalPut extends ForwardingObjectStore {
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean stallNext = new AtomicBoolean();

        StallingWalPut(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public void putIfAbsent(String key, byte[] bytes) {
            if (key.startsWith("wal/") && stallNext.compareAndSet(true, false)) {
                stalled.countDown();
                await(release);
            }
            super.putIfAbsent(key, bytes);
        }
    }

    /**
     * Issue 14, failure 1. Pass E plans runs [0-3], [4-7], [8-9]; retention then retires 0-4, and pass L
     * plans [5-8], [9-12]. Their writes interleave so that, unguarded, the index holds [5-8], [8-9] and
     * [9-12], and the next pass merges record 9 twice into a segment no fetch can read.
     */
    @Test
    void twoPassesWhoseRunsAreCutAtDifferentOffsetsNeverCorruptTheLog() throws Exception {
        assertThat(passesCutAtDifferentOffsets(true)).isEmpty();
    }

    /**
     * The same race with the lease and the merge checks switched off, as the code was before: the checker
     * must report the damage, or it could not have caught the bug.
     */
    @Test
    void withoutTheLeaseAndTheMergeChecksTheCheckerReportsTheCorruption() throws Exception {
        assertThat(passesCutAtDifferentOffsets(false)).isNotEmpty();
    }

    private List<String> passesCutAtDifferentOffsets(boolean safeguards) throws Exception {
        log.topics().create(new CreateTopic("t", 1, 21_000L, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            long ts = BASE + i * 1_000L;
            acked.put(produceOne("t", "record-" + i, ts), new LogRecord(ts, null, ("record-" + i).getBytes(UTF_8),
                    List.of()));
        }
        long entryBytes = stores.metadata().getHead("t", 0).orElseThrow().last().byteLength();
        clock.advance(20_000);

        CountDownLatch lPausedBeforeDelete8 = new CountDownLatch(1);
        CountDownLatch eReplaced8 = new CountDownLatch(1);
        CountDownLatch lDone = new CountDownLatch(1);
        AtomicBoolean lStarted = new AtomicBoolean();
        CompletableFuture<MaintenanceReport>[] lPass = new CompletableFuture[1];

        MetadataStore lStore = new ForwardingMetadataStore(stores.metadata()) {
            @Override
            public boolean deleteIndexEntry(IndexEntry expected) {
                if (expected.baseOffset() == 8) {
                    lPausedBeforeDelete8.countDown();
                    await(eReplaced8);
                }
                return super.deleteIndexEntry(expected);
            }
        };
        Maintenance passL = maintenance(lStore, 4 * entryBytes, safeguards);
        MetadataStore eStore = new ForwardingMetadataStore(stores.metadata()) {
            @Override
            public boolean replaceIndexEntry(IndexEntry expected, IndexEntry replacement) {
                if (lStarted.compareAndSet(false, true)) {
                    // E has planned its runs; now the log grows, retention retires 0-4, and L runs.
                    for (int i = 10; i < 13; i++) {
                        long ts = BASE + i * 1_000L;
                        acked.put(produceOne("t", "record-" + i, ts),
                                new LogRecord(ts, null, ("record-" + i).getBytes(UTF_8), List.of()));
                    }
                    clock.advance(6_000);
                    lPass[0] = CompletableFuture.supplyAsync(() -> {
                        try {
                            return passL.run(null);
                        } finally {
                            lDone.countDown();
                        }
                    });
                    await(lPausedBeforeDelete8);
                }
                boolean replaced = super.replaceIndexEntry(expected, replacement);
                if (expected.baseOffset() == 8) {
                    eReplaced8.countDown();
                }
                return replaced;
            }

            @Override
            public boolean deleteIndexEntry(IndexEntry expected) {
                if (expected.baseOffset() == 9) {
                    await(lDone);
                }
                return super.deleteIndexEntry(expected);
            }
        };
        MaintenanceReport e = maintenance(eStore, 4 * entryBytes, safeguards).run(null);
        eReplaced8.countDown();
        MaintenanceReport l = lPass[0] == null ? null : lPass[0].get(30, TimeUnit.SECONDS);
        assertThat(lStarted).as("E wrote, so L ran beside it").isTrue();

        clock.advance(1_000);
        MaintenanceReport third = maintenance(stores.metadata(), 4 * entryBytes, safeguards).run(null);
        assertThat(log.fetcher().earliestOffset("t", 0)).isPositive();
        List<String> violations = new ArrayList<>(check("t", acked));
        for (MaintenanceReport report : java.util.Arrays.asList(e, l, third)) {
            if (report != null) {
                violations.addAll(report.failures());
            }
        }
        return violations;
    }

    /** A pass that stalls past its lease, while another takes the partition over, writes nothing more. */
    @Test
    void aPassThatLostItsLeaseChangesNothingMore() {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            acked.put(produceOne("t", "r" + i, BASE + i), new LogRecord(BASE + i, null, ("r" + i).getBytes(UTF_8),
                    List.of()));
        }
        long entryBytes = stores.metadata().getHead("t", 0).orElseThrow().last().byteLength();
        clock.advance(Duration.ofHours(2).toMillis());
        AtomicLong writesAfterTakeover = new AtomicLong();
        AtomicBoolean takenOver = new AtomicBoolean();
        MetadataStore stalling = new ForwardingMetadataStore(stores.metadata()) {
            @Override
            public boolean replaceIndexEntry(IndexEntry expected, IndexEntry replacement) {
                if (takenOver.compareAndSet(false, true)) {
                    // stall for longer than the lease while a second pass does the work
                    clock.advance(Maintenance.Settings.DEFAULT.leaseMs() + 1);
                    MaintenanceReport other = maintenance(stores.metadata(), 2 * entryBytes).run(null);
                    assertThat(other.entriesMerged()).as("the second pass took the lapsed lease").isPositive();
                } else {
                    writesAfterTakeover.incrementAndGet();
                }
                return super.replaceIndexEntry(expected, replacement);
            }

            @Override
            public boolean deleteIndexEntry(IndexEntry expected) {
                if (takenOver.get()) {
                    writesAfterTakeover.incrementAndGet();
                }
                return super.deleteIndexEntry(expected);
            }
        };
        MaintenanceReport stalled = maintenance(stalling, 2 * entryBytes).run(null);
        assertThat(stalled.leasesLost()).isEqualTo(1);
        assertThat(writesAfterTakeover.get()).as("index writes by the pass after it lost its lease").isZero();
        assertThat(check("t", acked)).isEmpty();
    }

    /**
     * Issue 14, failure 2. A produce reads the head, then stalls in its WAL PUT while the topic is deleted
     * and re-created and the new topic's head reaches the same version. Unguarded, the stale head write
     * lands on the new topic: its high watermark goes back and its records vanish.
     */
    @Test
    void aProduceThatStalledAcrossADeleteAndRecreateNeverLandsOnTheNewTopic() throws Exception {
        StallingWalPut stalling = new StallingWalPut(stores.objects());
        LogServices staleLog = LogServices.create(stalling, stores.metadata(), stores.groups(), clock, Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        for (int i = 0; i < 3; i++) {
            produceOne("t", "old-" + i, BASE);
        }
        stalling.stallNext.set(true);
        CompletableFuture<List<RecordOffset>> stale = CompletableFuture.supplyAsync(() -> staleLog.producer()
                .produce("t", List.of(new ProduceRecord(null, "stale".getBytes(UTF_8), List.of(), 0, BASE))));
        assertThat(stalling.stalled.await(10, TimeUnit.SECONDS)).isTrue();

        log.topics().delete("t");
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            acked.put(produceOne("t", "new-" + i, BASE), new LogRecord(BASE, null, ("new-" + i).getBytes(UTF_8),
                    List.of()));
        }
        // The delete's fence took version 4, so the new topic's head is at 7 and the stale read's version 3
        // can never come round again; the store's incarnation condition still refuses a writer of the old
        // one at an equal version (MetadataStoreContract.aHeadWriteOfADeletedIncarnationNeverLandsOn...).
        assertThat(stores.metadata().getHead("t", 0).orElseThrow().version()).as("versions go on across incarnations")
                .isEqualTo(7);
        stalling.release.countDown();

        assertThatThrownBy(() -> stale.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SluiceException.class)
                .cause().satisfies(c -> assertThat(((SluiceException) c).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
        assertThat(log.fetcher().latestOffset("t", 0)).isEqualTo(3);
        assertThat(check("t", acked)).isEmpty();
    }

    /**
     * A produce beside a delete. It reads the head, stalls in its WAL PUT while the topic is deleted, then
     * tries to commit. Before, the delete had removed the head, the produce read "never written" and
     * created a head for the deleted incarnation: a record acknowledged into a topic deleted before the
     * acknowledgement, which no one could ever read, and which kept its object from the collector.
     */
    @Test
    void aProduceThatStalledAcrossADeleteIsRefusedNotAcknowledgedIntoTheDeletedTopic() throws Exception {
        StallingWalPut stalling = new StallingWalPut(stores.objects());
        LogServices staleLog = LogServices.create(stalling, stores.metadata(), stores.groups(), clock, Backoff.NONE);
        log.topics().create(new CreateTopic("t", 2, null, null, null));
        String deletedId = stores.metadata().getTopic("t").orElseThrow().topicId();
        produceOne("t", "before", BASE);
        stalling.stallNext.set(true);
        CompletableFuture<List<RecordOffset>> stale = CompletableFuture.supplyAsync(() -> staleLog.producer()
                .produce("t", List.of(new ProduceRecord(null, "stale".getBytes(UTF_8), List.of(), 0, BASE))));
        assertThat(stalling.stalled.await(10, TimeUnit.SECONDS)).isTrue();

        log.topics().delete("t");
        stalling.release.countDown();

        assertThatThrownBy(() -> stale.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(SluiceException.class)
                .cause().satisfies(c -> assertThat(((SluiceException) c).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
        for (int p = 0; p < 2; p++) {
            assertThat(stores.metadata().getHead("t", p)).as("partition %d: only the delete's fence", p)
                    .hasValueSatisfying(h -> assertThat(h.topicId()).isEqualTo(Incarnations.fenceOf(deletedId)));
        }
        assertThat(stores.metadata().objectReferences()).as("nothing of the deleted incarnation %s", deletedId)
                .noneMatch(r -> r.topicId().equals(deletedId));
    }

    /**
     * A delete that stopped part-way (here: after the tombstone and the first partition's head) leaves a
     * head and index entries of the deleted incarnation. Before, nothing ever removed them, so their objects
     * were kept for ever. Maintenance now purges them, for a name that was re-created and for one that was
     * not, leaves the live incarnation alone, and the collector then reclaims the objects.
     */
    @Test
    void maintenanceFinishesADeleteThatStoppedPartWay() {
        for (String name : List.of("t", "u")) {
            log.topics().create(new CreateTopic(name, 2, null, null, null));
            for (int p = 0; p < 2; p++) {
                for (int i = 0; i < 3; i++) {
                    log.producer().produce(name, List.of(new ProduceRecord(null, ("old-" + i).getBytes(UTF_8),
                            List.of(), p, BASE)));
                }
            }
        }
        String oldT = stores.metadata().getTopic("t").orElseThrow().topicId();
        String oldU = stores.metadata().getTopic("u").orElseThrow().topicId();
        MetadataStore crashing = new ForwardingMetadataStore(stores.metadata()) {
            @Override
            public void fenceHead(String topic, int partition, String topicId) {
                if (partition == 1) {
                    throw new IllegalStateException("the function timed out here");
                }
                super.fenceHead(topic, partition, topicId);
            }
        };
        LogServices crashingLog = LogServices.create(stores.objects(), crashing, stores.groups(), clock, Backoff.NONE);
        for (String name : List.of("t", "u")) {
            assertThatThrownBy(() -> crashingLog.topics().delete(name)).hasMessageContaining("timed out");
        }
        log.topics().create(new CreateTopic("t", 2, null, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            // two, so that the new incarnation replaces the old entries at offsets 0 and 1 but not at 2
            acked.put(produceOne("t", "new-" + i, BASE), new LogRecord(BASE, null, ("new-" + i).getBytes(UTF_8),
                    List.of()));
        }
        assertThat(stores.metadata().objectReferences()).as("left behind by the stopped deletes")
                .anyMatch(r -> r.topicId().equals(oldT)).anyMatch(r -> r.topicId().equals(oldU));

        MaintenanceReport report = maintenance(stores.metadata(), 16L << 20).run(null);

        assertThat(report.failures()).isEmpty();
        assertThat(report.partitionsPurged()).as("both partitions of both deleted incarnations").isEqualTo(4);
        assertThat(stores.metadata().objectReferences()).noneMatch(r -> r.topicId().equals(oldT))
                .noneMatch(r -> r.topicId().equals(oldU));
        assertThat(stores.metadata().getHead("u", 1)).as("the head the stopped delete left is fenced")
                .hasValueSatisfying(h -> assertThat(h.topicId()).isEqualTo(Incarnations.fenceOf(oldU)));
        assertThat(check("t", acked)).isEmpty();

        // the collector's mark phase ran after the purge: what only the deleted incarnations pointed at
        // is marked, to go once the grace period is over; what the live topic points at is not
        java.util.Set<String> referenced = stores.metadata().referencedObjects();
        Map<String, Long> marks = stores.metadata().garbageMarks();
        assertThat(stores.objects().list("wal/")).as("every object is either referenced or marked")
                .isNotEmpty().allMatch(o -> referenced.contains(o.key()) != marks.containsKey(o.key()));
        assertThat(marks).as("the objects of the 12 records of the deleted incarnations").hasSize(12);
        assertThat(check("t", acked)).isEmpty();
    }

    /**
     * A merge that took in the head's last entry and then stopped (a crash, a timeout) before pointing the
     * head at its segment leaves the head's last entry covered by the segment: an overlap no later pass
     * removed, because a pass never drops the head's last entry. The reliability run found it. The next
     * pass now points the head at the covering segment and the chain is whole again.
     */
    @Test
    void aMergeThatStoppedBeforeMovingTheHeadIsRepairedByTheNextPass() {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            acked.put(produceOne("t", "record-" + i, BASE), new LogRecord(BASE, null, ("record-" + i).getBytes(UTF_8),
                    List.of()));
        }
        long entryBytes = stores.metadata().getHead("t", 0).orElseThrow().last().byteLength();
        AtomicBoolean crashed = new AtomicBoolean();
        MetadataStore crashing = new ForwardingMetadataStore(stores.metadata()) {
            @Override
            public boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
                if (next.last() != null && next.last().objectKey().startsWith("seg/") && crashed.compareAndSet(false, true)) {
                    throw new IllegalStateException("the pass crashed before moving the head");
                }
                return super.compareAndSetHead(expectedVersion, next);
            }
        };
        MaintenanceReport first = maintenance(crashing, 4 * entryBytes).run(null);
        assertThat(crashed).as("the merge took in the head's last entry").isTrue();
        assertThat(first.failures()).hasSize(1);
        // the crash came before the merged entries were deleted, too: [1] and [2] and the head's last [3]
        // are all covered by the segment [0-3]
        assertThat(check("t", acked)).as("the crash leaves the merged entries covered by the segment")
                .containsExactly("t/0: entry at 1 follows one ending at 3 (overlap)");
        assertThat(stores.metadata().getHead("t", 0).orElseThrow().last().objectKey()).startsWith("wal/");

        assertThat(maintenance(stores.metadata(), 4 * entryBytes).run(null).failures()).isEmpty();

        assertThat(stores.metadata().getHead("t", 0).orElseThrow().last().objectKey()).startsWith("seg/");
        assertThat(check("t", acked)).isEmpty();
    }

    /**
     * A commit writes the head's last entry into the index before its own head update, so the index may
     * hold the head's last entry itself. A pass must leave that copy alone: the first version of the head
     * repair above took the copy for a covering entry, bumped the head and deleted the copy, and a commit
     * landing right after left a gap at that offset (the reliability run found it under load).
     */
    @Test
    void aPassLeavesTheIndexCopyOfTheHeadsLastEntryAlone() {
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            acked.put(produceOne("t", "record-" + i, BASE), new LogRecord(BASE, null, ("record-" + i).getBytes(UTF_8),
                    List.of()));
        }
        PartitionHead head = stores.metadata().getHead("t", 0).orElseThrow();
        // a producer's next commit got as far as indexing the head's last entry, then lost its head update
        assertThat(stores.metadata().putIndexEntryIfAbsent(head.last())).isTrue();

        assertThat(maintenance(stores.metadata(), 1L << 30).run(null).failures()).isEmpty();

        assertThat(stores.metadata().floorEntry("t", 0, head.topicId(), head.last().baseOffset()))
                .as("the index copy of the head's last entry").contains(head.last());
        assertThat(stores.metadata().getHead("t", 0).orElseThrow().version()).as("no head update")
                .isEqualTo(head.version());
        assertThat(check("t", acked)).isEmpty();
    }

    /**
     * Issue 14, failure 3. A re-created topic compacts the same offsets its predecessor did. Unguarded,
     * it finds the old segment's key taken with other bytes and throws, and the exception stops the whole
     * pass: topics listed after it are never maintained and garbage is never collected.
     */
    @Test
    void aRecreatedTopicIsCompactedAndTheTopicsAfterItStillAre() {
        log.topics().create(new CreateTopic("a", 1, null, null, null));
        log.topics().create(new CreateTopic("b", 1, null, null, null));
        for (int i = 0; i < 4; i++) {
            produceOne("a", "first-" + i, BASE + i);
        }
        clock.advance(Duration.ofHours(2).toMillis());
        Maintenance maintenance = maintenance(stores.metadata(), 16L << 20);
        assertThat(maintenance.run(null).segmentsWritten()).isEqualTo(1);

        log.topics().delete("a");
        log.topics().create(new CreateTopic("a", 1, null, null, null));
        Map<RecordOffset, LogRecord> ackedA = new HashMap<>();
        Map<RecordOffset, LogRecord> ackedB = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            ackedA.put(produceOne("a", "second-incarnation-" + i, BASE + i),
                    new LogRecord(BASE + i, null, ("second-incarnation-" + i).getBytes(UTF_8), List.of()));
            ackedB.put(produceOne("b", "b-" + i, BASE + i),
                    new LogRecord(BASE + i, null, ("b-" + i).getBytes(UTF_8), List.of()));
        }
        clock.advance(Duration.ofHours(2).toMillis());
        MaintenanceReport report = maintenance.run(null);

        assertThat(report.failures()).isEmpty();
        assertThat(report.segmentsWritten()).as("one segment for a, one for b").isEqualTo(2);
        assertThat(report.objectsMarked()).as("garbage collection ran").isPositive();
        assertThat(check("a", ackedA)).isEmpty();
        assertThat(new LogChecker(log.fetcher(), stores.metadata()).check("b", 1, ackedB)).isEmpty();
    }

    /** Any exception in one partition is reported, and the pass goes on with the others and with GC. */
    @Test
    void aFailingPartitionIsReportedAndTheRestOfThePassRuns() {
        log.topics().create(new CreateTopic("a", 1, null, null, null));
        log.topics().create(new CreateTopic("b", 1, null, null, null));
        for (int i = 0; i < 4; i++) {
            produceOne("a", "a-" + i, BASE + i);
            produceOne("b", "b-" + i, BASE + i);
        }
        clock.advance(Duration.ofHours(2).toMillis());
        MetadataStore failingA = new ForwardingMetadataStore(stores.metadata()) {
            @Override
            public List<IndexEntry> entriesFrom(String topic, int partition, String topicId, long from, int limit) {
                if (topic.equals("a")) {
                    throw new IllegalStateException("injected failure reading a's index");
                }
                return super.entriesFrom(topic, partition, topicId, from, limit);
            }
        };
        MaintenanceReport report = maintenance(failingA, 16L << 20).run(null);
        assertThat(report.failures()).singleElement().asString().startsWith("a/0: ")
                .contains("injected failure reading a's index");
        assertThat(report.segmentsWritten()).as("b was compacted").isEqualTo(1);
        assertThat(report.objectsMarked()).as("garbage collection ran").isPositive();
        MaintenanceReport again = maintenance(stores.metadata(), 16L << 20).run(null);
        assertThat(again.failures()).isEmpty();
        assertThat(again.segmentsWritten()).as("a, once it can be read").isEqualTo(1);
    }

    /**
     * Issue 14, failure 4. With retention.ms 60 s, one record every 10 s and a pass after each, the open
     * tail used to be merged into one ever-growing segment whose newest record is always young, so
     * retention never moved. Segments now close at half the retention time.
     */
    @Test
    void retentionRetiresRecordsOfALowVolumeTopic() {
        log.topics().create(new CreateTopic("slow", 1, 60_000L, null, null));
        Maintenance maintenance = maintenance(stores.metadata(), 16L << 20);
        for (int i = 0; i < 13; i++) {
            produceOne("slow", "tick-" + i, clock.millis());
            clock.advance(10_000);
            assertThat(maintenance.run(null).failures()).isEmpty();
        }
        assertThat(clock.millis() - BASE).isGreaterThan(120_000);
        long logStart = log.fetcher().earliestOffset("slow", 0);
        assertThat(logStart).as("records older than about 60 s + one 30 s roll are retired").isBetween(1L, 8L);
        List<FetchedRecord> left = new LogChecker(log.fetcher(), stores.metadata()).readAll("slow", 0, 1 << 20);
        assertThat(left).extracting(FetchedRecord::offset).first().isEqualTo(logStart);
        assertThat(left).hasSize((int) (13 - logStart));
    }

    /** The same with retention.bytes: whole entries beyond 1,000 bytes go. */
    @Test
    void byteRetentionRetiresRecordsOfALowVolumeTopic() {
        log.topics().create(new CreateTopic("slow", 1, null, 1_000L, null));
        Maintenance maintenance = maintenance(stores.metadata(), 16L << 20);
        for (int i = 0; i < 60; i++) {
            produceOne("slow", "tick-" + i + "-" + "x".repeat(40), clock.millis());
            clock.advance(10_000);
            assertThat(maintenance.run(null).failures()).isEmpty();
        }
        assertThat(log.fetcher().earliestOffset("slow", 0)).isGreaterThan(30);
    }

    /** Near the end of the log a fetch reads about what it returns, not one ever-growing tail segment. */
    @Test
    void aFetchAtTheEndOfTheLogReadsAboutWhatItReturns() {
        AtomicLong bytesRead = new AtomicLong();
        ObjectStore counting = new ForwardingObjectStore(stores.objects()) {
            @Override
            public byte[] get(String key) {
                byte[] bytes = super.get(key);
                bytesRead.addAndGet(bytes.length);
                return bytes;
            }

            @Override
            public byte[] getRange(String key, long start, int length) {
                bytesRead.addAndGet(length);
                return super.getRange(key, start, length);
            }
        };
        LogServices reader = LogServices.create(counting, stores.metadata(), stores.groups(), clock, Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        Maintenance maintenance = maintenance(stores.metadata(), 16L << 20);
        long oneEntry = 0;
        for (int i = 0; i < 60; i++) {
            produceOne("t", "value-" + i + "-" + "y".repeat(200), clock.millis());
            oneEntry = Math.max(oneEntry, stores.metadata().getHead("t", 0).orElseThrow().last().byteLength());
            clock.advance(1_000);
            maintenance.run(null);
        }
        bytesRead.set(0);
        assertThat(reader.fetcher().fetch("t", 0, 59, 1).records()).hasSize(1);
        assertThat(bytesRead.get()).as("bytes read for one record at the end (one produced entry: %d bytes)",
                oneEntry).isLessThanOrEqualTo(2L * oneEntry);
    }

    /**
     * Issue 14, failure 5. Entries committed between retention's head read and its index read used to be
     * counted against the stale head, pushing logStartOffset past nextOffset and aborting the pass.
     */
    @Test
    void entriesCommittedDuringRetentionNeverPushTheLogStartPastTheEnd() {
        log.topics().create(new CreateTopic("t", 1, 60_000L, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            acked.put(produceOne("t", "early-" + i, 1_000L), new LogRecord(1_000L, null,
                    ("early-" + i).getBytes(UTF_8), List.of()));
        }
        java.util.concurrent.atomic.AtomicInteger headReads = new java.util.concurrent.atomic.AtomicInteger();
        MetadataStore racing = new ForwardingMetadataStore(stores.metadata()) {
            @Override
            public Optional<PartitionHead> getHead(String topic, int partition) {
                Optional<PartitionHead> head = super.getHead(topic, partition);
                if (headReads.incrementAndGet() <= 2) {
                    // right after the pass reads the head (its first reads, wherever retention's is), a
                    // producer backfills records with old timestamps
                    for (int i = 0; i < 3; i++) {
                        acked.put(produceOne("t", "old-" + headReads.get() + "-" + i, 2_000L),
                                new LogRecord(2_000L, null, ("old-" + headReads.get() + "-" + i).getBytes(UTF_8),
                                        List.of()));
                    }
                }
                return head;
            }
        };
        clock.advance(1_000);
        MaintenanceReport report = maintenance(racing, 16L << 20).run(null);
        assertThat(report.failures()).isEmpty();
        long logStart = log.fetcher().earliestOffset("t", 0);
        assertThat(logStart).isLessThanOrEqualTo(log.fetcher().latestOffset("t", 0));
        assertThat(check("t", acked)).isEmpty();
        assertThat(maintenance(stores.metadata(), 16L << 20).run(null).failures()).isEmpty();
        assertThat(check("t", acked)).isEmpty();
    }
}
