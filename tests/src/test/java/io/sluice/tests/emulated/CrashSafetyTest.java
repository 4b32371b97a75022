package io.sluice.tests.emulated;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.format.LogRecord;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.meta.ProducerIdentity;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.metrics.Metrics;
import io.sluice.tests.support.FaultInjector;
import io.sluice.tests.support.FaultPoint;
import io.sluice.tests.support.Faults;
import io.sluice.tests.support.FaultyMetadataStore;
import io.sluice.tests.support.FaultyObjectStore;
import io.sluice.tests.support.LogChecker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A crash is injected before and after each step of a produce call (the S3 PUT, the index write of the
 * previous entry, the head update), for the first and for the second partition the call commits. Every
 * combination runs; none is sampled. After each crash a new service instance (a fresh Lambda) retries
 * the call and more calls follow; then the whole log is checked.
 *
 * <p>Each case runs twice: with a commit pool of one thread (the partitions committed one after another,
 * whose outcome is fully determined) and with partitions committed concurrently. A crash then kills the
 * whole instance, as it would a Lambda: every store call of any of its threads fails from that moment. What
 * the crashed call committed depends on which partition got there first, so it is read from the heads,
 * bounded by what the protocol allows at that point, and the log must hold exactly that plus the
 * acknowledged records.
 */
@ExtendWith(EmbeddedBackends.class)
class CrashSafetyTest {

    private static final String TOPIC = "crashy";
    private static final int PARTITIONS = 2;
    private static final int RECORDS_PER_PARTITION = 2;

    static Stream<Arguments> everyFaultPoint() {
        List<Arguments> cases = new ArrayList<>();
        for (int threads : new int[] {1, PARTITIONS}) {
            for (FaultPoint point : FaultPoint.COMMIT_STEPS) {
                boolean once = point == FaultPoint.BEFORE_OBJECT_PUT || point == FaultPoint.AFTER_OBJECT_PUT;
                cases.add(Arguments.of(point, 1, threads));
                if (!once) {
                    cases.add(Arguments.of(point, 2, threads));
                }
            }
        }
        return cases.stream();
    }

    /**
     * The injector of a crashed instance: after the armed fault fires, every later step of any thread fails
     * too, until {@link #restart()}, as when the process itself dies.
     */
    private static final class Dying implements FaultInjector {
        private final Faults faults;
        private volatile FaultPoint diedAt;

        Dying(Faults faults) {
            this.faults = faults;
        }

        @Override
        public void reached(FaultPoint point) {
            FaultPoint died = diedAt;
            if (died != null) {
                throw new Faults.InjectedCrash(died);
            }
            try {
                faults.reached(point);
            } catch (Faults.InjectedCrash e) {
                diedAt = point;
                throw e;
            }
        }

        void restart() {
            diedAt = null;
        }
    }

    /**
     * Real stores behind fault-injecting decorators; each {@link #instance} is a fresh service, as a new
     * Lambda, whose commit pool has {@code threads} threads.
     */
    private record Faulty(Backends.Stack stack, Faults faults, Dying dying, FaultyObjectStore objects,
                          FaultyMetadataStore metadata, int threads) {
        Faulty(Backends.Stack stack, int threads) {
            this(stack, new Faults(), threads);
        }

        private Faulty(Backends.Stack stack, Faults faults, int threads) {
            this(stack, faults, new Dying(faults), threads);
        }

        private Faulty(Backends.Stack stack, Faults faults, Dying dying, int threads) {
            this(stack, faults, dying, new FaultyObjectStore(stack.objects(), dying),
                    new FaultyMetadataStore(stack.metadata(), dying), threads);
        }

        LogServices instance() {
            dying.restart();
            return LogServices.create(objects, metadata, stack.groups(), Clock.systemUTC(), Backoff.NONE,
                    Metrics.NOOP, ProduceService.newPool(threads));
        }

        /** Per partition, records in the log now, read past the faults. */
        long[] partitionSizes() {
            long[] sizes = new long[PARTITIONS];
            for (int p = 0; p < PARTITIONS; p++) {
                sizes[p] = stack.metadata().getHead(TOPIC, p).orElseThrow().nextOffset();
            }
            return sizes;
        }
    }

