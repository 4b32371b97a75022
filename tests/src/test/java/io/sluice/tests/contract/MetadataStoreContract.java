package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.log.ProduceService;
import io.sluice.meta.DynamoItemSize;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.ProducerState;
import io.sluice.meta.TopicConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/** What every {@link MetadataStore} must do; extended once per implementation. */
abstract class MetadataStoreContract {

    private static final String ID = "01JTOPICID0000000000000000";
    private static final String OTHER_ID = "01JOTHERID0000000000000000";

    private MetadataStore store;

    protected abstract MetadataStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    private static TopicConfig topic(String name, String id) {
        return new TopicConfig(name, id, 3, 86_400_000L, -1, 1 << 20, 1_700_000_000_000L);
    }

    private static IndexEntry entry(String topicId, long base, long last, String key) {
        return new IndexEntry("t", 0, topicId, base, last, key, 5, 100 + (int) base, 1_700_000_000_000L + base, 0);
    }

    @Test
    void topicsRoundTripAndListInNameOrder() {
        store.createTopic(topic("zeta", ID));
        store.createTopic(topic("alpha", OTHER_ID));
        assertThat(store.getTopic("zeta")).contains(topic("zeta", ID));
        assertThat(store.getTopic("missing")).isEmpty();
        assertThat(store.listTopics()).extracting(TopicConfig::name).containsExactly("alpha", "zeta");
    }

