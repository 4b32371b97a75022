package io.sluice.tests.emulated;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.LogServices;
import io.sluice.format.LogRecord;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.metrics.Metrics;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.ForwardingMetadataStore;
import io.sluice.tests.support.LogChecker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17, section 5: losers of a commit race no longer each put the head's last entry in the index, where
 * every put but the first is a failed conditional write. Two instances (two Lambda containers) that lost a
 * race before, so defer their index put to the check before the head update, read the same head at once;
 * hooks force the interleaving in which the old protocol wastes a put: B checks after A indexed the entry
 * and before A updates the head. B must find the entry indexed and put nothing; then both race their head
 * updates for real. Counted at the store: no index put fails, B makes none in that attempt, and the whole
 * log holds every acknowledged record once, dense, each instance's records in the order it sent them.
 */
@ExtendWith(EmbeddedBackends.class)
class ContendedIndexingTest {

    private static final String TOPIC = "hot";
    private static final long WAIT_SECONDS = 60;

    /** The store as the instances see it: index puts counted, and per-thread hooks before each step. */
    private static final class Hooked extends ForwardingMetadataStore {
        final AtomicInteger failedPuts = new AtomicInteger();
        final Map<Thread, AtomicInteger> putsByThread = new ConcurrentHashMap<>();
        final Map<Thread, AtomicInteger> checksByThread = new ConcurrentHashMap<>();
        final Map<Thread, AtomicInteger> headUpdatesByThread = new ConcurrentHashMap<>();
        final Map<Thread, AtomicInteger> headReadsByThread = new ConcurrentHashMap<>();
        final Map<Thread, Runnable> beforePut = new ConcurrentHashMap<>();
        final Map<Thread, Runnable> beforeCheck = new ConcurrentHashMap<>();
        final Map<Thread, Runnable> afterPut = new ConcurrentHashMap<>();
        final Map<Thread, Runnable> beforeHeadUpdate = new ConcurrentHashMap<>();
        final Map<Thread, Runnable> beforeFirstHeadUpdate = new ConcurrentHashMap<>();

        Hooked(MetadataStore delegate) {
            super(delegate);
        }

        @Override
        public boolean putIndexEntryIfAbsent(IndexEntry entry) {
            run(beforePut);
            putsByThread.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
            boolean written = delegate.putIndexEntryIfAbsent(entry);
            if (!written) {
                failedPuts.incrementAndGet();
            }
            run(afterPut);
            return written;
        }

        @Override
        public boolean isIndexed(IndexEntry entry) {
            checksByThread.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
            run(beforeCheck);
            return delegate.isIndexed(entry);
        }

        @Override
        public java.util.Optional<PartitionHead> getHead(String topic, int partition) {
            headReadsByThread.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
            return delegate.getHead(topic, partition);
        }

        @Override
        public boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
            headUpdatesByThread.computeIfAbsent(Thread.currentThread(), t -> new AtomicInteger()).incrementAndGet();
            Runnable once = beforeFirstHeadUpdate.remove(Thread.currentThread());
            if (once != null) {
                once.run();
            }
            run(beforeHeadUpdate);
            return delegate.compareAndSetHead(expectedVersion, next);
        }

        private static void run(Map<Thread, Runnable> hooks) {
            Runnable hook = hooks.remove(Thread.currentThread());
            if (hook != null) {
                hook.run();
            }
        }

        int count(Map<Thread, AtomicInteger> counts, Thread thread) {
            AtomicInteger n = counts.get(thread);
            return n == null ? 0 : n.get();
        }

