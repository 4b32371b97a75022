package io.sluice.tests.group;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.GroupService;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.TopicPartition;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.OwnershipHistory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three members consume a six-partition topic on s3proxy and dynalite while a producer keeps writing. One
 * member is killed (it stops heartbeating), later tries to commit as a zombie, and a fourth member joins.
 * Every record must be processed at least once, the committed offsets must reach the high watermarks,
 * every zombie commit must be refused, and the recorded heartbeat history must never show a partition
 * owned by two members at once.
 */
@ExtendWith(EmbeddedBackends.class)
class ChurnTest {

    private static final String TOPIC = "churn";
    private static final String GROUP = "churners";
    private static final int PARTITIONS = 6;
    private static final int SESSION_MS = 3_000;
    private static final long DEADLINE_MS = 120_000;

    private final Set<String> processed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stop = new AtomicBoolean();
    private OwnershipHistory history;
    private GroupService groups;
    private LogServices log;

    /** A consumer: heartbeat, fetch what it owns from its position, process, commit; repeat. */
    private final class TestMember {
        private final String name;
        private final AtomicBoolean killed = new AtomicBoolean();
        private volatile HeartbeatResult last;
        private final Map<TopicPartition, Long> positions = new HashMap<>();

        TestMember(String name) {
            this.name = name;
        }

        void run() {
            long nextHeartbeat = 0;
            while (!stop.get() && !killed.get()) {
                long now = System.currentTimeMillis();
                if (now >= nextHeartbeat) {
                    heartbeat();
                    nextHeartbeat = now + (last == null ? 200 : Math.min(last.heartbeatIntervalMs(), 500));
                }
                boolean didWork = false;
                for (TopicPartition tp : List.copyOf(positions.keySet())) {
                    if (killed.get()) {
                        return;
                    }
                    didWork |= consume(tp);
                }
                if (!didWork) {
                    sleep(50);
                }
            }
        }

        private void heartbeat() {
            String id = last == null ? null : last.memberId();
            long epoch = last == null ? 0 : last.memberEpoch();
            long sentAt = System.currentTimeMillis();
            history.sent(label(), sentAt);
            try {
                last = groups.heartbeat(GROUP, new Heartbeat(id, epoch, List.of(TOPIC), SESSION_MS));
            } catch (SluiceException e) {
                if (e.code() != ErrorCode.FENCED) {
                    throw e;
                }
                history.left(label(), System.currentTimeMillis());
                positions.clear();
                id = null;
                sentAt = System.currentTimeMillis();
                last = groups.heartbeat(GROUP, new Heartbeat(null, 0, List.of(TOPIC), SESSION_MS));
            }
            if (id == null) {
                // A join is a heartbeat too: the new member's session runs from when it was sent. Without this,
                // a member that joins and is then too slow to heartbeat again (a loaded machine) never expires
                // in the checker, though the server rightly expires it and moves its partitions.
                history.sent(last.memberId(), sentAt);
            }
            history.response(label(), System.currentTimeMillis(), last.assignment());
            positions.keySet().retainAll(last.assignment());
            Map<TopicPartition, Long> committed = committedOffsets();
            for (TopicPartition tp : last.assignment()) {
                positions.computeIfAbsent(tp, p -> committed.getOrDefault(p, 0L));
            }
        }

        private boolean consume(TopicPartition tp) {
            long position = positions.get(tp);
            FetchResult result = log.fetcher().fetch(TOPIC, tp.partition(), position, 4_096);
            if (result.records().isEmpty()) {
                return false;
            }
            for (FetchedRecord record : result.records()) {
                processed.add(tp.partition() + "@" + record.offset());
            }
            try {
                groups.commit(GROUP, last.memberId(), last.memberEpoch(),
                        List.of(new OffsetCommit(TOPIC, tp.partition(), result.nextOffset(), name)));
                positions.put(tp, result.nextOffset());
            } catch (SluiceException e) {
                if (e.code() != ErrorCode.FENCED) {
                    throw e;
                }
                positions.remove(tp);
            }
            return true;
        }

        String label() {
            return last == null ? name + ":joining" : last.memberId();
        }
    }

    private Map<TopicPartition, Long> committedOffsets() {
        Map<TopicPartition, Long> committed = new HashMap<>();
        try {
            groups.describe(GROUP).offsets().forEach(o ->
                    committed.put(new TopicPartition(o.topic(), o.partition()), o.committed()));
        } catch (SluiceException e) {
            if (e.code() != ErrorCode.UNKNOWN_GROUP) {
                throw e;
            }
        }
        return committed;
    }

