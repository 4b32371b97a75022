package io.sluice.tests.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.Partitioner;
import io.sluice.error.ErrorCode;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.format.RecordHeader;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.PartitionState;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.meta.ProducerIdentity;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.TopicConfig;
import io.sluice.tests.support.Stores;
import io.sluice.tests.support.LogChecker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Topic administration, produce, fetch and ListOffsets; held the same over in-memory and emulated stores. */
abstract class LogServiceContract {


    private static final long T0 = 1_700_000_000_000L;

    private LogServices log;
    private MetadataStore metadata;

    protected abstract Stores newStores();

    @BeforeEach
    void setUp() {
        Stores stores = newStores();
        metadata = stores.metadata();
        log = LogServices.create(stores.objects(), metadata, stores.groups(), Clock.systemUTC());
    }

    private void create(String name, int partitions) {
        log.topics().create(new CreateTopic(name, partitions, null, null, null));
    }

    private static ProduceRecord record(String key, String value, int partition, long timestamp) {
        return new ProduceRecord(key == null ? null : key.getBytes(UTF_8), value.getBytes(UTF_8), List.of(),
                partition, timestamp);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    // ---- topics ----

    @Test
    void createListDescribeDelete() {
        create("orders", 3);
        create("audit.log-v2_x", 1);
        assertThat(log.topics().list()).extracting(TopicConfig::name).containsExactly("audit.log-v2_x", "orders");
        TopicConfig orders = log.topics().describe("orders").config();
        assertThat(orders.partitions()).isEqualTo(3);
        assertThat(orders.retentionMs()).isEqualTo(-1);
        assertThat(orders.maxRecordBytes()).isEqualTo(1 << 20);
        assertThat(log.topics().describe("orders").partitions())
                .containsExactly(new PartitionState(0, 0, 0), new PartitionState(1, 0, 0), new PartitionState(2, 0, 0));

        log.producer().produce("orders", List.of(record("a", "1", 1, T0), record("b", "2", 1, T0)));
        assertThat(log.topics().describe("orders").partitions().get(1)).isEqualTo(new PartitionState(1, 0, 2));

        log.topics().delete("orders");
        assertThat(log.topics().list()).extracting(TopicConfig::name).containsExactly("audit.log-v2_x");
        assertCode(() -> log.topics().describe("orders"), ErrorCode.UNKNOWN_TOPIC);
        assertCode(() -> log.topics().delete("orders"), ErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void topicValidation() {
        assertCode(() -> create("", 1), ErrorCode.INVALID_TOPIC_NAME);
        assertCode(() -> create("a/b", 1), ErrorCode.INVALID_TOPIC_NAME);
        assertCode(() -> create("x".repeat(250), 1), ErrorCode.INVALID_TOPIC_NAME);
        assertCode(() -> create(null, 1), ErrorCode.INVALID_TOPIC_NAME);
        assertCode(() -> create("t", 0), ErrorCode.INVALID_PARTITION_COUNT);
        assertCode(() -> create("t", 1001), ErrorCode.INVALID_PARTITION_COUNT);
        assertCode(() -> log.topics().create(new CreateTopic("t", null, null, null, null)),
                ErrorCode.INVALID_PARTITION_COUNT);
        assertCode(() -> log.topics().create(new CreateTopic("t", 1, 0L, null, null)), ErrorCode.INVALID_CONFIG);
        assertCode(() -> log.topics().create(new CreateTopic("t", 1, null, -5L, null)), ErrorCode.INVALID_CONFIG);
        assertThat(log.topics().list()).as("nothing was created").isEmpty();

        create("x".repeat(249), 1000);
        assertThat(log.topics().describe("x".repeat(249)).partitions()).hasSize(1000);
        assertCode(() -> create("x".repeat(249), 1), ErrorCode.TOPIC_EXISTS);
    }

    @Test
    void recreatedTopicStartsEmptyAndNeverSeesTheOldData() {
        create("t", 2);
        log.producer().produce("t", List.of(record("a", "old-1", 0, T0), record("a", "old-2", 0, T0)));
        log.topics().delete("t");
        create("t", 2);
        assertThat(log.fetcher().latestOffset("t", 0)).isZero();
        List<RecordOffset> offsets = log.producer().produce("t", List.of(record("a", "new", 0, T0)));
        assertThat(offsets).containsExactly(new RecordOffset(0, 0));
        FetchResult fetched = log.fetcher().fetch("t", 0, 0, 1 << 20);
        assertThat(fetched.records()).extracting(r -> new String(r.record().value(), UTF_8)).containsExactly("new");
        assertThat(fetched.highWatermark()).isEqualTo(1);
    }

    // ---- produce and fetch ----

    @Test
    void producedRecordsReadBackByteForByteAtDenseOffsets() {
        create("t", 1);
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (255 - i);
        }
        List<ProduceRecord> first = List.of(
                new ProduceRecord("k".getBytes(UTF_8), binary,
                        List.of(new RecordHeader("h", new byte[] {0, 1}), new RecordHeader("n", null)), null, T0),
                new ProduceRecord(null, new byte[0], List.of(), 0, T0 + 1));
        assertThat(log.producer().produce("t", first))
                .containsExactly(new RecordOffset(0, 0), new RecordOffset(0, 1));
        assertThat(log.producer().produce("t", List.of(record("z", "third", 0, T0 + 2))))
                .containsExactly(new RecordOffset(0, 2));

        FetchResult all = log.fetcher().fetch("t", 0, 0, 1 << 20);
        assertThat(all.records()).extracting(FetchedRecord::offset).containsExactly(0L, 1L, 2L);
        assertThat(all.records().get(0).record()).isEqualTo(new LogRecord(T0, "k".getBytes(UTF_8), binary,
                List.of(new RecordHeader("h", new byte[] {0, 1}), new RecordHeader("n", null))));
        assertThat(all.records().get(1).record().key()).isNull();
        assertThat(all.records().get(1).record().value()).isEmpty();
        assertThat(all.nextOffset()).isEqualTo(3);
        assertThat(all.highWatermark()).isEqualTo(3);
        assertThat(all.logStartOffset()).isZero();

        FetchResult fromOne = log.fetcher().fetch("t", 0, 1, 1 << 20);
        assertThat(fromOne.records()).extracting(FetchedRecord::offset).containsExactly(1L, 2L);
        assertThat(fromOne.records().get(1).record().value()).isEqualTo("third".getBytes(UTF_8));
    }

    @Test
    void serverStampsRecordsWithoutATimestamp() {
        create("t", 1);
        long before = System.currentTimeMillis();
        log.producer().produce("t", List.of(ProduceRecord.of(null, "v".getBytes(UTF_8))));
        long stamped = log.fetcher().fetch("t", 0, 0, 100).records().get(0).record().timestamp();
        assertThat(stamped).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void keysLandWhereKafkaWouldPutThemAndExplicitPartitionsWin() {
        create("t", 7);
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(ProduceRecord.of(("user-" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8)));
        }
        records.add(new ProduceRecord("user-0".getBytes(UTF_8), "pinned".getBytes(UTF_8), List.of(), 6, null));
        List<RecordOffset> offsets = log.producer().produce("t", records);
        for (int i = 0; i < 50; i++) {
            assertThat(offsets.get(i).partition())
                    .isEqualTo(Partitioner.partitionForKey(("user-" + i).getBytes(UTF_8), 7));
        }
        assertThat(offsets.get(50).partition()).isEqualTo(6);
        Map<Integer, Long> perPartition = new HashMap<>();
        for (RecordOffset at : offsets) {
            long expected = perPartition.merge(at.partition(), 1L, Long::sum) - 1;
            assertThat(at.offset()).as("dense per partition, in call order").isEqualTo(expected);
        }
    }

    @Test
    void keylessRecordsOfOneCallStayTogetherAndCallsRotate() {
        create("t", 4);
        List<Integer> partitions = new ArrayList<>();
        for (int call = 0; call < 4; call++) {
            List<RecordOffset> offsets = log.producer().produce("t", List.of(
                    ProduceRecord.of(null, "a".getBytes(UTF_8)), ProduceRecord.of(null, "b".getBytes(UTF_8))));
            assertThat(offsets.get(0).partition()).isEqualTo(offsets.get(1).partition());
            partitions.add(offsets.get(0).partition());
        }
        assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2, 3);
    }

    @Test
    void fetchStopsAtMaxBytesButAlwaysReturnsOneRecord() {
        create("t", 1);
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(record(null, "x".repeat(100), 0, T0));
        }
        log.producer().produce("t", records.subList(0, 5));
        log.producer().produce("t", records.subList(5, 10));
        assertThat(log.fetcher().fetch("t", 0, 0, 1).records()).hasSize(1);
        assertThat(log.fetcher().fetch("t", 0, 0, 350).records()).extracting(FetchedRecord::offset)
                .containsExactly(0L, 1L, 2L);
        FetchResult acrossEntries = log.fetcher().fetch("t", 0, 3, 500);
        assertThat(acrossEntries.records()).extracting(FetchedRecord::offset).containsExactly(3L, 4L, 5L, 6L, 7L);
        assertThat(acrossEntries.nextOffset()).isEqualTo(8);
        FetchResult atEnd = log.fetcher().fetch("t", 0, 10, 500);
        assertThat(atEnd.records()).isEmpty();
        assertThat(atEnd.nextOffset()).isEqualTo(10);
    }

