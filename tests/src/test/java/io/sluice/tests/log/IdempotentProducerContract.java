package io.sluice.tests.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.ProducerIdentity;
import io.sluice.tests.support.Stores;
import io.sluice.tests.support.MutableClock;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idempotent producer's state in partition heads under many producers and skewed clocks: a retry is
 * never appended twice while its producer is inside the dedupe window, a new producer is refused rather
 * than evicting one that is, and each Lambda's clock is its own. Held the same over in-memory and
 * emulated stores.
 */
abstract class IdempotentProducerContract {


    protected static final long T0 = 1_700_000_000_000L;
    protected static final long MINUTE = 60_000;
    protected static final long HOUR = 60 * MINUTE;
    /**
     * The records' timestamp: before every writer's clock here. Timestamps play no part in deduplication,
     * and one ahead of a slow writer's clock by more than the topic's maxTimestampSkewMs would be refused.
     */
    private static final long RECORD_TIME = T0 - 4 * HOUR;
    private static final int MAX = ProduceService.MAX_PRODUCERS_PER_PARTITION;
    private static final long WINDOW = ProduceService.PRODUCER_DEDUPE_WINDOW_MS;

    private Stores stores;
    /** The clock of the Lambda most calls run on; others are made with {@link #lambdaAt}. */
    protected final MutableClock clock = new MutableClock(T0);
    /** Services on {@link #clock}. */
    protected LogServices log;

    protected abstract Stores newStores();

    @BeforeEach
    void setUp() {
        stores = newStores();
        log = lambda(clock);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
    }

    /** Services over the same stores in another Lambda, whose clock reads {@code clock}. */
    private LogServices lambda(Clock clock) {
        return LogServices.create(stores.objects(), stores.metadata(), stores.groups(), clock);
    }

    private LogServices lambdaAt(long millis) {
        return lambda(new MutableClock(millis));
    }

    protected ProducerIdentity init(String name) {
        return log.producers().init(name);
    }

    protected static List<RecordOffset> produce(LogServices on, ProducerIdentity id, long sequence, String value) {
        return produce(on, "t", id, Map.of(0, sequence), value);
    }

    /** One record of {@code value} to each partition of {@code sequences}, at that sequence. */
    private static List<RecordOffset> produce(LogServices on, String topic, ProducerIdentity id,
                                              Map<Integer, Long> sequences, String value) {
        List<ProduceRecord> records = new ArrayList<>();
        sequences.keySet().stream().sorted().forEach(p ->
                records.add(new ProduceRecord(null, value.getBytes(UTF_8), List.of(), p, RECORD_TIME)));
        return on.producer().produce(topic, records,
                new ProduceService.Idempotence(id.producerId(), id.producerEpoch(), sequences));
    }

    protected PartitionHead head() {
        return stores.metadata().getHead("t", 0).orElseThrow();
    }

