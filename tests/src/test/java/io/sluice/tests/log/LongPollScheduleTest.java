package io.sluice.tests.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.Partitioner;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.log.Backoff;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchService;
import io.sluice.log.PollSchedule;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.TopicCache;
import io.sluice.log.Ulid;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.FaultPoint;
import io.sluice.tests.support.FaultyMetadataStore;
import io.sluice.tests.support.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The long poll's schedule (issue 17): a partition that committed moments ago is read every 20 ms, an idle
 * one on the old 50, 100, then 200 ms schedule, and each poll reads the head exactly once. Time is a clock
 * the test moves from inside the fetch's own sleeps; every sleep and every head read is counted.
 */
class LongPollScheduleTest {

    private static final long START = 1_700_000_000_000L;
    private static final long WAIT = FetchService.MAX_WAIT_MS;

    /** The sleeps of a wait on a partition with no known commit time, as long polls always slept. */
    private static List<Long> idleSchedule(long wait) {
        List<Long> sleeps = new ArrayList<>();
        long interval = 50;
        for (long slept = 0; slept < wait; slept += sleeps.get(sleeps.size() - 1)) {
            sleeps.add(Math.min(interval, wait - slept));
            interval = Math.min(interval * 2, 200);
        }
        return sleeps;
    }

    /** The idle schedule's gap before poll {@code i} (from 0), without the deadline's cut. */
    private static long idleGap(int i) {
        return i == 0 ? 50 : i == 1 ? 100 : 200;
    }

    /** One partition, a producer on the plain store, and a fetcher whose head reads and sleeps are counted. */
    private static final class Fixture {
        final MutableClock clock = new MutableClock(START);
        final InMemoryMetadataStore store = new InMemoryMetadataStore();
        final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
        final AtomicInteger headReads = new AtomicInteger();
        final List<Long> sleeps = new ArrayList<>();
        final ProduceService producer;
        final FetchService fetcher;
        /** Run at each millisecond a fetch sleeps through: what happens in the world meanwhile. */
        Runnable duringSleep = () -> { };

        Fixture() {
            store.createTopic(new TopicConfig("t", "id-1", 1, -1, -1, 1 << 20, clock.millis()));
            FaultyMetadataStore counted = new FaultyMetadataStore(store, point -> {
                if (point == FaultPoint.BEFORE_HEAD_READ) {
                    headReads.incrementAndGet();
                }
            });
            producer = new ProduceService(objects, store, new TopicCache(store, clock, Duration.ZERO),
                    new Partitioner(), clock, Backoff.NONE);
            fetcher = new FetchService(objects, counted, new TopicCache(counted, clock, Duration.ofMinutes(5)), clock,
                    millis -> {
                        sleeps.add(millis);
                        for (long slept = 0; slept < millis; slept++) {
                            clock.advance(1);
                            duringSleep.run();
                        }
                    });
        }

        long produce(String value) {
            return producer.produce("t", List.of(ProduceRecord.of(null, value.getBytes(UTF_8)))).get(0).offset();
        }

        FetchResult longPoll(long offset) {
            headReads.set(0);
            sleeps.clear();
            return fetcher.fetch("t", 0, offset, 1 << 20, 100, WAIT);
        }
    }

    @Test
    void aPartitionIdleForLongerThanTwoSecondsIsReadOnTheOldScheduleAbout100TimesIn20Seconds() {
        Fixture f = new Fixture();
        long next = f.produce("old") + 1;
        f.clock.advance(PollSchedule.MAX_INTERVAL_MS * PollSchedule.AGE_DIVISOR);

        FetchResult result = f.longPoll(next);

        assertThat(result.records()).isEmpty();
        assertThat(f.clock.millis() - START).isEqualTo(2_000 + WAIT);
        assertThat(f.sleeps).as("after 50, 100, then every 200 ms").isEqualTo(idleSchedule(WAIT));
        assertThat(f.headReads.get()).as("one read before the wait, one a poll").isEqualTo(1 + f.sleeps.size())
                .isEqualTo(103);
    }

    @Test
    void aPartitionNeverWrittenIsReadOnTheOldSchedule() {
        Fixture f = new Fixture();

        FetchResult result = f.longPoll(0);

        assertThat(result.records()).isEmpty();
        assertThat(f.sleeps).isEqualTo(idleSchedule(WAIT));
        assertThat(f.headReads.get()).isEqualTo(103);
    }