    @Test
    void creatingATakenNameFailsAndKeepsTheOriginal() {
        store.createTopic(topic("t", ID));
        assertThatThrownBy(() -> store.createTopic(topic("t", OTHER_ID)))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOPIC_EXISTS));
        assertThat(store.getTopic("t").orElseThrow().topicId()).isEqualTo(ID);
    }

    @Test
    void deleteTopicOnlyDeletesTheNamedIncarnation() {
        store.createTopic(topic("t", ID));
        assertThat(store.deleteTopic("t", OTHER_ID)).isFalse();
        assertThat(store.getTopic("t")).isPresent();
        assertThat(store.deleteTopic("t", ID)).isTrue();
        assertThat(store.getTopic("t")).isEmpty();
        assertThat(store.deleteTopic("t", ID)).isFalse();
    }

    @Test
    void headIsCreatedByTheFirstCommitAndReplacedOnlyAtItsVersion() {
        assertThat(store.getHead("t", 0)).isEmpty();
        PartitionHead empty = PartitionHead.empty("t", 0, ID, 0);
        PartitionHead first = empty.append(entry(ID, 0, 4, "wal/a"));
        assertThat(store.compareAndSetHead(0, first)).isTrue();
        assertThat(store.compareAndSetHead(0, first)).as("already exists").isFalse();
        assertThat(store.getHead("t", 0)).contains(first);

        PartitionHead second = first.append(entry(ID, 5, 9, "wal/b"));
        assertThat(store.compareAndSetHead(first.version(), second)).isTrue();
        assertThat(store.compareAndSetHead(first.version(), first.append(entry(ID, 5, 6, "wal/c"))))
                .as("stale version").isFalse();
        assertThat(store.getHead("t", 0)).contains(second);
        assertThat(store.getHead("t", 1)).as("other partitions untouched").isEmpty();
    }

    @Test
    void headWithoutLastRoundTripsAndANewerIncarnationReplacesALeftover() {
        PartitionHead head = new PartitionHead("t", 2, OTHER_ID, 7, 7, 1, null);
        assertThat(store.compareAndSetHead(0, head)).isTrue();
        assertThat(store.getHead("t", 2)).contains(head);
        PartitionHead replaced = new PartitionHead("t", 2, ID, 0, 0, 2, null);
        assertThat(store.compareAndSetHead(1, replaced)).isTrue();
        assertThat(store.getHead("t", 2)).contains(replaced);
    }

    @Test
    void aHeadWriteOfADeletedIncarnationNeverLandsOnTheNewTopicEvenAtTheSameVersion() {
        PartitionHead newTopic = PartitionHead.empty("t", 0, ID, 0).append(entry(ID, 0, 4, "wal/new"));
        assertThat(store.compareAndSetHead(0, newTopic)).isTrue();
        PartitionHead stale = PartitionHead.empty("t", 0, OTHER_ID, 0).append(entry(OTHER_ID, 0, 0, "wal/old"));
        assertThat(store.compareAndSetHead(0, stale)).as("version 0 but the item exists").isFalse();
        PartitionHead staleAtOne = new PartitionHead("t", 0, OTHER_ID, 10, 0, 2, entry(OTHER_ID, 5, 9, "wal/old2"));
        assertThat(store.compareAndSetHead(1, staleAtOne)).as("same version, older incarnation").isFalse();
        assertThat(store.getHead("t", 0)).contains(newTopic);
    }

    @Test
    void anIndexEntryOfADeletedIncarnationNeverReplacesTheNewTopicsEntry() {
        IndexEntry fresh = entry(ID, 0, 3, "wal/new");
        assertThat(store.putIndexEntryIfAbsent(fresh)).isTrue();
        assertThat(store.putIndexEntryIfAbsent(entry(OTHER_ID, 0, 9, "wal/old"))).isFalse();
        assertThat(store.floorEntry("t", 0, ID, 2)).contains(fresh);
        assertThat(store.replaceIndexEntry(entry(OTHER_ID, 0, 3, "wal/new"), entry(OTHER_ID, 0, 3, "seg/x")))
                .as("same object key, other incarnation").isFalse();
        assertThat(store.deleteIndexEntry(entry(OTHER_ID, 0, 3, "wal/new"))).isFalse();
        assertThat(store.floorEntry("t", 0, ID, 2)).contains(fresh);
    }

    @Test
    void aDeletedTopicLeavesATombstoneThatOnlyALaterIncarnationReplaces() {
        store.createTopic(topic("t", ID));
        assertThat(store.deletedTopicId("t")).isEmpty();
        assertThat(store.deleteTopic("t", ID)).isTrue();
        assertThat(store.deleteTopic("t", ID)).as("already a tombstone").isFalse();
        assertThat(store.getTopic("t")).isEmpty();
        assertThat(store.listTopics()).isEmpty();
        assertThat(store.deletedTopicId("t")).contains(ID);
        assertThatThrownBy(() -> store.createTopic(topic("t", OTHER_ID))).as("an older id")
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        String later = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
        store.createTopic(topic("t", later));
        assertThat(store.getTopic("t")).map(TopicConfig::topicId).contains(later);
        assertThat(store.deletedTopicId("t")).isEmpty();
        assertThat(store.listTopics()).extracting(TopicConfig::topicId).containsExactly(later);
    }

    @Test
    void aLeaseIsExclusiveUntilItLapsesAndATakenOverLeaseCannotBeRenewed() {
        var first = store.acquireLease("t", 0, ID, "pass-a", 1_000, 100).orElseThrow();
        assertThat(store.acquireLease("t", 0, ID, "pass-b", 1_050, 100)).as("held").isEmpty();
        assertThat(store.acquireLease("t", 1, ID, "pass-b", 1_050, 100)).as("another partition").isPresent();
        var renewed = store.renewLease(first, 1_200).orElseThrow();
        assertThat(renewed.expiresAt()).isEqualTo(1_200);
        assertThat(store.acquireLease("t", 0, ID, "pass-b", 1_150, 100)).as("renewed, still held").isEmpty();
        var second = store.acquireLease("t", 0, ID, "pass-b", 1_200, 100).orElseThrow();
        assertThat(second.epoch()).isGreaterThan(first.epoch());
        assertThat(store.renewLease(renewed, 5_000)).as("taken over").isEmpty();
        store.releaseLease(renewed);
        assertThat(store.acquireLease("t", 0, ID, "pass-c", 1_250, 100)).as("a stale release changes nothing")
                .isEmpty();
        store.releaseLease(second);
        var third = store.acquireLease("t", 0, ID, "pass-c", 1_260, 100).orElseThrow();
        assertThat(third.epoch()).as("epochs never repeat").isGreaterThan(second.epoch());
    }

    @Test
    void casRejectsAVersionThatIsNotTheNext() {
        PartitionHead head = PartitionHead.empty("t", 0, ID, 0).append(entry(ID, 0, 0, "k"));
        assertThatThrownBy(() -> store.compareAndSetHead(3, head)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.getHead("t", 0)).isEmpty();
    }

    @Test
    void getHeadsReturnsStoredHeadsInPartitionOrder() {
        for (int p : new int[] {4, 0, 2}) {
            store.compareAndSetHead(0, new PartitionHead("t", p, ID, p, 0, 1, null));
        }
        assertThat(store.getHeads("t", 5)).extracting(PartitionHead::partition).containsExactly(0, 2, 4);
        assertThat(store.getHeads("t", 5)).extracting(PartitionHead::nextOffset).containsExactly(0L, 2L, 4L);
    }

    @Test
    void indexPutIsIdempotentAndNeverOverwritesItsOwnIncarnation() {
        IndexEntry original = entry(ID, 0, 4, "wal/a");
        assertThat(store.putIndexEntryIfAbsent(original)).isTrue();
        assertThat(store.putIndexEntryIfAbsent(original)).isFalse();
        assertThat(store.putIndexEntryIfAbsent(entry(ID, 0, 9, "seg/other"))).isFalse();
        assertThat(store.floorEntry("t", 0, ID, 3)).contains(original);
    }

    @Test
    void indexEntryOfAnOlderIncarnationIsReplaced() {
        store.putIndexEntryIfAbsent(entry(OTHER_ID, 0, 99, "wal/old"));
        IndexEntry current = entry(ID, 0, 4, "wal/new");
        assertThat(store.putIndexEntryIfAbsent(current)).isTrue();
        assertThat(store.floorEntry("t", 0, ID, 3)).contains(current);
    }

    @Test
    void floorEntryFindsTheGreatestBaseAtOrBelowAndSkipsOtherIncarnations() {
        IndexEntry e0 = entry(ID, 0, 9, "a");
        IndexEntry e10 = entry(ID, 10, 19, "b");
        IndexEntry e20 = entry(ID, 20, 29, "c");
        for (IndexEntry e : List.of(e0, e10, e20, entry(OTHER_ID, 15, 40, "foreign"))) {
            store.putIndexEntryIfAbsent(e);
        }
        assertThat(store.floorEntry("t", 0, ID, 0)).contains(e0);
        assertThat(store.floorEntry("t", 0, ID, 9)).contains(e0);
        assertThat(store.floorEntry("t", 0, ID, 17)).contains(e10);
        assertThat(store.floorEntry("t", 0, ID, 20)).contains(e20);
        assertThat(store.floorEntry("t", 0, ID, 1_000_000)).contains(e20);
        assertThat(store.floorEntry("t", 1, ID, 5)).isEmpty();
        assertThat(store.floorEntry("t", 0, OTHER_ID, 14)).isEmpty();
    }

    @Test
    void entriesFromListsAscendingWithALimit() {
        for (long base = 0; base < 50; base += 5) {
            store.putIndexEntryIfAbsent(entry(ID, base, base + 4, "k" + base));
        }
        store.putIndexEntryIfAbsent(entry(OTHER_ID, 12, 13, "foreign"));
        assertThat(store.entriesFrom("t", 0, ID, 12, 3)).extracting(IndexEntry::baseOffset)
                .containsExactly(15L, 20L, 25L);
        assertThat(store.entriesFrom("t", 0, ID, 45, 10)).extracting(IndexEntry::baseOffset).containsExactly(45L);
        assertThat(store.entriesFrom("t", 0, ID, 46, 10)).isEmpty();
    }

    @Test
    void deletePartitionRemovesOnlyItsIncarnation() {
        store.compareAndSetHead(0, new PartitionHead("t", 0, ID, 10, 0, 1, null));
        store.putIndexEntryIfAbsent(entry(ID, 0, 4, "a"));
        store.putIndexEntryIfAbsent(entry(ID, 5, 9, "b"));
        store.putIndexEntryIfAbsent(entry(OTHER_ID, 20, 21, "c"));
        store.compareAndSetHead(0, new PartitionHead("t", 1, ID, 3, 0, 1, null));

        store.deletePartition("t", 0, ID);

        assertThat(store.getHead("t", 0)).isEmpty();
        assertThat(store.floorEntry("t", 0, ID, 100)).isEmpty();
        assertThat(store.floorEntry("t", 0, OTHER_ID, 100)).isPresent();
        assertThat(store.getHead("t", 1)).as("other partition").isPresent();
    }

    @Test
    void aFencedHeadRefusesItsIncarnationAndGivesWayToALaterOne() {
        String later = "01JZLATERID000000000000000";
        PartitionHead head = PartitionHead.empty("t", 0, ID, 0).append(entry(ID, 0, 4, "wal/a"));
        store.compareAndSetHead(0, head);
        store.putIndexEntryIfAbsent(entry(ID, 0, 4, "wal/a"));

        store.fenceHead("t", 0, ID);
        PartitionHead fence = store.getHead("t", 0).orElseThrow();
        assertThat(fence).isEqualTo(PartitionHead.empty("t", 0, io.sluice.meta.Incarnations.fenceOf(ID), 2));
        assertThat(store.floorEntry("t", 0, ID, 4)).as("index entries stay").isPresent();
        assertThat(store.compareAndSetHead(1, head.append(entry(ID, 5, 6, "wal/b"))))
                .as("a writer that read the head before the fence").isFalse();
        assertThat(store.compareAndSetHead(2, PartitionHead.empty("t", 0, ID, 2).append(entry(ID, 0, 1, "wal/c"))))
                .as("a writer of the fenced incarnation at the fence's version").isFalse();

        store.fenceHead("t", 1, ID);
        assertThat(store.getHead("t", 1)).as("a partition never written is fenced too")
                .contains(PartitionHead.empty("t", 1, io.sluice.meta.Incarnations.fenceOf(ID), 1));
        assertThat(store.compareAndSetHead(0, PartitionHead.empty("t", 1, ID, 0).append(entry(ID, 0, 0, "wal/d"))))
                .as("a first commit of the fenced incarnation").isFalse();

        PartitionHead next = PartitionHead.empty("t", 0, later, 2).append(entry(later, 0, 0, "wal/e"));
        assertThat(store.compareAndSetHead(2, next)).as("the next incarnation replaces the fence").isTrue();
        store.fenceHead("t", 0, ID);
        assertThat(store.getHead("t", 0)).as("an older incarnation's fence never replaces a later head")
                .contains(next);
    }

    @Test
    void objectReferencesNameThePartitionAndIncarnationOfEveryPointer() {
        store.createTopic(topic("a.b-c_d", ID));
        PartitionHead head = PartitionHead.empty("a.b-c_d", 2, ID, 0)
                .append(new IndexEntry("a.b-c_d", 2, ID, 0, 4, "wal/head", 5, 100, 1L, 0));
        store.compareAndSetHead(0, head);
        store.putIndexEntryIfAbsent(new IndexEntry("a.b-c_d", 2, ID, 0, 4, "wal/head", 5, 100, 1L, 0));
        store.putIndexEntryIfAbsent(entry(OTHER_ID, 7, 8, "seg/old"));

        assertThat(store.objectReferences()).containsExactlyInAnyOrder(
                new io.sluice.meta.ObjectReference("a.b-c_d", 2, ID, "wal/head"),
                new io.sluice.meta.ObjectReference("a.b-c_d", 2, ID, "wal/head"),
                new io.sluice.meta.ObjectReference("t", 0, OTHER_ID, "seg/old"));
        assertThat(store.referencedObjects()).containsExactlyInAnyOrder("wal/head", "seg/old");
    }

    @Test
    void concurrentCompareAndSetNeverLetsAVersionWinTwice() throws Exception {
        int threads = 8;
        int attemptsPerThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> wins = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                wins.add(pool.submit(() -> {
                    int won = 0;
                    for (int i = 0; i < attemptsPerThread; i++) {
                        PartitionHead head = store.getHead("c", 0).orElse(PartitionHead.empty("c", 0, ID, 0));
                        PartitionHead next = new PartitionHead("c", 0, ID, head.nextOffset() + 1, 0,
                                head.version() + 1, null);
                        if (store.compareAndSetHead(head.version(), next)) {
                            won++;
                        }
                    }
                    return won;
                }));
            }
            int total = 0;
            for (Future<Integer> w : wins) {
                total += w.get(2, TimeUnit.MINUTES);
            }
            PartitionHead finalHead = store.getHead("c", 0).orElseThrow();
            assertThat(total).isPositive();
            assertThat(finalHead.version()).as("every win advanced the version once").isEqualTo(total);
            assertThat(finalHead.nextOffset()).isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- items at realistic sizes, and DynamoDB's limits ----

    /** {@code count} producers, each remembering its {@link ProducerState#MAX_BATCHES} newest batches. */
    private static Map<Long, ProducerState> producers(int count) {
        Map<Long, ProducerState> producers = new HashMap<>();
        for (long id = 0; id < count; id++) {
            List<ProducerState.SequencedBatch> batches = new ArrayList<>();
            for (int b = 0; b < ProducerState.MAX_BATCHES; b++) {
                long sequence = 1_000_000_000L + b * 1_000L;
                batches.add(new ProducerState.SequencedBatch(sequence, sequence + 999, 5_000_000_000L + b * 1_000L));
            }
            producers.put(Long.MAX_VALUE / 2 + id * 7_919, new ProducerState(3, batches, 1_700_000_000_000L - id));
        }
        return producers;
    }

    private static IndexEntry entryWithKey(String topicId, long base, String objectKey) {
        return new IndexEntry("t", 0, topicId, base, base, objectKey, 5, 100, 1_700_000_000_000L + base, 0);
    }

    @Test
    void aHeadAsLargeAsProduceLetsItGrowRoundTrips() {
        PartitionHead full = new PartitionHead("t", 0, ID, 0, 0, 1, null,
                producers(ProduceService.MAX_PRODUCERS_PER_PARTITION))
                .append(entryWithKey(ID, 0, "wal/2026/11/26/12/" + "0".repeat(26) + ".wal"));
        assertThat(store.compareAndSetHead(0, new PartitionHead("t", 0, ID, 0, 0, 1, null))).isTrue();
        assertThat(store.compareAndSetHead(1, full)).isTrue();
        assertThat(store.getHead("t", 0)).contains(full);
    }

    @Test
    void aHeadOverDynamoDbsItemLimitIsRefusedAsDynamoDbRefusesItAndNothingChanges() {
        PartitionHead first = PartitionHead.empty("t", 0, ID, 0).append(entry(ID, 0, 4, "wal/a"));
        assertThat(store.compareAndSetHead(0, first)).isTrue();
        // about 36 bytes a producer: 12,000 producers take some 430 KB
        PartitionHead tooLarge = new PartitionHead("t", 0, ID, first.nextOffset(), 0, 2, first.last(), producers(12_000));
        assertThatThrownBy(() -> store.compareAndSetHead(1, tooLarge))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("exceeded the maximum allowed size");
                });
        assertThat(store.getHead("t", 0)).contains(first);
        assertThat(store.compareAndSetHead(1, first.append(entry(ID, 5, 5, "wal/b")))).as("version unchanged").isTrue();
    }

    @Test
    void anIndexEntryOverDynamoDbsItemLimitIsRefusedAndNothingIsStored() {
        IndexEntry huge = entryWithKey(ID, 0, "wal/" + "x".repeat(DynamoItemSize.MAX_ITEM_BYTES));
        assertThatThrownBy(() -> store.putIndexEntryIfAbsent(huge)).isInstanceOfSatisfying(DynamoDbException.class,
                e -> assertThat(e.getMessage()).contains(DynamoItemSize.ITEM_TOO_LARGE_MESSAGE));
        assertThat(store.floorEntry("t", 0, ID, 0)).isEmpty();
    }

    /** 130 entries of 10 KB each: more than one 1 MB page of a DynamoDB Query. */
    private static final int PAGE_FILLERS = 130;

    @Test
    void indexQueriesPageOnPastMoreThanAMegabyteOfAnotherIncarnationsEntries() {
        String bulky = "wal/" + "b".repeat(10_000);
        IndexEntry low = entry(ID, 0, 0, "wal/low");
        IndexEntry high = entry(ID, 10_000, 10_000, "wal/high");
        store.putIndexEntryIfAbsent(low);
        for (long base = 1; base <= PAGE_FILLERS; base++) {
            store.putIndexEntryIfAbsent(entryWithKey(OTHER_ID, base, bulky));
        }
        store.putIndexEntryIfAbsent(high);

        assertThat(store.entriesFrom("t", 0, ID, 0, 10)).containsExactly(low, high);
        assertThat(store.entriesFrom("t", 0, ID, 1, 10)).containsExactly(high);
        assertThat(store.floorEntry("t", 0, ID, 9_999)).contains(low);
        assertThat(store.entriesFrom("t", 0, OTHER_ID, 0, 1_000)).hasSize(PAGE_FILLERS);
        assertThat(store.referencedObjects()).containsExactlyInAnyOrder("wal/low", "wal/high", bulky);
    }

    @Test
    void moreThanAMegabyteOfGarbageMarksListsInFull() {
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 1_100; i++) {
            // 1,000 bytes of key each: the sort key's limit is 1,024 bytes
            String key = String.format("wal/%04d/", i) + "g".repeat(991);
            store.markGarbage(key, i);
            expected.put(key, (long) i);
        }
        assertThat(store.garbageMarks()).hasSize(1_100).containsAllEntriesOf(expected);
    }

    // ---- the producer registry ----

    @Test
    void aProducerNameIsBoundOnceAndKeepsItsFirstId() {
        assertThat(store.producerIdForName("orders-writer")).isEmpty();
        assertThat(store.bindProducerName("orders-writer", 41)).isEqualTo(41);
        assertThat(store.bindProducerName("orders-writer", 99)).as("already bound").isEqualTo(41);
        assertThat(store.producerIdForName("orders-writer")).contains(41L);
        assertThat(store.producerIdForName("orders-writer2")).isEmpty();
    }

    @Test
    void aProducerEpochMovesOnlyFromTheExpectedOne() {
        assertThat(store.producerEpoch(7)).isEmpty();
        assertThat(store.compareAndSetProducerEpoch(7, 0, 1, 1_000)).as("not initialized yet").isFalse();
        assertThat(store.compareAndSetProducerEpoch(7, -1, 0, 1_000)).isTrue();
        assertThat(store.compareAndSetProducerEpoch(7, -1, 0, 1_001)).as("already exists").isFalse();
        assertThat(store.producerEpoch(7)).contains(0L);
        assertThat(store.compareAndSetProducerEpoch(7, 0, 1, 1_002)).isTrue();
        assertThat(store.compareAndSetProducerEpoch(7, 0, 2, 1_003)).as("stale epoch").isFalse();
        assertThat(store.producerEpoch(7)).contains(1L);
        assertThat(store.producerEpoch(8)).as("another producer").isEmpty();
    }

    /** Issue 16: a name and its id keep the principal that first initialized them, through every epoch bump. */
    @Test
    void aProducersOwnerIsBoundWithItsNameAndKeptThroughEpochBumps() {
        String alice = "arn:aws:iam::123456789012:user/alice";
        String bob = "jwt:https://issuer.example.com#bob";
        assertThat(store.producerName("payments")).isEmpty();
        assertThat(store.bindProducerName("payments", 41, alice)).isEqualTo(new io.sluice.meta.ProducerName(41, alice));
        assertThat(store.bindProducerName("payments", 99, bob)).as("already bound: the first owner stays")
                .isEqualTo(new io.sluice.meta.ProducerName(41, alice));
        assertThat(store.producerName("payments")).contains(new io.sluice.meta.ProducerName(41, alice));
        assertThat(store.producerIdForName("payments")).contains(41L);

        assertThat(store.producerOwner(41)).isEmpty();
        assertThat(store.createProducer(41, alice, 1_000)).isTrue();
        assertThat(store.createProducer(41, bob, 1_001)).as("already exists: nothing changes").isFalse();
        assertThat(store.producerEpoch(41)).contains(0L);
        assertThat(store.producerOwner(41)).contains(alice);
        assertThat(store.compareAndSetProducerEpoch(41, 0, 1, 1_002)).isTrue();
        assertThat(store.compareAndSetProducerEpoch(41, 1, 2, 1_003)).isTrue();
        assertThat(store.producerEpoch(41)).contains(2L);
        assertThat(store.producerOwner(41)).as("an epoch bump keeps the owner").contains(alice);

        assertThat(store.compareAndSetProducerEpoch(42, -1, 0, 1_004)).as("made without an owner").isTrue();
        assertThat(store.producerOwner(42)).isEmpty();
        assertThat(store.bindProducerName("legacy", 43)).isEqualTo(43);
        assertThat(store.producerName("legacy")).contains(new io.sluice.meta.ProducerName(43, null));
    }

    @Test
    void aRegistryOfManyLongNamedProducersResolvesEveryOne() {
        int producers = 300;
        for (int i = 0; i < producers; i++) {
            // the longest name ProducerRegistry accepts
            String name = String.format("%04d-", i) + "p".repeat(244);
            assertThat(store.bindProducerName(name, 1_000_000L + i)).isEqualTo(1_000_000L + i);
            assertThat(store.compareAndSetProducerEpoch(1_000_000L + i, -1, i % 5, 1_000)).isTrue();
        }
        for (int i = 0; i < producers; i++) {
            String name = String.format("%04d-", i) + "p".repeat(244);
            assertThat(store.producerIdForName(name)).contains(1_000_000L + i);
            assertThat(store.producerEpoch(1_000_000L + i)).contains((long) (i % 5));
        }
    }

    // ---- compaction's and retention's index writes ----

    @Test
    void replaceIndexEntrySwapsTheObjectOnlyIfTheStoredEntryStillPointsAtTheExpectedOne() {
        IndexEntry wal = entry(ID, 0, 9, "wal/a");
        store.putIndexEntryIfAbsent(wal);
        IndexEntry segment = new IndexEntry("t", 0, ID, 0, 19, "seg/t/0/00000000000000000000.seg", 0, 4_000,
                1_700_000_000_019L, 1);
        assertThat(store.replaceIndexEntry(wal, segment)).isTrue();
        assertThat(store.floorEntry("t", 0, ID, 15)).contains(segment);
        assertThat(store.replaceIndexEntry(wal, entry(ID, 0, 9, "seg/other"))).as("no longer wal/a").isFalse();
        assertThat(store.floorEntry("t", 0, ID, 15)).contains(segment);
        assertThat(store.replaceIndexEntry(entry(ID, 50, 59, "wal/missing"), entry(ID, 50, 59, "seg/m")))
                .as("nothing stored there").isFalse();
        assertThat(store.floorEntry("t", 0, ID, 55)).contains(segment);
        assertThat(store.entriesFrom("t", 0, ID, 1, 10)).as("no entry written at 50").isEmpty();
        assertThatThrownBy(() -> store.replaceIndexEntry(segment, entry(ID, 1, 19, "seg/moved")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.replaceIndexEntry(segment, new IndexEntry("t", 0, OTHER_ID, 0, 19, "seg/x", 0, 1, 0, 1)))
                .as("a replacement of another incarnation").isFalse();
        assertThat(store.floorEntry("t", 0, ID, 15)).contains(segment);
    }

    @Test
    void deleteIndexEntryDeletesOnlyTheEntryThatStillPointsAtTheExpectedObject() {
        IndexEntry a = entry(ID, 0, 4, "wal/a");
        IndexEntry b = entry(ID, 5, 9, "wal/b");
        store.putIndexEntryIfAbsent(a);
        store.putIndexEntryIfAbsent(b);
        assertThat(store.deleteIndexEntry(entry(ID, 0, 4, "seg/not-a"))).as("another object").isFalse();
        assertThat(store.floorEntry("t", 0, ID, 0)).contains(a);
        assertThat(store.deleteIndexEntry(a)).isTrue();
        assertThat(store.deleteIndexEntry(a)).as("already gone").isFalse();
        assertThat(store.floorEntry("t", 0, ID, 4)).isEmpty();
        assertThat(store.entriesFrom("t", 0, ID, 0, 10)).containsExactly(b);
    }

    @Test
    void referencedObjectsAreEveryIndexEntrysAndEveryHeadsLastAcrossTopics() {
        assertThat(store.referencedObjects()).isEmpty();
        store.putIndexEntryIfAbsent(entry(ID, 0, 4, "wal/indexed"));
        store.putIndexEntryIfAbsent(entry(OTHER_ID, 9, 9, "wal/old-incarnation"));
        store.compareAndSetHead(0, new PartitionHead("t", 0, ID, 8, 0, 1, entry(ID, 5, 7, "wal/only-in-head")));
        store.compareAndSetHead(0, new PartitionHead("u", 3, ID, 0, 0, 1, null));
        store.compareAndSetHead(0, PartitionHead.empty("v", 1, ID, 0)
                .append(new IndexEntry("v", 1, ID, 0, 0, "seg/v/1/00000000000000000000.seg", 0, 1, 0, 1)));
        store.createTopic(topic("t", ID));
        store.markGarbage("wal/marked-not-referenced", 1);
        assertThat(store.referencedObjects()).containsExactlyInAnyOrder("wal/indexed", "wal/old-incarnation",
                "wal/only-in-head", "seg/v/1/00000000000000000000.seg");
        store.deleteIndexEntry(entry(ID, 0, 4, "wal/indexed"));
        assertThat(store.referencedObjects()).containsExactlyInAnyOrder("wal/old-incarnation",
                "wal/only-in-head", "seg/v/1/00000000000000000000.seg");
    }

    @Test
    void aGarbageMarkKeepsTheFirstSightingUntilItIsUnmarked() {
        assertThat(store.garbageMarks()).isEmpty();
        store.markGarbage("wal/a", 1_000);
        store.markGarbage("wal/b", 2_000);
        store.markGarbage("wal/a", 5_000);
        assertThat(store.garbageMarks()).containsExactlyInAnyOrderEntriesOf(Map.of("wal/a", 1_000L, "wal/b", 2_000L));
        store.unmarkGarbage("wal/a");
        store.unmarkGarbage("wal/never-marked");
        assertThat(store.garbageMarks()).containsExactlyInAnyOrderEntriesOf(Map.of("wal/b", 2_000L));
        store.markGarbage("wal/a", 9_000);
        assertThat(store.garbageMarks()).containsEntry("wal/a", 9_000L);
        assertThat(store.referencedObjects()).as("marks are not references").isEmpty();
    }

    @Test
    void getHeadsReadsMoreThanOneBatchGetOfHeads() {
        int partitions = 230;
        for (int p = 0; p < partitions; p += 2) {
            assertThat(store.compareAndSetHead(0, new PartitionHead("many", p, ID, p, 0, 1, null))).isTrue();
        }
        List<PartitionHead> heads = store.getHeads("many", partitions);
        assertThat(heads).hasSize(partitions / 2);
        for (int i = 0; i < heads.size(); i++) {
            assertThat(heads.get(i).partition()).isEqualTo(2 * i);
            assertThat(heads.get(i).nextOffset()).isEqualTo(2L * i);
        }
        assertThat(store.getHeads("many", 3)).extracting(PartitionHead::partition).containsExactly(0, 2);
    }
}
