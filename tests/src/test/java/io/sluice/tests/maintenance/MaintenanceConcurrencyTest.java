package io.sluice.tests.maintenance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.format.LogRecord;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.maintenance.MaintenanceReport;
import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.ClockStampedObjectStore;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.ForwardingObjectStore;
import io.sluice.tests.support.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Maintenance passes on s3proxy and dynalite while producers and fetchers keep running. */
@ExtendWith(EmbeddedBackends.class)
class MaintenanceConcurrencyTest {

    private static final long TARGET = 4_096;
    /** Production's grace period; it passes on the test's clock, never on the wall clock. */
    private static final long GRACE_MS = Maintenance.Settings.DEFAULT.graceMs();
    private static final int PASSES_WHILE_PRODUCING = 3;

    /**
     * The grace period exists so that no object is deleted under a produce that has written it but not yet
     * committed it, or under a fetch that has read its index entry but not yet its bytes: it is longer than
     * any call can take (15 min, the Lambda maximum). On a wall clock a test must shorten it, and then a
     * slow call on a loaded machine outlives it and looks like data loss. Here every produce and fetch holds
     * {@code calls}' read side, and the grace clock moves a whole grace period only under its write side,
     * between passes: so, as in production, no call is ever in flight across a full grace period, however
     * slow the machine is. Passes still run while producers and fetchers do, and may delete objects while
     * they run.
     */
    @Test
    void passesRunAlongsideProducersAndFetchersAndLoseNothingWithinRetention(Backends backends) throws Exception {
        Backends.Stack stack = backends.fresh();
        MutableClock graceClock = new MutableClock(System.currentTimeMillis());
        ListRetries listRetries = new ListRetries(stack.objects());
        ObjectStore objects = new ClockStampedObjectStore(listRetries, graceClock);
        LogServices log = LogServices.create(objects, stack.metadata(), stack.groups(), Clock.systemUTC());
        Maintenance maintenance = new Maintenance(objects, stack.metadata(),
                new TopicCache(stack.metadata(), graceClock, Duration.ZERO), graceClock,
                new Maintenance.Settings(TARGET, GRACE_MS));
        ReadWriteLock calls = new ReentrantReadWriteLock();
        log.topics().create(new CreateTopic("kept", 2, null, null, null));
        log.topics().create(new CreateTopic("bounded", 1, null, 6_000L, null));

        Map<RecordOffset, LogRecord> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger fetches = new AtomicInteger();
        AtomicInteger passesDone = new AtomicInteger();
        AtomicInteger deletedWhileProducing = new AtomicInteger();
        AtomicBoolean producing = new AtomicBoolean(true);
        List<String> danglingAfterPasses = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> producers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int producer = t;
                producers.add(pool.submit(() -> {
                    for (int call = 0; call < 60; call++) {
                        if (call == 30) {
                            // Half-way, the producers wait for passes to have run alongside them, however
                            // slow either side is.
                            awaitCondition(() -> passesDone.get() >= PASSES_WHILE_PRODUCING,
                                    "%d maintenance passes while producers run", PASSES_WHILE_PRODUCING);
                        }
                        List<ProduceRecord> records = new ArrayList<>();
                        for (int i = 0; i < 3; i++) {
                            records.add(new ProduceRecord(null, ("p" + producer + "-" + call + "-" + i + "-"
                                    + "x".repeat(40)).getBytes(UTF_8), List.of(), (call + i) % 2,
                                    System.currentTimeMillis()));
                        }
                        List<RecordOffset> offsets = within(calls, () -> log.producer().produce("kept", records));
                        for (int i = 0; i < records.size(); i++) {
                            ProduceRecord r = records.get(i);
                            acked.put(offsets.get(i), new LogRecord(r.timestamp(), null, r.value(), List.of()));
                        }
                        byte[] bounded = ("b" + producer + "-" + call).repeat(20).getBytes(UTF_8);
                        within(calls, () -> log.producer().produce("bounded", List.of(new ProduceRecord(null,
                                bounded, List.of(), 0, null))));
                    }
                    return null;
                }));
            }
            Future<?> fetcher = pool.submit(() -> {
                while (!stop.get()) {
                    for (int p = 0; p < 2; p++) {
                        long offset = 0;
                        while (true) {
                            long from = offset;
                            int partition = p;
                            FetchResult r = within(calls, () -> log.fetcher().fetch("kept", partition, from, 2_048));
                            fetches.incrementAndGet();
                            if (r.records().isEmpty()) {
                                break;
                            }
                            offset = r.nextOffset();
                        }
                    }
                }
                return null;
            });
            Future<?> passes = pool.submit(() -> {
                while (!stop.get()) {
                    // A pass that fails fails the test: nothing here is allowed to fail.
                    MaintenanceReport report = maintenance.run(null);
                    assertThat(report.failures()).as("failures of pass %d", passesDone.get() + 1).isEmpty();
                    if (producing.get()) {
                        deletedWhileProducing.addAndGet((int) report.objectsDeleted());
                    }
                    passesDone.incrementAndGet();
                    danglingAfterPasses.addAll(Dangling.find(stack.metadata(), objects));
                    calls.writeLock().lock();
                    try {
                        graceClock.advance(GRACE_MS + 1);
                    } finally {
                        calls.writeLock().unlock();
                    }
                }
                return null;
            });
            for (Future<?> p : producers) {
                p.get(5, TimeUnit.MINUTES);
            }
            producing.set(false);
            stop.set(true);
            fetcher.get(1, TimeUnit.MINUTES);
            passes.get(5, TimeUnit.MINUTES);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }

        // The last passes run an hour later, when every open tail has passed the roll age and closes.
        graceClock.advance(Duration.ofHours(1).toMillis());
        MaintenanceReport marking = maintenance.run(null);
        graceClock.advance(GRACE_MS);
        MaintenanceReport last = maintenance.run(null);
        System.out.println("maintenance: " + passesDone.get() + " passes while producing (" + deletedWhileProducing.get()
                + " objects deleted), " + fetches.get() + " fetches, " + listRetries.retries.get()
                + " emulator LISTs retried, then " + marking + " then " + last);

        assertThat(passesDone.get()).as("passes completed while producers ran")
                .isGreaterThanOrEqualTo(PASSES_WHILE_PRODUCING);
        assertThat(marking.failures()).isEmpty();
        assertThat(last.failures()).isEmpty();
        assertThat(danglingAfterPasses).as("no entry ever pointed at a missing object").isEmpty();
        assertThat(Dangling.find(stack.metadata(), objects)).isEmpty();

        for (var e : acked.entrySet()) {
            List<FetchedRecord> got = log.fetcher().fetch("kept", e.getKey().partition(), e.getKey().offset(), 1)
                    .records();
            assertThat(got.get(0).offset()).isEqualTo(e.getKey().offset());
            assertThat(got.get(0).record()).isEqualTo(e.getValue());
        }
        assertThat(acked).hasSize(360);

        long logStart = log.fetcher().earliestOffset("bounded", 0);
        assertThat(logStart).as("retention.bytes moved the start").isPositive();
        assertThatThrownBy(() -> log.fetcher().fetch("bounded", 0, logStart - 1, 100))
                .isInstanceOfSatisfying(OffsetOutOfRangeException.class,
                        e -> assertThat(e.logStartOffset()).isEqualTo(logStart));
        assertThat(log.fetcher().fetch("bounded", 0, logStart, 1 << 20).records())
                .hasSize((int) (log.fetcher().latestOffset("bounded", 0) - logStart));

        int walAfter = objects.list("wal/").size();
        int segments = objects.list("seg/").size();
        String keptId = stack.metadata().getTopic("kept").orElseThrow().topicId();
        int keptEntries = stack.metadata().entriesFrom("kept", 0, keptId, 0, 10_000).size()
                + stack.metadata().entriesFrom("kept", 1, keptId, 0, 10_000).size();
        long keptBytes = 0;
        for (int p = 0; p < 2; p++) {
            for (var entry : stack.metadata().entriesFrom("kept", p, keptId, 0, 10_000)) {
                keptBytes += entry.byteLength();
            }
        }
        int written = 2 * 60 * 2;
        System.out.printf("maintenance counts: %d WAL objects written, %d left, %d segments, index entries of 'kept' "
                + "%d (%d bytes)%n", written, walAfter, segments, keptEntries, keptBytes);
        assertThat(walAfter).as("compacted and retired WAL objects were collected; at most each head's last stays")
                .isLessThanOrEqualTo(3);
        assertThat(walAfter + segments).as("nothing unreferenced is left after two grace periods")
                .isEqualTo(stack.metadata().referencedObjects().size());
        assertThat(keptEntries).as("entries merged into segments of ~%d bytes", TARGET)
                .isLessThanOrEqualTo((int) ((keptBytes + TARGET - 1) / TARGET) + 2);
    }

    /**
     * s3proxy's in-memory backend (transient-nio2) can answer a LIST with a 400 while objects are written or
     * deleted under it; S3 lists consistently. Only that call is retried, a few times, and counted: any
     * other failure of a pass, and a LIST that keeps failing, fails the test.
     */
    private static final class ListRetries extends ForwardingObjectStore {
        private static final int ATTEMPTS = 5;
        private final AtomicInteger retries = new AtomicInteger();

        ListRetries(ObjectStore delegate) {
            super(delegate);
        }

        @Override
        public List<ObjectSummary> list(String prefix) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return delegate.list(prefix);
                } catch (S3Exception e) {
                    if (e.statusCode() != 400 || attempt == ATTEMPTS) {
                        throw e;
                    }
                    retries.incrementAndGet();
                }
            }
        }
    }

    /** Runs {@code call} on the read side of {@code lock}: the grace clock does not move meanwhile. */
    private static <T> T within(ReadWriteLock lock, Callable<T> call) throws Exception {
        lock.readLock().lock();
        try {
            return call.call();
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void awaitCondition(BooleanSupplier condition, String what, Object... args)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + String.format(what, args));
            }
            Thread.sleep(10);
        }
    }
}