    private List<String> values(String topic, int partition) {
        return log.fetcher().fetch(topic, partition, 0, 1 << 20, 10_000).records().stream()
                .map(r -> new String(r.record().value(), UTF_8)).toList();
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    private static void assertTooManyProducers(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PRODUCERS);
            assertThat(e.getMessage()).as("names the limit").contains(MAX + " producers (the limit)");
            assertThat(e.details()).containsEntry("maxProducers", MAX).containsKey("retryAfterMs");
        });
    }

    @Test
    void aRetryOfAFirstBatchIsNotAppendedAgainAfterFiftyOtherProducersWrote() {
        ProducerIdentity first = init("first");
        List<RecordOffset> acknowledged = produce(log, first, 0, "first-0"); // and the answer is lost
        for (int i = 0; i < MAX - 1; i++) {
            produce(log, init("other-" + i), 0, "other");
        }
        PartitionHead full = head();
        assertTooManyProducers(() -> produce(log, init("other-" + (MAX - 1)), 0, "refused"));
        assertThat(head()).as("a refused produce changes nothing").isEqualTo(full);

        assertThat(produce(log, first, 0, "first-0")).as("the retry answers the original offsets")
                .isEqualTo(acknowledged);
        assertThat(values("t", 0)).filteredOn("first-0"::equals).as("the batch is in the log once").hasSize(1);
        assertThat(values("t", 0)).doesNotContain("refused").hasSize(MAX);
    }

    @Test
    void aProducerIdlePastTheDedupeWindowMakesRoomForANewOne() {
        ProducerIdentity first = init("first");
        produce(log, first, 0, "0");
        clock.advance(MINUTE);
        for (int i = 0; i < MAX - 1; i++) {
            produce(log, init("other-" + i), 0, "x");
        }
        clock.advance(WINDOW);
        ProducerIdentity late = init("late");
        produce(log, late, 0, "late");
        assertThat(head().producers()).as("the least recently written is evicted, and only it")
                .hasSize(MAX).containsKey(late.producerId()).doesNotContainKey(first.producerId());
        assertCode(() -> produce(log, first, 1, "1"), ErrorCode.UNKNOWN_PRODUCER);
    }

    @Test
    void aStateIdleForMoreThanADayIsDropped() {
        ProducerIdentity first = init("first");
        produce(log, first, 0, "0");
        clock.advance(ProduceService.PRODUCER_STATE_TTL_MS + 1);
        ProducerIdentity next = init("next");
        produce(log, next, 0, "next");
        assertThat(head().producers()).containsOnlyKeys(next.producerId());
        assertCode(() -> produce(log, first, 1, "1"), ErrorCode.UNKNOWN_PRODUCER);
    }

    @Test
    void aWriterWithASlowClockDoesNotEvictItsOwnState() {
        ProducerIdentity stale = init("stale");
        produce(lambdaAt(T0 - 2 * HOUR), stale, 0, "stale");
        for (int i = 0; i < MAX - 1; i++) {
            produce(log, init("other-" + i), 0, "other");
        }
        LogServices slowLambda = lambdaAt(T0 - 3 * HOUR);
        ProducerIdentity slow = init("slow");
        List<RecordOffset> acknowledged = produce(slowLambda, slow, 0, "slow-0");

        assertThat(head().producers()).as("the slow writer keeps its state; the one idle past the window goes")
                .hasSize(MAX).containsKey(slow.producerId()).doesNotContainKey(stale.producerId());
        assertThat(produce(slowLambda, slow, 0, "slow-0")).isEqualTo(acknowledged);
        assertThat(values("t", 0)).filteredOn("slow-0"::equals).hasSize(1);
    }

    @Test
    void aWriteFromASlowClockDoesNotAgeTheWritersState() {
        ProducerIdentity slow = init("slow");
        produce(log, slow, 0, "s-0");
        clock.advance(50 * MINUTE);
        for (int i = 0; i < MAX - 1; i++) {
            produce(log, init("other-" + i), 0, "other");
        }
        // the same producer, now on a Lambda whose clock is 45 minutes behind
        List<RecordOffset> acknowledged = produce(lambdaAt(T0 + 5 * MINUTE), slow, 1, "s-1");
        clock.advance(20 * MINUTE);
        assertTooManyProducers(() -> produce(log, init("newcomer"), 0, "refused"));
        assertThat(produce(log, slow, 1, "s-1")).as("the retry of the slow write is deduplicated")
                .isEqualTo(acknowledged);
        assertThat(values("t", 0)).filteredOn("s-1"::equals).hasSize(1);
    }

    @Test
    void aCallRefusedOnOnePartitionWritesNoneOfItsOtherPartitions() {
        log.topics().create(new CreateTopic("two", 2, null, null, null));
        for (int i = 0; i < MAX; i++) {
            produce(log, "two", init("p1-" + i), Map.of(1, 0L), "x");
        }
        ProducerIdentity both = init("both");
        assertTooManyProducers(() -> produce(log, "two", both, Map.of(0, 0L, 1, 0L), "refused"));
        assertThat(values("two", 0)).as("partition 0 of the refused call").isEmpty();

        ProducerIdentity gap = init("gap");
        produce(log, "two", gap, Map.of(0, 0L), "g-0");
        assertCode(() -> produce(log, "two", gap, Map.of(0, 1L, 1, 7L), "refused"), ErrorCode.UNKNOWN_PRODUCER);
        assertCode(() -> produce(log, "two", gap, Map.of(1, 0L, 0, 5L), "refused"), ErrorCode.OUT_OF_ORDER_SEQUENCE);
        assertThat(values("two", 0)).containsExactly("g-0");
        assertThat(values("two", 1)).doesNotContain("refused");
    }
}