    @Test
    void fetchSeesTheHeadsLastEntryBeforeItIsIndexed() {
        create("t", 1);
        log.producer().produce("t", List.of(record(null, "only", 0, T0)));
        String topicId = log.topics().describe("t").config().topicId();
        assertThat(metadata.floorEntry("t", 0, topicId, 0)).as("not indexed yet").isEmpty();
        assertThat(log.fetcher().fetch("t", 0, 0, 100).records()).hasSize(1);

        log.producer().produce("t", List.of(record(null, "second", 0, T0)));
        assertThat(metadata.floorEntry("t", 0, topicId, 0)).as("indexed by the next commit").isPresent();
    }

    @Test
    void outOfRangeOffsetsCarryTheBounds() {
        create("t", 2);
        log.producer().produce("t", List.of(record(null, "a", 0, T0), record(null, "b", 0, T0)));
        assertThatThrownBy(() -> log.fetcher().fetch("t", 0, 3, 100))
                .isInstanceOfSatisfying(OffsetOutOfRangeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
                    assertThat(e.logStartOffset()).isZero();
                    assertThat(e.highWatermark()).isEqualTo(2);
                    assertThat(e.details()).containsEntry("highWatermark", 2L);
                });
        assertCode(() -> log.fetcher().fetch("t", 1, 1, 100), ErrorCode.OFFSET_OUT_OF_RANGE);
        assertCode(() -> log.fetcher().fetch("t", 0, -1, 100), ErrorCode.INVALID_OFFSET);
        assertCode(() -> log.fetcher().fetch("t", 2, 0, 100), ErrorCode.UNKNOWN_PARTITION);
        assertCode(() -> log.fetcher().fetch("t", -1, 0, 100), ErrorCode.UNKNOWN_PARTITION);
        assertCode(() -> log.fetcher().fetch("nope", 0, 0, 100), ErrorCode.UNKNOWN_TOPIC);
        assertCode(() -> log.fetcher().fetch("t", 0, 0, 0), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void listOffsetsEarliestLatestAndByTimestamp() {
        create("t", 1);
        log.producer().produce("t", List.of(record(null, "a", 0, T0 + 10), record(null, "b", 0, T0 + 30)));
        log.producer().produce("t", List.of(record(null, "c", 0, T0 + 20)));
        log.producer().produce("t", List.of(record(null, "d", 0, T0 + 50), record(null, "e", 0, T0 + 40)));
        assertThat(log.fetcher().earliestOffset("t", 0)).isZero();
        assertThat(log.fetcher().latestOffset("t", 0)).isEqualTo(5);
        assertThat(log.fetcher().offsetForTimestamp("t", 0, 0)).isZero();
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 10)).isZero();
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 11)).isEqualTo(1);
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 31)).isEqualTo(3);
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 41)).isEqualTo(3);
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 50)).isEqualTo(3);
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 51)).as("none that new: the high watermark")
                .isEqualTo(5);
    }

    @Test
    void listOffsetsByTimestampWalksManyEntries() {
        create("t", 1);
        for (int i = 0; i < 250; i++) {
            log.producer().produce("t", List.of(record(null, "r" + i, 0, T0 + i)));
        }
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 123)).isEqualTo(123);
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 249)).isEqualTo(249);
        assertThat(log.fetcher().offsetForTimestamp("t", 0, T0 + 250)).isEqualTo(250);
    }

    @Test
    void badRecordsAreRefusedAndChangeNothing() {
        create("t", 2);
        log.topics().create(new CreateTopic("small", 1, null, null, 10));
        log.producer().produce("t", List.of(record(null, "kept", 0, T0)));
        Consumer<ThrowingCallable> unchanged = call -> {
            assertThatThrownBy(call).isInstanceOf(SluiceException.class);
            assertThat(log.fetcher().latestOffset("t", 0)).isEqualTo(1);
            assertThat(log.fetcher().latestOffset("t", 1)).isZero();
        };
        assertCode(() -> log.producer().produce("t", List.of()), ErrorCode.INVALID_RECORD);
        unchanged.accept(() -> log.producer().produce("t", List.of()));
        assertCode(() -> log.producer().produce("t",
                List.of(record(null, "ok", 0, T0), new ProduceRecord(null, null, null, 0, null))), ErrorCode.INVALID_RECORD);
        unchanged.accept(() -> log.producer().produce("t",
                List.of(record(null, "ok", 0, T0), new ProduceRecord(null, null, null, 0, null))));
        assertCode(() -> log.producer().produce("t", List.of(record(null, "ok", 5, T0))), ErrorCode.UNKNOWN_PARTITION);
        unchanged.accept(() -> log.producer().produce("t", List.of(record(null, "ok", 1, T0), record(null, "x", 5, T0))));
        assertCode(() -> log.producer().produce("t", List.of(record(null, "neg", 0, -5))), ErrorCode.INVALID_RECORD);
        assertCode(() -> log.producer().produce("small", List.of(record(null, "x".repeat(11), 0, T0))),
                ErrorCode.RECORD_TOO_LARGE);
        assertThat(log.fetcher().latestOffset("small", 0)).isZero();
        assertCode(() -> log.producer().produce("nope", List.of(record(null, "x", 0, T0))), ErrorCode.UNKNOWN_TOPIC);
        assertCode(() -> log.producer().produce("bad/name", List.of(record(null, "x", 0, T0))),
                ErrorCode.INVALID_TOPIC_NAME);
    }

    @Test
    void aCallOverManyPartitionsCommitsEachAndTheCheckerFindsNothingWrong() {
        create("t", 5);
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int call = 0; call < 6; call++) {
            List<ProduceRecord> records = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                records.add(record("k" + call + "-" + i, "v" + call + "-" + i, i % 5, T0 + i));
            }
            List<RecordOffset> offsets = log.producer().produce("t", records);
            for (int i = 0; i < records.size(); i++) {
                ProduceRecord r = records.get(i);
                acked.put(offsets.get(i), new LogRecord(r.timestamp(), r.key(), r.value(), r.headers()));
            }
        }
        assertThat(new LogChecker(log.fetcher(), metadata).check("t", 5, acked)).isEmpty();
        assertThat(acked).hasSize(72);
    }

    // ---- idempotent producer ----

    private static ProduceService.Idempotence idem(ProducerIdentity id, Map<Integer, Long> sequences) {
        return new ProduceService.Idempotence(id.producerId(), id.producerEpoch(), sequences);
    }

    @Test
    void initBumpsTheEpochOfANamedProducerAndUnnamedOnesGetFreshIds() {
        ProducerIdentity first = log.producers().init("billing");
        ProducerIdentity second = log.producers().init("billing");
        assertThat(second.producerId()).isEqualTo(first.producerId());
        assertThat(second.producerEpoch()).isEqualTo(first.producerEpoch() + 1);
        assertThat(log.producers().init(null).producerId()).isNotEqualTo(log.producers().init(null).producerId());
        assertCode(() -> log.producers().init("bad name"), ErrorCode.INVALID_REQUEST);
    }

    /** KIP-360: a producer restarts its sequences under a new epoch of its own id, named or not. */
    @Test
    void anEpochBumpKeepsTheIdFencesTheOldEpochAndRestartsSequences() {
        create("t", 1);
        ProducerIdentity unnamed = log.producers().init(null);
        log.producer().produce("t", List.of(record("k", "a", 0, T0)), idem(unnamed, Map.of(0, 0L)));
        ProducerIdentity bumped = log.producers().bumpEpoch(null, unnamed.producerId(), unnamed.producerEpoch());
        assertThat(bumped).isEqualTo(new ProducerIdentity(unnamed.producerId(), unnamed.producerEpoch() + 1));
        assertThat(log.producer().produce("t", List.of(record("k", "b", 0, T0)), idem(bumped, Map.of(0, 0L))))
                .as("sequence 0 again under the new epoch is a new batch").containsExactly(new RecordOffset(0, 1));
        assertCode(() -> log.producer().produce("t", List.of(record("k", "x", 0, T0)), idem(unnamed, Map.of(0, 1L))),
                ErrorCode.FENCED);
        assertCode(() -> log.producers().bumpEpoch(null, unnamed.producerId(), unnamed.producerEpoch()),
                ErrorCode.FENCED);
        assertCode(() -> log.producers().bumpEpoch(null, 424242L, 0), ErrorCode.UNKNOWN_PRODUCER);
        ProducerIdentity named = log.producers().init("kip360");
        assertThat(log.producers().bumpEpoch("kip360", named.producerId(), named.producerEpoch()).producerEpoch())
                .isEqualTo(named.producerEpoch() + 1);
        assertCode(() -> log.producers().bumpEpoch("other-name", named.producerId(), named.producerEpoch() + 1),
                ErrorCode.INVALID_REQUEST);
    }

    @Test
    void aRetriedProduceReturnsTheSameOffsetsAndTheRecordIsInTheLogOnce() {
        create("t", 2);
        ProducerIdentity id = log.producers().init("p1");
        List<ProduceRecord> batch = List.of(record("k", "a", 0, T0), record("k", "b", 0, T0), record("k", "c", 1, T0));
        List<RecordOffset> first = log.producer().produce("t", batch, idem(id, Map.of(0, 0L, 1, 0L)));
        List<RecordOffset> retry = log.producer().produce("t", batch, idem(id, Map.of(0, 0L, 1, 0L)));
        assertThat(retry).isEqualTo(first);
        assertThat(log.fetcher().latestOffset("t", 0)).isEqualTo(2);
        assertThat(log.fetcher().latestOffset("t", 1)).isEqualTo(1);

        List<RecordOffset> next = log.producer().produce("t", List.of(record("k", "d", 0, T0)),
                idem(id, Map.of(0, 2L)));
        assertThat(next).containsExactly(new RecordOffset(0, 2));
        assertThat(log.producer().produce("t", batch, idem(id, Map.of(0, 0L, 1, 0L))))
                .as("an older batch still in the window").isEqualTo(first);
    }

    /**
     * Issue 22, problem 1 on the server: dedupe matched on sequences alone, so a different batch reusing a
     * remembered batch's sequences was answered with the old offsets and never written. Each remembered
     * batch now carries a checksum of its records, and such a batch is refused with INVALID_SEQUENCE.
     */
    @Test
    void problem1_aDifferentBatchWithTheSequencesOfARememberedOneIsRefusedNotAnsweredWithItsOffsets() {
        create("t", 2);
        ProducerIdentity id = log.producers().init("checksums");
        List<ProduceRecord> a = List.of(record("k", "a", 0, T0), record("k", "a1", 1, T0));
        List<RecordOffset> first = log.producer().produce("t", a, idem(id, Map.of(0, 0L, 1, 0L)));
        assertCode(() -> log.producer().produce("t", List.of(record("k", "b", 0, T0)), idem(id, Map.of(0, 0L))),
                ErrorCode.INVALID_SEQUENCE);
        assertCode(() -> log.producer().produce("t", List.of(record("k", "a", 0, T0 + 1), record("k", "a1", 1, T0)),
                idem(id, Map.of(0, 0L, 1, 0L))), ErrorCode.INVALID_SEQUENCE);
        assertCode(() -> log.producer().produce("t", List.of(record("k", "a", 0, T0), record("k", "c", 1, T0)),
                idem(id, Map.of(0, 0L, 1, 0L))), ErrorCode.INVALID_SEQUENCE);
        assertThat(log.fetcher().latestOffset("t", 0)).as("nothing written").isEqualTo(1);
        assertThat(log.fetcher().latestOffset("t", 1)).isEqualTo(1);
        assertThat(log.producer().produce("t", a, idem(id, Map.of(0, 0L, 1, 0L)))).as("a true retry still dedupes")
                .isEqualTo(first);
    }

    @Test
    void gapsStaleEpochsAndUnknownProducersAreRefusedAndChangeNothing() {
        create("t", 1);
        ProducerIdentity old = log.producers().init("p2");
        log.producer().produce("t", List.of(record("k", "a", 0, T0)), idem(old, Map.of(0, 0L)));
        assertCode(() -> log.producer().produce("t", List.of(record("k", "x", 0, T0)), idem(old, Map.of(0, 5L))),
                ErrorCode.OUT_OF_ORDER_SEQUENCE);
        ProducerIdentity current = log.producers().init("p2");
        assertCode(() -> log.producer().produce("t", List.of(record("k", "x", 0, T0)), idem(old, Map.of(0, 1L))),
                ErrorCode.FENCED);
        assertCode(() -> log.producer().produce("t", List.of(record("k", "x", 0, T0)), idem(current, Map.of(0, 1L))),
                ErrorCode.OUT_OF_ORDER_SEQUENCE);
        assertCode(() -> log.producer().produce("t", List.of(record("k", "x", 0, T0)),
                new ProduceService.Idempotence(424242L, 0, Map.of(0, 0L))), ErrorCode.UNKNOWN_PRODUCER);
        assertCode(() -> log.producer().produce("t", List.of(ProduceRecord.of(null, "v".getBytes(UTF_8))),
                idem(current, Map.of(0, 0L))), ErrorCode.INVALID_RECORD);
        assertCode(() -> log.producer().produce("t", List.of(record("k", "x", 0, T0)), idem(current, Map.of(1, 0L))),
                ErrorCode.INVALID_REQUEST);
        assertThat(log.fetcher().latestOffset("t", 0)).as("nothing was appended").isEqualTo(1);
        assertThat(log.producer().produce("t", List.of(record("k", "y", 0, T0)), idem(current, Map.of(0, 0L))))
                .containsExactly(new RecordOffset(0, 1));
    }

    // ---- long poll ----

    @Test
    void aWaitingFetchReturnsAsSoonAsRecordsArrive() throws Exception {
        create("t", 1);
        java.util.concurrent.CompletableFuture<FetchResult> waiting = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> log.fetcher().fetch("t", 0, 0, 1 << 20, 100, 15_000));
        Thread.sleep(300);
        assertThat(waiting).as("nothing to return yet").isNotDone();
        log.producer().produce("t", List.of(record(null, "late", 0, T0)));
        FetchResult result = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.records()).extracting(r -> new String(r.record().value(), UTF_8)).containsExactly("late");
        assertCode(() -> log.fetcher().fetch("t", 0, 0, 100, 100, 20_001), ErrorCode.INVALID_REQUEST);
        FetchResult nothing = log.fetcher().fetch("t", 0, 1, 100, 100, 150);
        assertThat(nothing.records()).isEmpty();
        assertThat(nothing.highWatermark()).isEqualTo(1);
    }
}