    /**
     * What the crashed call committed, read from the heads: whole batches only, and within what the
     * protocol allows at the crash point (exactly {@link #committedBeforeCrash} when sequential).
     */
    private static long committedByCrashedCall(Faulty faulty, long[] before, FaultPoint point, int occurrence) {
        long[] after = faulty.partitionSizes();
        long committed = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            long grew = after[p] - before[p];
            assertThat(grew).as("partition " + p + " holds the crashed call's batch whole or not at all")
                    .isIn(0L, (long) RECORDS_PER_PARTITION);
            committed += grew;
        }
        long least = committedBeforeCrash(point, occurrence);
        long most = faulty.threads() == 1 ? least : mostCommittedConcurrently(point, occurrence);
        assertThat(committed).as("records the call crashed at " + point + " #" + occurrence + " committed")
                .isBetween(least, most);
        return committed;
    }

    private static List<ProduceRecord> call(int n) {
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(new ProduceRecord(("c" + n).getBytes(UTF_8), ("call" + n + "-" + i).getBytes(UTF_8),
                    List.of(), i % PARTITIONS, 1_700_000_000_000L + n));
        }
        return records;
    }

    @ParameterizedTest(name = "{0}, occurrence {1}, {2} commit threads")
    @MethodSource("everyFaultPoint")
    void noAcknowledgedRecordIsLostAndTheLogStaysDense(FaultPoint point, int occurrence, int threads,
                                                       Backends backends) {
        Faulty faulty = new Faulty(backends.fresh(), threads);
        Backends.Stack stack = faulty.stack();
        Faults faults = faulty.faults();
        LogServices first = faulty.instance();
        first.topics().create(new CreateTopic(TOPIC, PARTITIONS, null, null, null));

        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        produce(first, call(1), acked);
        produce(first, call(2), acked);

        long[] before = faulty.partitionSizes();
        faults.arm(point, occurrence);
        assertThatThrownBy(() -> first.producer().produce(TOPIC, call(3)))
                .isInstanceOf(Faults.InjectedCrash.class)
                .hasMessageContaining(point.name());
        assertThat(faults.fired()).isEqualTo(1);
        long committedByCrashedCall = committedByCrashedCall(faulty, before, point, occurrence);

        LogServices restarted = faulty.instance();
        produce(restarted, call(3), acked);
        produce(restarted, call(4), acked);

        LogChecker checker = new LogChecker(restarted.fetcher(), stack.metadata());
        assertThat(checker.check(TOPIC, PARTITIONS, acked)).as("violations after a crash at " + point).isEmpty();

        long logSize = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            logSize += restarted.fetcher().latestOffset(TOPIC, p);
        }
        assertThat(logSize).as("acknowledged records plus what the crashed call committed")
                .isEqualTo(acked.size() + committedByCrashedCall);
    }

    /**
     * The most a call crashed at {@code point} can have committed when its partitions commit at once and the
     * crash kills every thread: the partition that did not crash may have passed its head update first. A
     * crash before any head update (the PUT, or reading and indexing the heads, which all finish before any
     * partition commits) still commits nothing.
     */
    private static long mostCommittedConcurrently(FaultPoint point, int occurrence) {
        if (occurrence == 1 && point == FaultPoint.BEFORE_HEAD_UPDATE) {
            return RECORDS_PER_PARTITION;
        }
        if (occurrence == 1 && point == FaultPoint.AFTER_HEAD_UPDATE) {
            return 2L * RECORDS_PER_PARTITION;
        }
        return committedBeforeCrash(point, occurrence);
    }

    /**
     * Records the crashed call committed before its caller saw the crash: none before a head update
     * succeeds (every partition's head is read and its last entry indexed before any head update);
     * after the first partition's head update, that partition's two records; after the second's, all
     * four. Without an idempotent producer the retry appends them again.
     */
    private static long committedBeforeCrash(FaultPoint point, int occurrence) {
        if (point == FaultPoint.AFTER_HEAD_UPDATE) {
            return 2L * occurrence;
        }
        if (occurrence == 2 && point == FaultPoint.BEFORE_HEAD_UPDATE) {
            return 2;
        }
        return 0;
    }

    private static void produce(LogServices log, List<ProduceRecord> records, Map<RecordOffset, LogRecord> acked) {
        produce(log, records, acked, null);
    }

    /**
     * With an idempotent producer the retry after a crash at any point, even after the head update,
     * appends nothing twice: the log holds exactly the acknowledged records.
     */
    @ParameterizedTest(name = "idempotent, {0}, occurrence {1}, {2} commit threads")
    @MethodSource("everyFaultPoint")
    void anIdempotentRetryLeavesExactlyTheAcknowledgedRecords(FaultPoint point, int occurrence, int threads,
                                                              Backends backends) {
        Faulty faulty = new Faulty(backends.fresh(), threads);
        Backends.Stack stack = faulty.stack();
        Faults faults = faulty.faults();
        LogServices first = faulty.instance();
        first.topics().create(new CreateTopic(TOPIC, PARTITIONS, null, null, null));
        ProducerIdentity id = first.producers().init("crash-test");

        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        for (int n = 1; n <= 2; n++) {
            produce(first, call(n), acked, idempotence(id, n));
        }
        faults.arm(point, occurrence);
        long[] before = faulty.partitionSizes();
        assertThatThrownBy(() -> first.producer().produce(TOPIC, call(3), idempotence(id, 3)))
                .isInstanceOf(Faults.InjectedCrash.class);
        committedByCrashedCall(faulty, before, point, occurrence);

        LogServices restarted = faulty.instance();
        produce(restarted, call(3), acked, idempotence(id, 3));
        produce(restarted, call(4), acked, idempotence(id, 4));

        assertThat(new LogChecker(restarted.fetcher(), stack.metadata()).check(TOPIC, PARTITIONS, acked)).isEmpty();
        long logSize = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            logSize += restarted.fetcher().latestOffset(TOPIC, p);
        }
        assertThat(logSize).as("exactly the acknowledged records, nothing twice").isEqualTo(acked.size());
    }

    /**
     * The steps of a lately contended commit's retry, with the occurrence of each in the crashed call: its
     * first attempt read the head, indexed its last entry (index write #1) and lost its head update (#1) to
     * a rival; the retry defers the index put to the head check, which finds the rival's entry indexed or
     * not ({@code indexedByRival}): then it puts it (#2) and checks the head again; then the head update (#2).
     */
    static Stream<Arguments> everyContendedStep() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean indexedByRival : new boolean[] {false, true}) {
            cases.add(Arguments.of(FaultPoint.BEFORE_INDEX_CHECK, 1, indexedByRival));
            if (!indexedByRival) {
                cases.add(Arguments.of(FaultPoint.BEFORE_INDEX_WRITE, 2, false));
                cases.add(Arguments.of(FaultPoint.AFTER_INDEX_WRITE, 2, false));
            }
            cases.add(Arguments.of(FaultPoint.BEFORE_HEAD_UPDATE, 2, indexedByRival));
            cases.add(Arguments.of(FaultPoint.AFTER_HEAD_UPDATE, 1, indexedByRival));
        }
        return cases.stream();
    }

    /**
     * A crash at each step of the retry of a commit that lost a race (issue 17, section 5): the instance
     * then defers its index put to the head check right before its head update. A rival instance commits
     * between the first attempt's head read and its head update, so that update fails for real; a crash
     * is injected at each step of the retry. A fresh instance retries the call, more calls follow, and the
     * whole log holds every acknowledged record once, dense, plus the crashed call's batch only if its head
     * update succeeded.
     */
    @ParameterizedTest(name = "contended retry, {0}, occurrence {1}, rival's entry indexed {2}")
    @MethodSource("everyContendedStep")
    void aContendedRetryCrashedAtAnyStepLosesNothing(FaultPoint point, int occurrence, boolean indexedByRival,
                                                     Backends backends) {
        Faulty faulty = new Faulty(backends.fresh(), 1);
        Backends.Stack stack = faulty.stack();
        LogServices rival = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC(),
                Backoff.NONE, Metrics.NOOP, ProduceService.newPool(1));
        rival.topics().create(new CreateTopic(TOPIC, PARTITIONS, null, null, null));
        Map<RecordOffset, LogRecord> acked = new HashMap<>();
        produce(rival, onePartition(1), acked);

        java.util.concurrent.atomic.AtomicBoolean raced = new java.util.concurrent.atomic.AtomicBoolean();
        io.sluice.meta.MetadataStore racing = new io.sluice.tests.support.ForwardingMetadataStore(faulty.metadata()) {
            @Override
            public boolean compareAndSetHead(long expectedVersion, io.sluice.meta.PartitionHead next) {
                if (raced.compareAndSet(false, true)) {
                    produce(rival, onePartition(2), acked);
                    if (indexedByRival) {
                        stack.metadata().putIndexEntryIfAbsent(stack.metadata().getHead(TOPIC, 0).orElseThrow().last());
                    }
                }
                return delegate.compareAndSetHead(expectedVersion, next);
            }
        };
        LogServices contended = LogServices.create(faulty.objects(), racing, stack.groups(), Clock.systemUTC(),
                Backoff.NONE, Metrics.NOOP, ProduceService.newPool(1));

        long before = stack.metadata().getHead(TOPIC, 0).orElseThrow().nextOffset();
        faulty.faults().arm(point, occurrence);
        assertThatThrownBy(() -> contended.producer().produce(TOPIC, onePartition(3)))
                .isInstanceOf(Faults.InjectedCrash.class)
                .hasMessageContaining(point.name());
        assertThat(raced).as("the rival committed in between").isTrue();
        assertThat(faulty.faults().fired()).isEqualTo(1);
        long committed = stack.metadata().getHead(TOPIC, 0).orElseThrow().nextOffset() - before - RECORDS_PER_PARTITION;
        assertThat(committed).as("the crashed call's batch, committed only once its head update succeeded")
                .isEqualTo(point == FaultPoint.AFTER_HEAD_UPDATE ? RECORDS_PER_PARTITION : 0L);

        LogServices restarted = faulty.instance();
        produce(restarted, onePartition(3), acked);
        produce(restarted, onePartition(4), acked);
        LogChecker checker = new LogChecker(restarted.fetcher(), stack.metadata());
        assertThat(checker.check(TOPIC, PARTITIONS, acked)).as("violations after a crash at " + point).isEmpty();
        assertThat(restarted.fetcher().latestOffset(TOPIC, 0)).as("acknowledged records plus the crashed call's")
                .isEqualTo(acked.size() + committed);
    }

    /** Call n puts two records in partition 0. */
    private static List<ProduceRecord> onePartition(int n) {
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
            records.add(new ProduceRecord(("c" + n).getBytes(UTF_8), ("call" + n + "-" + i).getBytes(UTF_8),
                    List.of(), 0, 1_700_000_000_000L + n));
        }
        return records;
    }

    /** Call n puts two records in each partition: sequences 2(n-1) and 2(n-1)+1. */
    private static ProduceService.Idempotence idempotence(ProducerIdentity id, int n) {
        long base = 2L * (n - 1);
        return new ProduceService.Idempotence(id.producerId(), id.producerEpoch(), Map.of(0, base, 1, base));
    }

    private static void produce(LogServices log, List<ProduceRecord> records, Map<RecordOffset, LogRecord> acked,
                                ProduceService.Idempotence idempotence) {
        List<RecordOffset> offsets = log.producer().produce(TOPIC, records, idempotence);
        for (int i = 0; i < records.size(); i++) {
            ProduceRecord r = records.get(i);
            acked.put(offsets.get(i), new LogRecord(r.timestamp(), r.key(), r.value(), r.headers()));
        }
    }
}
