package io.sluice.share;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One share-partition's state, as one DynamoDB item holds it, and every transition of it as a pure
 * function of the state, the group's {@link Rules} and an explicit {@code now}.
 *
 * <p>Offsets below {@code startOffset} are done. The window holds every record from {@code startOffset}
 * to {@link #endOffset()} (exclusive) as {@link Range}s of equal state; records at or above the end
 * offset were never delivered and are implicitly available. The window holds at most
 * {@link Rules#maxInFlight()} records (Kafka's {@code group.share.partition.max.record.locks}); a
 * record enters it only when first acquired, so a stuck record at the start holds back at most that
 * many records behind it.
 *
 * <p>Invariants, checked by the constructor: the ranges cover the window exactly, {@code keyHashes}
 * holds one entry (null for a keyless record) per window record, every dead-letter intent names an
 * {@link RecordState#ARCHIVING} record and every such record has exactly one intent, and intents exist
 * only with a producer. The start offset only ever advances past {@link RecordState#done() done} records.
 *
 * @param version      the item's version; every write is conditional on it
 * @param topicId      the incarnation of the topic the offsets belong to
 * @param keyHashes    a hash of each window record's key (null without a key), for {@code ordering: key}
 * @param deadLetters  pending dead-letter intents, in sequence order
 * @param producer     the share-partition's dead-letter producer, once it has needed one
 * @param accepted     records accepted so far
 * @param archived     records archived so far (rejected or out of attempts)
 * @param deadLettered dead-letter copies confirmed so far
 * @param skipped      records that retention removed from the log before they were done
 */
public record SharePartition(String group, String topic, int partition, String topicId, long version,
                             long startOffset, List<Range> ranges, List<Integer> keyHashes,
                             List<DeadLetter> deadLetters, DeadLetterProducer producer,
                             long accepted, long archived, long deadLettered, long skipped) {

    /** Kafka's default for {@code group.share.partition.max.record.locks}. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1_000;

    /**
     * What a share-partition's transitions depend on in its group's configuration.
     *
     * @param deliveryAttemptLimit a record acquired this many times without being accepted is archived
     * @param maxInFlight          the most records the window holds
     * @param keyOrdering          {@code ordering: key}: a record is never acquired while an earlier record
     *                             of the same key hash is in the window and not done
     * @param deadLetter           archived records are dead-lettered (the group has a dead-letter topic)
     */
    public record Rules(int deliveryAttemptLimit, int maxInFlight, boolean keyOrdering, boolean deadLetter) {
        public Rules {
            if (deliveryAttemptLimit < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("deliveryAttemptLimit and maxInFlight must be positive");
            }
        }
    }

    /** A record read from the log, offered to {@link #acquire}: its offset and its key's hash (null if none). */
    public record Candidate(long offset, Integer keyHash) {
    }

    /** A record a fetch acquired. */
    public record Acquired(long offset, int deliveryCount, long expiresAt) {
    }

    /** The outcome of {@link #acquire}: the next state (to write if {@code changed}) and what was acquired. */
    public record Acquisition(SharePartition next, List<Acquired> acquired, boolean changed) {
    }

    /** One offset of an acknowledgement. */
    public record Ack(long offset, String lockToken, AcknowledgeType type) {
    }

    /** The outcome of {@link #acknowledge}: the next state and one status per ack, in order. */
    public record Acknowledgement(SharePartition next, List<AckStatus> statuses, boolean changed) {
    }

    public SharePartition {
        Objects.requireNonNull(group);
        Objects.requireNonNull(topic);
        Objects.requireNonNull(topicId);
        ranges = List.copyOf(ranges);
        keyHashes = java.util.Collections.unmodifiableList(new ArrayList<>(keyHashes));
        deadLetters = List.copyOf(deadLetters);
        if (startOffset < 0 || version < 0) {
            throw new IllegalArgumentException("negative start offset or version");
        }
        long size = 0;
        for (Range r : ranges) {
            size += r.count();
        }
        if (keyHashes.size() != size) {
            throw new IllegalArgumentException("one key hash per window record: " + keyHashes.size() + " for " + size);
        }
        if (!deadLetters.isEmpty() && producer == null) {
            throw new IllegalArgumentException("dead-letter intents need a producer");
        }
        Set<Long> archiving = new HashSet<>();
        long offset = startOffset;
        for (Range r : ranges) {
            if (r.recordState() == RecordState.ARCHIVING) {
                for (int i = 0; i < r.count(); i++) {
                    archiving.add(offset + i);
                }
            }
            offset += r.count();
        }
        Set<Long> intents = new HashSet<>();
        for (DeadLetter d : deadLetters) {
            if (!intents.add(d.offset())) {
                throw new IllegalArgumentException("two dead-letter intents for offset " + d.offset());
            }
        }
        if (!intents.equals(archiving)) {
            throw new IllegalArgumentException("dead-letter intents " + intents + " and archiving records "
                    + archiving + " differ");
        }
    }

    /** A new share-partition whose first record is {@code startOffset}. */
    public static SharePartition initial(String group, String topic, int partition, String topicId, long startOffset) {
        return new SharePartition(group, topic, partition, topicId, 0, startOffset, List.of(), List.of(), List.of(),
                null, 0, 0, 0, 0);
    }

    /** The first offset not in the window: every record from here on is new. */
    public long endOffset() {
        long end = startOffset;
        for (Range r : ranges) {
            end += r.count();
        }
        return end;
    }

    public int windowSize() {
        return keyHashes.size();
    }

    /** The state of {@code offset} (done below the start offset; null at or past the end: never delivered). */
    public RecordState stateOf(long offset) {
        if (offset < startOffset) {
            return RecordState.ACKNOWLEDGED;
        }
        long at = startOffset;
        for (Range r : ranges) {
            if (offset < at + r.count()) {
                return r.recordState();
            }
            at += r.count();
        }
        return null;
    }

    /** Records in the window acquired under a lock that has not expired at {@code now}. */
    public int acquiredAt(long now) {
        int n = 0;
        for (Range r : ranges) {
            if (r.recordState() == RecordState.ACQUIRED && r.expiresAt() > now) {
                n += r.count();
            }
        }
        return n;
    }

    /** Window records that a fetch may acquire at {@code now}: available, or acquired under an expired lock. */
    public int availableAt(long now) {
        int n = 0;
        for (Range r : ranges) {
            if (r.recordState() == RecordState.AVAILABLE
                    || (r.recordState() == RecordState.ACQUIRED && r.expiresAt() <= now)) {
                n += r.count();
            }
        }
        return n;
    }

    /** Records in the window that are done or being dead-lettered. */
    public int archivedInWindow() {
        int n = 0;
        for (Range r : ranges) {
            if (r.recordState() == RecordState.ARCHIVED || r.recordState() == RecordState.ARCHIVING) {
                n += r.count();
            }
        }
        return n;
    }

    /** Window records not done. */
    public int notDoneInWindow() {
        int n = 0;
        for (Range r : ranges) {
            if (!r.recordState().done()) {
                n += r.count();
            }
        }
        return n;
    }

    /**
     * Where a fetch should start reading the log to find acquirable records: the first window record
     * that is available or whose lock has expired, else the end offset.
     */
    public long firstAcquirable(long now) {
        long at = startOffset;
        for (Range r : ranges) {
            if (r.recordState() == RecordState.AVAILABLE
                    || (r.recordState() == RecordState.ACQUIRED && r.expiresAt() <= now)) {
                return at;
            }
            at += r.count();
        }
        return at;
    }

    /** Whether a fetch may find something here, given the partition's high watermark. */
    public boolean mayHaveWork(long now, long highWatermark, Rules rules) {
        return availableAt(now) > 0 || (endOffset() < highWatermark && windowSize() < rules.maxInFlight());
    }

    // ---- transitions ----

    /**
     * Acquires up to {@code maxRecords} records under {@code lockToken} until {@code now + lockMs}, among
     * the {@code read} records (ascending offsets, as read from the log). First, every lock expired at
     * {@code now} is dropped: its record becomes available, or archived if it has used
     * {@code deliveryAttemptLimit} attempts. Then, in offset order, a record is acquired if it is available
     * (or the next new one, while the window has room), it was read, and under key ordering no earlier
     * record with its key hash is in the window and not done. Each acquisition adds one to its delivery
     * count.
     */
    public Acquisition acquire(Rules rules, long now, String lockToken, long lockMs, int maxRecords,
                               List<Candidate> read) {
        Objects.requireNonNull(lockToken);
        if (lockMs < 1 || maxRecords < 1) {
            throw new IllegalArgumentException("lockMs and maxRecords must be positive");
        }
        Window w = new Window(this);
        for (int i = 0; i < w.slots.size(); i++) {
            Window.Slot s = w.slots.get(i);
            boolean expired = s.state == RecordState.ACQUIRED && s.expiresAt <= now;
            if (expired || s.state == RecordState.AVAILABLE) {
                if (s.count >= rules.deliveryAttemptLimit()) {
                    w.archive(i, DeadLetter.EXHAUSTED, rules);
                } else if (expired) {
                    w.release(i);
                }
            }
        }
        java.util.Map<Long, Integer> readable = new java.util.HashMap<>();
        Set<Long> wasRead = new HashSet<>();
        for (Candidate c : read) {
            wasRead.add(c.offset());
            readable.put(c.offset(), c.keyHash());
        }
        // New records join the window only as far as the read reaches without a gap.
        long end = w.start + w.slots.size();
        while (w.slots.size() < rules.maxInFlight() && wasRead.contains(end)) {
            w.slots.add(new Window.Slot(RecordState.AVAILABLE, 0, null, 0, readable.get(end)));
            end++;
        }
        List<Acquired> acquired = new ArrayList<>();
        Set<Integer> blocked = new HashSet<>();
        for (int i = 0; i < w.slots.size(); i++) {
            Window.Slot s = w.slots.get(i);
            if (s.state.done() || s.state == RecordState.ARCHIVING) {
                continue;
            }
            long offset = w.start + i;
            boolean free = !rules.keyOrdering() || s.hash == null || !blocked.contains(s.hash);
            if (s.state == RecordState.AVAILABLE && free && wasRead.contains(offset) && acquired.size() < maxRecords) {
                s.state = RecordState.ACQUIRED;
                s.count++;
                s.token = lockToken;
                s.expiresAt = now + lockMs;
                acquired.add(new Acquired(offset, s.count, s.expiresAt));
            }
            if (s.hash != null) {
                blocked.add(s.hash);
            }
        }
        SharePartition next = w.toState(this);
        return new Acquisition(next, List.copyOf(acquired), !next.sameAs(this));
    }

    /**
     * Applies acknowledgements in order; each names the lock token it holds. A record's ack is applied
     * only if the record is acquired under that token and the lock has not expired at {@code now}.
     */
    public Acknowledgement acknowledge(Rules rules, long now, long lockMs, List<Ack> acks) {
        Window w = new Window(this);
        List<AckStatus> statuses = new ArrayList<>(acks.size());
        for (Ack ack : acks) {
            long offset = ack.offset();
            if (offset < w.start) {
                statuses.add(AckStatus.ALREADY_DONE);
                continue;
            }
            if (offset >= w.start + w.slots.size()) {
                statuses.add(AckStatus.INVALID_LOCK);
                continue;
            }
            int i = (int) (offset - w.start);
            Window.Slot s = w.slots.get(i);
            if (s.state.done() || s.state == RecordState.ARCHIVING) {
                statuses.add(AckStatus.ALREADY_DONE);
                continue;
            }
            if (s.state != RecordState.ACQUIRED || !s.token.equals(ack.lockToken())) {
                statuses.add(AckStatus.INVALID_LOCK);
                continue;
            }
            if (s.expiresAt <= now) {
                statuses.add(AckStatus.LOCK_EXPIRED);
                continue;
            }
            switch (ack.type()) {
                case ACCEPT -> {
                    s.state = RecordState.ACKNOWLEDGED;
                    s.token = null;
                    s.expiresAt = 0;
                    w.accepted++;
                }
                case RELEASE -> {
                    if (s.count >= rules.deliveryAttemptLimit()) {
                        w.archive(i, DeadLetter.EXHAUSTED, rules);
                    } else {
                        w.release(i);
                    }
                }
                case REJECT -> w.archive(i, DeadLetter.REJECTED, rules);
                case RENEW -> s.expiresAt = now + lockMs;
            }
            statuses.add(AckStatus.OK);
        }
        SharePartition next = w.toState(this);
        return new Acknowledgement(next, List.copyOf(statuses), !next.sameAs(this));
    }

    /** The dead-letter copies of {@code offsets} are in the log: their records are done. */
    public SharePartition deadLettered(Collection<Long> offsets) {
        Window w = new Window(this);
        for (long offset : offsets) {
            int i = (int) (offset - w.start);
            if (offset < w.start || i >= w.slots.size() || w.slots.get(i).state != RecordState.ARCHIVING) {
                throw new IllegalArgumentException("offset " + offset + " has no pending dead-letter intent");
            }
            w.slots.get(i).state = RecordState.ARCHIVED;
            w.deadLetters.removeIf(d -> d.offset() == offset);
            w.deadLettered++;
        }
        return w.toState(this);
    }

    /**
     * Retention removed every record below {@code logStartOffset}: the window drops them (counting in
     * {@code skipped} those not done, and dropping their dead-letter intents, whose records are gone).
     */
    public SharePartition skipTo(long logStartOffset) {
        if (logStartOffset <= startOffset) {
            return this;
        }
        Window w = new Window(this);
        while (w.start < logStartOffset) {
            if (w.slots.isEmpty()) {
                w.start = logStartOffset;
                break;
            }
            Window.Slot s = w.slots.remove(0);
            long offset = w.start;
            if (!s.state.done()) {
                w.skipped++;
            }
            w.deadLetters.removeIf(d -> d.offset() == offset);
            w.start++;
        }
        return w.toState(this);
    }

    /**
     * Moves the start offset to {@code offset} with an empty window.
     *
     * @throws IllegalStateException if a record is acquired under a lock unexpired at {@code now}, or a
     *                               dead-letter intent is pending
     */
    public SharePartition resetTo(long offset, long now) {
        if (acquiredAt(now) > 0 || !deadLetters.isEmpty()) {
            throw new IllegalStateException("share-partition " + topic + "/" + partition + " has acquired records"
                    + " or pending dead letters");
        }
        return new SharePartition(group, topic, partition, topicId, version + 1, offset, List.of(), List.of(),
                List.of(), producer, accepted, archived, deadLettered, skipped);
    }

    /** Sets the dead-letter producer; only while no intent is pending. */
    public SharePartition withProducer(DeadLetterProducer next) {
        if (!deadLetters.isEmpty()) {
            throw new IllegalStateException("the dead-letter producer changes only when no intent is pending");
        }
        return new SharePartition(group, topic, partition, topicId, version + 1, startOffset, ranges, keyHashes,
                deadLetters, next, accepted, archived, deadLettered, skipped);
    }

    /**
     * A fresh producer for the pending intents, numbered from its sequence 0 in order: only after the log
     * forgot the old producer (UNKNOWN_PRODUCER), so none of them can be answered from its dedupe state.
     */
    public SharePartition renumberDeadLetters(DeadLetterProducer fresh) {
        List<DeadLetter> renumbered = new ArrayList<>();
        long sequence = 0;
        for (DeadLetter d : deadLetters) {
            renumbered.add(new DeadLetter(d.offset(), d.deliveryCount(), d.reason(), sequence++));
        }
        return new SharePartition(group, topic, partition, topicId, version + 1, startOffset, ranges, keyHashes,
                renumbered, fresh.withNextSequence(sequence), accepted, archived, deadLettered, skipped);
    }

    /** The same state apart from the version. */
    public boolean sameAs(SharePartition other) {
        return startOffset == other.startOffset && ranges.equals(other.ranges) && keyHashes.equals(other.keyHashes)
                && deadLetters.equals(other.deadLetters) && Objects.equals(producer, other.producer)
                && accepted == other.accepted && archived == other.archived && deadLettered == other.deadLettered
                && skipped == other.skipped && topicId.equals(other.topicId);
    }

    /** The window expanded to one mutable slot per record, for the transitions; compacted back by toState. */
    private static final class Window {

        static final class Slot {
            RecordState state;
            int count;
            String token;
            long expiresAt;
            final Integer hash;

            Slot(RecordState state, int count, String token, long expiresAt, Integer hash) {
                this.state = state;
                this.count = count;
                this.token = token;
                this.expiresAt = expiresAt;
                this.hash = hash;
            }
        }

        long start;
        final ArrayList<Slot> slots = new ArrayList<>();
        final ArrayList<DeadLetter> deadLetters;
        DeadLetterProducer producer;
        long accepted;
        long archived;
        long deadLettered;
        long skipped;

        Window(SharePartition p) {
            start = p.startOffset;
            int i = 0;
            for (Range r : p.ranges) {
                for (int k = 0; k < r.count(); k++) {
                    slots.add(new Slot(r.recordState(), r.deliveryCount(), r.lockToken(), r.expiresAt(),
                            p.keyHashes.get(i++)));
                }
            }
            deadLetters = new ArrayList<>(p.deadLetters);
            producer = p.producer;
            accepted = p.accepted;
            archived = p.archived;
            deadLettered = p.deadLettered;
            skipped = p.skipped;
        }

        void release(int i) {
            Slot s = slots.get(i);
            s.state = RecordState.AVAILABLE;
            s.token = null;
            s.expiresAt = 0;
        }

        void archive(int i, char reason, Rules rules) {
            Slot s = slots.get(i);
            s.token = null;
            s.expiresAt = 0;
            archived++;
            if (rules.deadLetter()) {
                if (producer == null) {
                    throw new IllegalStateException("dead-lettering needs the share-partition's producer first");
                }
                s.state = RecordState.ARCHIVING;
                deadLetters.add(new DeadLetter(start + i, s.count, reason, producer.nextSequence()));
                producer = producer.withNextSequence(producer.nextSequence() + 1);
            } else {
                s.state = RecordState.ARCHIVED;
            }
        }

        SharePartition toState(SharePartition from) {
            int done = 0;
            while (done < slots.size() && slots.get(done).state.done()) {
                done++;
            }
            slots.subList(0, done).clear();
            start += done;
            List<Range> ranges = new ArrayList<>();
            List<Integer> hashes = new ArrayList<>(slots.size());
            Slot run = null;
            int runLength = 0;
            for (Slot s : slots) {
                hashes.add(s.hash);
                if (run != null && run.state == s.state && run.count == s.count
                        && Objects.equals(run.token, s.token) && run.expiresAt == s.expiresAt) {
                    runLength++;
                    continue;
                }
                if (run != null) {
                    ranges.add(new Range(runLength, run.state.code(), run.count, run.token, run.expiresAt));
                }
                run = s;
                runLength = 1;
            }
            if (run != null) {
                ranges.add(new Range(runLength, run.state.code(), run.count, run.token, run.expiresAt));
            }
            return new SharePartition(from.group, from.topic, from.partition, from.topicId, from.version + 1, start,
                    ranges, hashes, deadLetters, producer, accepted, archived, deadLettered, skipped);
        }
    }
}