        int putsBy(Thread thread) {
            AtomicInteger puts = putsByThread.get(thread);
            return puts == null ? 0 : puts.get();
        }
    }

    @Test
    void aLoserThatFindsTheEntryIndexedPutsNothingAndTheLogStaysWhole(Backends backends) throws Exception {
        Backends.Stack stack = backends.fresh();
        Hooked hooked = new Hooked(stack.metadata());
        LogServices rival = instance(stack, stack.metadata());
        rival.topics().create(new CreateTopic(TOPIC, 1, null, null, null));
        LogServices a = instance(stack, hooked);
        LogServices b = instance(stack, hooked);
        Map<RecordOffset, LogRecord> acked = new ConcurrentHashMap<>();
        produce(rival, "r", 0, acked);

        // Each of A and B loses a real race once: a rival commits between its head read and its head update.
        loseOneRace(hooked, rival, 1, a, "a", acked);
        loseOneRace(hooked, rival, 2, b, "b", acked);
        int failedBefore = hooked.failedPuts.get();

        // The forced interleaving: A and B both read the head; A checks, finds the entry missing and puts it;
        // B checks only after that put and before A's head update; then both update the head for real.
        CountDownLatch aPut = new CountDownLatch(1);
        CountDownLatch bChecked = new CountDownLatch(1);
        CountDownLatch bothChecked = new CountDownLatch(2);
        Map<String, Integer> putsInAttempt = new ConcurrentHashMap<>();
        race(() -> {
            Thread me = Thread.currentThread();
            hooked.beforeCheck.put(me, bothChecked::countDown);
            hooked.afterPut.put(me, aPut::countDown);
            hooked.beforeHeadUpdate.put(me, () -> await(bChecked));
            produce(a, "a", 1, acked);
        }, () -> {
            Thread me = Thread.currentThread();
            hooked.beforeCheck.put(me, () -> {
                await(aPut);
                bothChecked.countDown();
            });
            hooked.beforeHeadUpdate.put(me, () -> {
                putsInAttempt.put("b", hooked.putsBy(me));
                bChecked.countDown();
            });
            produce(b, "b", 1, acked);
        });
        assertThat(bothChecked.getCount()).as("both deferred their index put to the head check").isZero();
        assertThat(putsInAttempt.get("b")).as("B found the entry A indexed and put nothing").isZero();
        assertThat(hooked.failedPuts.get() - failedBefore).as("failed conditional index puts in the race").isZero();

        // More calls from every instance, then the whole log.
        produce(a, "a", 2, acked);
        produce(b, "b", 2, acked);
        produce(rival, "r", 3, acked);
        long total = acked.size();
        LogChecker checker = assertWhole(rival, stack, acked);
        List<FetchedRecord> log = checker.readAll(TOPIC, 0, 1 << 20);
        assertThat(log).hasSize((int) total);
        Map<String, Integer> lastCall = new ConcurrentHashMap<>();
        for (FetchedRecord record : log) {
            String value = new String(record.record().value(), UTF_8);
            String producer = value.substring(0, 1);
            int call = Integer.parseInt(value.substring(1, value.indexOf('-')));
            assertThat(call).as("%s keeps its order", producer).isGreaterThanOrEqualTo(lastCall.getOrDefault(producer, 0));
            lastCall.put(producer, call);
        }
    }

    /**
     * A committer that indexed the head's last entry and died before its head update: a lately contended
     * instance that finds the entry indexed yields once for that head version, then reads the same version
     * again and commits. It never waits on a version twice, so nothing stalls.
     */
    @Test
    void aCommitterThatDiedAfterIndexingStallsNoOneForLong(Backends backends) {
        Backends.Stack stack = backends.fresh();
        Hooked hooked = new Hooked(stack.metadata());
        LogServices rival = instance(stack, stack.metadata());
        rival.topics().create(new CreateTopic(TOPIC, 1, null, null, null));
        LogServices a = instance(stack, hooked);
        Map<RecordOffset, LogRecord> acked = new ConcurrentHashMap<>();
        produce(rival, "r", 0, acked);
        loseOneRace(hooked, rival, 1, a, "a", acked); // so A is lately contended

        // The dead committer: the rival commits, then its last entry is indexed and no head update follows.
        produce(rival, "r", 2, acked);
        PartitionHead stalled = stack.metadata().getHead(TOPIC, 0).orElseThrow();
        assertThat(stack.metadata().putIndexEntryIfAbsent(stalled.last())).isTrue();
        Thread me = Thread.currentThread();
        int checksBefore = hooked.count(hooked.checksByThread, me);
        int putsBefore = hooked.count(hooked.putsByThread, me);
        int writesBefore = hooked.count(hooked.headUpdatesByThread, me);
        produce(a, "a", 1, acked);
        assertThat(hooked.count(hooked.checksByThread, me) - checksBefore)
                .as("one check found the entry indexed and yielded; the next, on the same version, went on").isEqualTo(2);
        assertThat(hooked.count(hooked.putsByThread, me) - putsBefore).as("no put of an indexed entry").isZero();
        assertThat(hooked.count(hooked.headUpdatesByThread, me) - writesBefore).as("one head update, which won").isEqualTo(1);
        assertThat(stack.metadata().getHead(TOPIC, 0).orElseThrow().version()).isEqualTo(stalled.version() + 1);
        assertWhole(rival, stack, acked);
    }

    /**
     * Two lately contended instances read the same head and both find its last entry not indexed; A's put
     * comes first, so B's is refused. B must take the refusal as A's election and yield (back off) rather
     * than go on to its head update, and A, elected by its put, must update the head at once, with no check
     * read in between. Hooks hold A's head update until B has either yielded or reached its own head update,
     * and B's backoff until A's update landed, so the order is forced and what B did first is recorded.
     */
    @Test
    void theLoserOfTheIndexPutYieldsAndTheElectedCommitsAtOnce(Backends backends) throws Exception {
        Backends.Stack stack = backends.fresh();
        Hooked hooked = new Hooked(stack.metadata());
        LogServices rival = instance(stack, stack.metadata());
        rival.topics().create(new CreateTopic(TOPIC, 1, null, null, null));
        Map<Thread, Runnable> onBackoff = new ConcurrentHashMap<>();
        Backoff hookedBackoff = attempt -> {
            Runnable hook = onBackoff.remove(Thread.currentThread());
            if (hook != null) {
                hook.run();
            }
        };
        LogServices a = instance(stack, hooked, hookedBackoff);
        LogServices b = instance(stack, hooked, hookedBackoff);
        Map<RecordOffset, LogRecord> acked = new ConcurrentHashMap<>();
        produce(rival, "r", 0, acked);
        loseOneRace(hooked, rival, 1, a, "a", acked);
        loseOneRace(hooked, rival, 2, b, "b", acked);
        // The next head's last entry must still need indexing when A and B read it: the rival commits it.
        produce(rival, "r", 3, acked);
        long version = stack.metadata().getHead(TOPIC, 0).orElseThrow().version();
        int failedPutsBefore = hooked.failedPuts.get();

        CountDownLatch bRead = new CountDownLatch(1);
        CountDownLatch aPut = new CountDownLatch(1);
        CountDownLatch bStepped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<String> bFirst = new java.util.concurrent.atomic.AtomicReference<>();
        Map<String, Integer> aHeadReads = new ConcurrentHashMap<>();
        Map<String, Integer> aHeadUpdates = new ConcurrentHashMap<>();
        race(() -> {
            Thread me = Thread.currentThread();
            int updatesBefore = hooked.count(hooked.headUpdatesByThread, me);
            hooked.beforePut.put(me, () -> await(bRead));
            hooked.afterPut.put(me, () -> {
                aHeadReads.put("atPut", hooked.count(hooked.headReadsByThread, me));
                aPut.countDown();
            });
            hooked.beforeHeadUpdate.put(me, () -> {
                aHeadReads.put("atHeadUpdate", hooked.count(hooked.headReadsByThread, me));
                await(bStepped);
            });
            produce(a, "a", 1, acked);
            aHeadUpdates.put("a", hooked.count(hooked.headUpdatesByThread, me) - updatesBefore);
        }, () -> {
            Thread me = Thread.currentThread();
            hooked.beforePut.put(me, () -> {
                bRead.countDown();
                await(aPut);
            });
            onBackoff.put(me, () -> {
                bFirst.compareAndSet(null, "yielded");
                bStepped.countDown();
                awaitHeadPast(stack, version);
            });
            hooked.beforeHeadUpdate.put(me, () -> {
                bFirst.compareAndSet(null, "wrote");
                bStepped.countDown();
            });
            produce(b, "b", 1, acked);
        });
        assertThat(hooked.failedPuts.get() - failedPutsBefore).as("B's put, refused: A's came first").isEqualTo(1);
        assertThat(bFirst.get()).as("B, whose put was refused, yielded before any head update").isEqualTo("yielded");
        assertThat(aHeadReads.get("atHeadUpdate")).as("A, elected by its put, read no head before its update")
                .isEqualTo(aHeadReads.get("atPut"));
        assertThat(aHeadUpdates.get("a")).as("A's one head update won").isEqualTo(1);

        produce(a, "a", 2, acked);
        produce(b, "b", 2, acked);
        assertWhole(rival, stack, acked);
    }

    /**
     * {@code loser} loses a real race once: the rival commits (its call {@code rivalCall}) between the loser's
     * head read and its head update, so the loser is lately contended on the partition.
     */
    private static void loseOneRace(Hooked hooked, LogServices rival, int rivalCall, LogServices loser, String name,
                                    Map<RecordOffset, LogRecord> acked) {
        hooked.beforeFirstHeadUpdate.put(Thread.currentThread(), () -> produce(rival, "r", rivalCall, acked));
        produce(loser, name, 0, acked);
        assertThat(hooked.beforeFirstHeadUpdate).as("the rival committed in between").isEmpty();
    }

    /** Runs the two producers at once, on threads of their own, and waits for both. */
    private static void race(Runnable a, Runnable b) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> fa = threads.submit(a);
            Future<?> fb = threads.submit(b);
            fa.get(WAIT_SECONDS, TimeUnit.SECONDS);
            fb.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Every acknowledged record is in the log once, at dense offsets from 0, as acknowledged. */
    private static LogChecker assertWhole(LogServices rival, Backends.Stack stack, Map<RecordOffset, LogRecord> acked) {
        assertThat(acked.keySet()).extracting(RecordOffset::offset)
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, acked.size()).boxed().toList());
        LogChecker checker = new LogChecker(rival.fetcher(), stack.metadata());
        assertThat(checker.check(TOPIC, 1, acked)).isEmpty();
        return checker;
    }

    private static void awaitHeadPast(Backends.Stack stack, long version) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (stack.metadata().getHead(TOPIC, 0).orElseThrow().version() <= version) {
            assertThat(System.nanoTime()).as("the elected committer's head update landed").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static LogServices instance(Backends.Stack stack, MetadataStore metadata) {
        return instance(stack, metadata, Backoff.NONE);
    }

    private static LogServices instance(Backends.Stack stack, MetadataStore metadata, Backoff backoff) {
        return LogServices.create(stack.objects(), metadata, stack.groups(), Clock.systemUTC(), backoff,
                Metrics.NOOP, ProduceService.newPool(1));
    }

    private static void produce(LogServices log, String producer, int call, Map<RecordOffset, LogRecord> acked) {
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            records.add(new ProduceRecord(producer.getBytes(UTF_8), (producer + call + "-" + i).getBytes(UTF_8),
                    List.of(), 0, 1_700_000_000_000L + call));
        }
        List<RecordOffset> offsets = log.producer().produce(TOPIC, records);
        for (int i = 0; i < records.size(); i++) {
            ProduceRecord r = records.get(i);
            LogRecord previous = acked.put(offsets.get(i), new LogRecord(r.timestamp(), r.key(), r.value(), r.headers()));
            assertThat(previous).as("offset %s acknowledged twice", offsets.get(i)).isNull();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the other producer reached its step").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