    @Test
    void aWaitRightAfterACommitReadsEvery20MsThenBacksOffToTheCapAndStaysUnder126Reads() {
        Fixture f = new Fixture();
        long next = f.produce("fresh") + 1;

        FetchResult result = f.longPoll(next);

        assertThat(result.records()).isEmpty();
        assertThat(f.sleeps.subList(0, (int) PollSchedule.AGE_DIVISOR)).as("every 20 ms while the commit is under 200 ms old")
                .containsOnly(PollSchedule.MIN_INTERVAL_MS);
        long age = 0;
        for (int i = 0; i < f.sleeps.size(); i++) {
            long sleep = f.sleeps.get(i);
            assertThat(sleep).as("sleep %d at age %d", i, age).isBetween(1L, PollSchedule.MAX_INTERVAL_MS);
            if (i + 2 < f.sleeps.size()) {
                assertThat(sleep).as("the gap never shrinks while nothing is committed (sleep %d)", i)
                        .isLessThanOrEqualTo(f.sleeps.get(i + 1));
            }
            if (i + 1 < f.sleeps.size()) {
                assertThat(sleep).as("never later than the idle schedule (sleep %d)", i)
                        .isLessThanOrEqualTo(idleGap(i));
                assertThat(sleep).as("age / 10 within the bounds (sleep %d)", i)
                        .isEqualTo(Math.min(idleGap(i),
                                Math.max(PollSchedule.MIN_INTERVAL_MS, age / PollSchedule.AGE_DIVISOR)));
            }
            age += sleep;
        }
        assertThat(f.sleeps.subList(f.sleeps.size() - 50, f.sleeps.size() - 1)).as("capped at 200 ms once 2 s idle")
                .containsOnly(PollSchedule.MAX_INTERVAL_MS);
        System.out.printf("long poll right after a commit: %d head reads over a %d ms wait%n", f.headReads.get(), WAIT);
        assertThat(f.headReads.get()).isEqualTo(1 + f.sleeps.size()).isBetween(104, 126);
    }

    @Test
    void aBusyPartitionIsReadEvery20To35MsAndEachRecordIsSeenWithinOneSuchGapOfItsCommit() {
        Fixture f = new Fixture();
        Random random = new Random(17);
        List<Long> committedAt = new ArrayList<>();
        f.produce("r0");
        committedAt.add(START);
        long[] nextCommitAt = {START + 100 + random.nextInt(200)};
        f.duringSleep = () -> {
            if (f.clock.millis() >= nextCommitAt[0] && committedAt.size() < 40) {
                f.produce("r" + committedAt.size());
                committedAt.add(f.clock.millis());
                nextCommitAt[0] = f.clock.millis() + 100 + random.nextInt(200);
            }
        };
        long offset = 0;
        int polls = 0;
        List<Long> seenAfter = new ArrayList<>();
        List<Long> allSleeps = new ArrayList<>();
        while (offset < 40) {
            FetchResult result = f.longPoll(offset);
            polls += f.sleeps.size();
            allSleeps.addAll(f.sleeps);
            assertThat(f.headReads.get()).as("one read before the wait and exactly one a poll")
                    .isEqualTo(1 + f.sleeps.size());
            assertThat(result.records()).as("a wait ends with the records committed during it").isNotEmpty();
            for (var record : result.records()) {
                assertThat(record.offset()).isEqualTo(offset);
                assertThat(new String(record.record().value(), UTF_8)).isEqualTo("r" + offset);
                seenAfter.add(f.clock.millis() - committedAt.get((int) offset));
                offset++;
            }
        }
        // Commits come 100 to 300 ms apart, so a gap is chosen less than 300 ms after the last commit: at
        // most 300 / 10 = 30 ms, and a record is seen at most one such gap after its commit.
        assertThat(allSleeps).as("polled at 20 to 30 ms, not on the idle schedule's 50 to 200 ms")
                .allSatisfy(s -> assertThat(s).isBetween(PollSchedule.MIN_INTERVAL_MS, 30L));
        assertThat(seenAfter.subList(1, seenAfter.size())).as("each record returned within one gap of its commit")
                .allSatisfy(d -> assertThat(d).isBetween(0L, 30L));
        System.out.printf("busy partition: 40 records, %d polls, mean delay %.1f ms%n", polls,
                seenAfter.stream().mapToLong(Long::longValue).average().orElseThrow());
    }