    /** Polls {@code condition} until it holds; fails the test after {@link #DEADLINE_MS}. */
    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + DEADLINE_MS + " ms waiting for " + what);
            }
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void membersComeAndGoAndEveryRecordIsProcessedWithExclusiveOwnership(Backends backends) throws Exception {
        Backends.Stack stack = backends.fresh();
        log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        groups = log.groups();
        history = new OwnershipHistory(SESSION_MS);
        log.topics().create(new CreateTopic(TOPIC, PARTITIONS, null, null, null));
        AtomicInteger produced = new AtomicInteger();
        produceSome(produced, 60);

        ExecutorService pool = Executors.newFixedThreadPool(6);
        long started = System.currentTimeMillis();
        try {
            List<TestMember> members = new ArrayList<>(List.of(new TestMember("m1"), new TestMember("m2"),
                    new TestMember("m3")));
            List<Future<?>> running = new ArrayList<>();
            for (TestMember m : members) {
                running.add(pool.submit(m::run));
            }
            Future<?> producer = pool.submit(() -> {
                for (int i = 0; i < 20 && !stop.get(); i++) {
                    produceSome(produced, 12);
                    sleep(150);
                }
            });

            // The victim is killed once every member holds partitions, so that it dies owning some.
            awaitCondition(() -> members.stream().allMatch(m -> m.last != null && !m.last.assignment().isEmpty()),
                    "every member to be assigned partitions");
            TestMember victim = members.get(1);
            victim.killed.set(true);
            running.get(1).get(30, TimeUnit.SECONDS);
            HeartbeatResult victimLast = victim.last;
            assertThat(victimLast.assignment()).as("the victim owned partitions").isNotEmpty();

            sleep(1_000);
            TestMember late = new TestMember("m4");
            running.add(pool.submit(late::run));

            // The zombie commits only once its session has run out: no live member lists it any more.
            awaitCondition(() -> groups.describe(GROUP).members().stream()
                    .noneMatch(m -> m.memberId().equals(victimLast.memberId())), "the victim's session to expire");
            int zombieAttempts = 0;
            int refused = 0;
            for (TopicPartition tp : victimLast.assignment()) {
                zombieAttempts++;
                try {
                    groups.commit(GROUP, victimLast.memberId(), victimLast.memberEpoch(),
                            List.of(new OffsetCommit(TOPIC, tp.partition(), 0, "zombie")));
                } catch (SluiceException e) {
                    if (e.code() == ErrorCode.FENCED) {
                        refused++;
                    }
                }
            }

            producer.get(60, TimeUnit.SECONDS);
            while (!caughtUp() && System.currentTimeMillis() - started < DEADLINE_MS) {
                sleep(200);
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }

            Map<Integer, Long> highWatermarks = new HashMap<>();
            long total = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                highWatermarks.put(p, log.fetcher().latestOffset(TOPIC, p));
                total += highWatermarks.get(p);
            }
            assertThat(total).isEqualTo(produced.get());
            for (int p = 0; p < PARTITIONS; p++) {
                for (long o = 0; o < highWatermarks.get(p); o++) {
                    assertThat(processed).as("record %d@%d processed", p, o).contains(p + "@" + o);
                }
            }
            assertThat(groups.describe(GROUP).offsets()).hasSize(PARTITIONS).allSatisfy(o -> {
                assertThat(o.committed()).isEqualTo(o.highWatermark());
                assertThat(o.lag()).isZero();
            });
            assertThat(zombieAttempts).isPositive();
            assertThat(refused).as("every zombie commit after expiry was refused").isEqualTo(zombieAttempts);
            assertThat(groups.describe(GROUP).members()).hasSize(3);
            assertThat(history.responses()).isGreaterThan(20);
            assertThat(history.violations()).isEmpty();
            System.out.printf("churn: records=%d processed=%d heartbeatResponses=%d zombieCommitsRefused=%d/%d "
                    + "seconds=%.1f%n", total, processed.size(), history.responses(), refused, zombieAttempts,
                    (System.currentTimeMillis() - started) / 1000.0);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    private boolean caughtUp() {
        Map<TopicPartition, Long> committed = committedOffsets();
        for (int p = 0; p < PARTITIONS; p++) {
            Long c = committed.get(new TopicPartition(TOPIC, p));
            if (c == null || c < log.fetcher().latestOffset(TOPIC, p)) {
                return false;
            }
        }
        return true;
    }

    private void produceSome(AtomicInteger produced, int count) {
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ProduceRecord(("k" + produced.get() + "-" + i).getBytes(UTF_8),
                    ("v" + i).getBytes(UTF_8), List.of(), null, null));
        }
        log.producer().produce(TOPIC, records);
        produced.addAndGet(count);
    }
}
