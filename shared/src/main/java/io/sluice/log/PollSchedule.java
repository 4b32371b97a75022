package io.sluice.log;

import io.sluice.meta.IndexEntry;
import io.sluice.meta.PartitionHead;
import java.util.OptionalLong;

/**
 * When a waiting fetch reads the partition head again: soon after a partition committed, rarely once it
 * has been idle for a while.
 *
 * <p>The idle schedule is the one long polls always had: after 50 ms, 100 ms, then every 200 ms, so at
 * most 5 reads a second and 103 over a 20 s wait. A partition whose last commit is {@code age} ms old is
 * read sooner: every {@code age / }{@value #AGE_DIVISOR} ms, but not more often than every
 * {@value #MIN_INTERVAL_MS} ms and never later than the idle schedule would. A partition that commits every
 * few hundred ms is therefore read every 20 to 35 ms and a record waits about half that before its
 * consumer sees it; a partition idle for {@code 10 x 200 ms = 2 s} or more is read exactly as before.
 *
 * <p>The commit time is the write time in the name of the head's last WAL object ({@code
 * wal/yyyy/mm/dd/hh/<ulid>.wal}, from the produce function's clock, never from the client), so heads
 * written before this schedule existed carry it too; a head whose last entry is a segment (or that has
 * none) has no known commit time and gets the idle schedule. The WAL object is named before its PUT and
 * the head update, so the age is overstated by that much (tens of ms), which only slows the schedule. A
 * write time more than {@value #MAX_CLOCK_SKEW_MS} ms ahead of the reader's clock is not believed (a
 * producer's clock far off); one within that reads as just committed.
 *
 * <p>Cost: the reads of a 20 s wait are at most 126 (a wait that starts the moment the partition
 * committed and sees nothing more), against 103 on the idle schedule; counted by {@code LongPollScheduleTest}.
 * One instance schedules one wait.
 */
public final class PollSchedule {

    /** The idle schedule's first gap; it doubles from here to {@link #MAX_INTERVAL_MS}. */
    public static final long FIRST_INTERVAL_MS = 50;
    /** The longest gap between head reads, however idle the partition: at least 5 reads a second. */
    public static final long MAX_INTERVAL_MS = 200;
    /** The shortest gap between head reads, for a partition that committed moments ago: 50 reads a second. */
    public static final long MIN_INTERVAL_MS = 20;
    /** A partition last committed {@code age} ms ago is read every {@code age / AGE_DIVISOR} ms (within the bounds). */
    public static final long AGE_DIVISOR = 10;
    /** How far a write time may be ahead of the reader's clock and still be believed. */
    public static final long MAX_CLOCK_SKEW_MS = 250;

    private long idleInterval = FIRST_INTERVAL_MS;

    /**
     * The gap before the next head read, chosen at {@code now} for a partition last committed at
     * {@code lastCommit} (empty when that is not known). Each call is one read of the wait.
     */
    public long next(long now, OptionalLong lastCommit) {
        long interval = idleInterval;
        idleInterval = Math.min(idleInterval * 2, MAX_INTERVAL_MS);
        if (lastCommit.isEmpty()) {
            return interval;
        }
        long age = now - lastCommit.getAsLong();
        if (age < -MAX_CLOCK_SKEW_MS) {
            return interval;
        }
        return Math.min(interval, Math.max(MIN_INTERVAL_MS, age / AGE_DIVISOR));
    }

    /**
     * When the partition last committed, as far as its head tells: the write time of its last entry's WAL
     * object; empty when the last entry is a segment (compaction replaced it) or there is none.
     */
    public static OptionalLong lastCommitMillis(PartitionHead head) {
        IndexEntry last = head.last();
        return last == null ? OptionalLong.empty() : ProduceService.walWriteMillis(last.objectKey());
    }
}