    @Test
    void recordsCommittedDuringAWaitAreReturnedAfterOneHeadReadOfThatPoll() {
        Fixture f = new Fixture();
        f.duringSleep = () -> {
            if (f.clock.millis() - START >= 3_000 && f.store.getHead("t", 0).isEmpty()) {
                f.produce("a");
                f.produce("b");
            }
        };

        FetchResult result = f.longPoll(0);

        assertThat(result.records()).extracting(r -> new String(r.record().value(), UTF_8)).containsExactly("a", "b");
        assertThat(f.clock.millis() - START).as("woke at the first poll after 3 s").isBetween(3_000L, 3_200L);
        assertThat(f.headReads.get()).as("the fetch after the poll uses the head the poll read")
                .isEqualTo(1 + f.sleeps.size());
    }

    @Test
    void aLogStartMovedPastTheOffsetDuringTheWaitIsOutOfRangeAsBefore() {
        Fixture f = new Fixture();
        long next = f.produce("x") + 1;
        f.duringSleep = () -> {
            PartitionHead head = f.store.getHead("t", 0).orElseThrow();
            if (head.nextOffset() == next && f.clock.millis() - START >= 500) {
                f.produce("y");
                f.produce("z");
                PartitionHead moved = f.store.getHead("t", 0).orElseThrow();
                assertThat(f.store.compareAndSetHead(moved.version(), moved.withLogStartOffset(next + 1))).isTrue();
            }
        };

        assertThatThrownBy(() -> f.longPoll(next)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(f.headReads.get()).isEqualTo(1 + f.sleeps.size());
    }

    @Test
    void aZeroWaitReadsTheHeadOnceAndNeverSleeps() {
        Fixture f = new Fixture();
        long next = f.produce("x") + 1;

        FetchResult empty = f.fetcher.fetch("t", 0, next, 1 << 20, 100, 0);
        FetchResult one = f.fetcher.fetch("t", 0, next - 1, 1 << 20, 100, 0);

        assertThat(empty.records()).isEmpty();
        assertThat(empty.highWatermark()).isEqualTo(next);
        assertThat(one.records()).hasSize(1);
        assertThat(f.sleeps).isEmpty();
        assertThat(f.clock.millis()).isEqualTo(START);
        assertThat(f.headReads.get()).isEqualTo(2);
    }

    @Test
    void theCommitTimeIsTheLastWalObjectsWriteTimeAndNothingElse() {
        long written = START + 1234;
        String wal = "wal/2023/11/14/22/" + Ulid.generate(written, new Random(1)) + ".wal";
        assertThat(PollSchedule.lastCommitMillis(head(wal, START - 86_400_000L))).as("not the records' timestamp")
                .hasValue(written);
        assertThat(PollSchedule.lastCommitMillis(head("seg/t/0/00000000000000000000.seg", START))).isEmpty();
        assertThat(PollSchedule.lastCommitMillis(head("wal/2023/11/14/22/not-a-ulid.wal", START))).isEmpty();
        assertThat(PollSchedule.lastCommitMillis(PartitionHead.empty("t", 0, "id-1", 0))).isEmpty();
    }

    @Test
    void anUnknownOrFarFutureCommitTimeGetsTheIdleScheduleAndANearFutureOneTheMinimum() {
        List<Long> idle = idleSchedule(WAIT).subList(0, 5);
        assertThat(sleeps(OptionalLong.empty())).isEqualTo(idle);
        assertThat(sleeps(OptionalLong.of(START + PollSchedule.MAX_CLOCK_SKEW_MS + 10_000))).isEqualTo(idle);
        assertThat(sleeps(OptionalLong.of(START + PollSchedule.MAX_CLOCK_SKEW_MS)))
                .containsOnly(PollSchedule.MIN_INTERVAL_MS);
    }

    /** The first five gaps of a wait that starts at {@code START}, with the clock moved by each. */
    private static List<Long> sleeps(OptionalLong lastCommit) {
        PollSchedule schedule = new PollSchedule();
        List<Long> sleeps = new ArrayList<>();
        long now = START;
        for (int i = 0; i < 5; i++) {
            long sleep = schedule.next(now, lastCommit);
            sleeps.add(sleep);
            now += sleep;
        }
        return sleeps;
    }

    private static PartitionHead head(String objectKey, long maxTimestamp) {
        IndexEntry last = new IndexEntry("t", 0, "id-1", 0, 9, objectKey, 0, 100, maxTimestamp, 0);
        return new PartitionHead("t", 0, "id-1", 10, 0, 1, last);
    }
}
