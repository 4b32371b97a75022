package io.sluice.log;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.ProducerState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deduplication of an idempotent producer's batch on one partition head, and the bounded table of
 * producer states the head keeps for it (docs/architecture.md, "Idempotent producer").
 *
 * <p>The guarantee: a retried batch is answered with its original offsets, and never appended again, as
 * long as it is one of the producer's last {@link ProducerState#MAX_BATCHES} batches on the partition and
 * the producer wrote the partition less than {@link #DEDUPE_WINDOW_MS} ago. A batch is a retry only if its
 * records are the same: each remembered batch carries its {@link BatchChecksum}, and one with the same
 * sequences but other records is refused with INVALID_SEQUENCE, never answered with the old offsets. To
 * keep it:
 *
 * <ul>
 *   <li><b>The head's clock.</b> Idleness is measured on the head's own clock, the later of the writer's
 *       time and the newest {@code lastWrite} in the head, and a writer stamps its state with that clock,
 *       not its own. Writers run on different machines; a writer whose clock is behind would otherwise
 *       stamp its state older than others' and evict it first, or, as the oldest, in its own commit. The
 *       head's clock never goes backwards while the head holds a state.</li>
 *   <li><b>No eviction inside the window.</b> A state idle for less than the window is never evicted.
 *       A new producer that needs one of the {@link #MAX_PRODUCERS} slots when none is idle that long is
 *       refused with TOO_MANY_PRODUCERS, and nothing is written; a state idle past the window may be
 *       evicted, least recently written first, to make room. The writer's own state is never evicted.</li>
 *   <li><b>Expiry.</b> A state idle for more than {@link #STATE_TTL_MS} is dropped at the next commit.</li>
 * </ul>
 *
 * A writer whose clock runs ahead moves the head's clock forward for everyone, and so can shorten the
 * window of the others by as much as it is ahead; Lambda hosts keep their clocks in step with the Amazon
 * Time Sync Service, far inside an hour.
 */
final class ProducerDedupe {

    static final int MAX_PRODUCERS = 50;
    static final long DEDUPE_WINDOW_MS = 60L * 60 * 1000;
    static final long STATE_TTL_MS = 24L * 60 * 60 * 1000;

    /** Either a duplicate's original base offset, or the head's producer states after committing the batch. */
    record Decision(Long duplicateOf, Map<Long, ProducerState> producers) {
    }

    private ProducerDedupe() {
    }

    /**
     * Decides a batch of {@code count} records from {@code baseSequence} against {@code head}.
     *
     * @param where    the partition, for messages
     * @param checksum the batch's {@link BatchChecksum}: a remembered batch with the same sequences but
     *                 another checksum is a different batch, refused with INVALID_SEQUENCE
     * @param now      the writer's clock
     * @throws SluiceException FENCED, OUT_OF_ORDER_SEQUENCE, DUPLICATE_SEQUENCE, INVALID_SEQUENCE,
     *                         UNKNOWN_PRODUCER, TOO_MANY_PRODUCERS
     */
    static Decision decide(String where, PartitionHead head, long producerId, long producerEpoch, long baseSequence,
                           int count, int checksum, long now) {
        ProducerState state = head.producers().get(producerId);
        Long duplicateOf = checkSequence(where, state, producerId, producerEpoch, baseSequence, count, checksum);
        if (duplicateOf != null) {
            return new Decision(duplicateOf, null);
        }
        ProducerState.SequencedBatch batch =
                new ProducerState.SequencedBatch(baseSequence, baseSequence + count - 1, head.nextOffset(), checksum);
        return new Decision(null, nextProducers(where, head.producers(), producerId, producerEpoch, state, batch, now));
    }

    /** Null to append; the original base offset for a duplicate; throws for a gap or a fenced epoch. */
    private static Long checkSequence(String where, ProducerState state, long producerId, long producerEpoch,
                                      long baseSequence, int count, int checksum) {
        if (state == null) {
            if (baseSequence != 0) {
                throw new SluiceException(ErrorCode.UNKNOWN_PRODUCER, "partition " + where + " has no state for "
                        + "producer " + producerId + " (never written, or evicted); sequences start at 0: call init"
                        + " again");
            }
            return null;
        }
        if (producerEpoch < state.epoch()) {
            throw new SluiceException(ErrorCode.FENCED, "producer " + producerId + " has written " + where
                    + " at epoch " + state.epoch() + "; epoch " + producerEpoch + " is fenced");
        }
        if (producerEpoch > state.epoch()) {
            if (baseSequence != 0) {
                throw new SluiceException(ErrorCode.OUT_OF_ORDER_SEQUENCE, "a new epoch starts at sequence 0 on "
                        + where + ", got " + baseSequence);
            }
            return null;
        }
        long lastSequence = baseSequence + count - 1;
        for (ProducerState.SequencedBatch batch : state.batches()) {
            if (batch.baseSequence() == baseSequence && batch.lastSequence() == lastSequence) {
                // A batch remembered without a checksum (by a server before format 2) is trusted, as it was.
                if (batch.checksum() != null && batch.checksum() != checksum) {
                    throw new SluiceException(ErrorCode.INVALID_SEQUENCE, "sequences " + baseSequence + " to "
                            + lastSequence + " on " + where + " were committed with other records (checksum "
                            + Integer.toUnsignedString(batch.checksum()) + ", this batch "
                            + Integer.toUnsignedString(checksum) + "): not a retry but a different batch reusing"
                            + " sequences; nothing was written. Bump the epoch (init with the producer id) and"
                            + " start again at sequence 0", Map.of("expectedSequence", state.lastSequence() + 1));
                }
                return batch.baseOffset();
            }
        }
        long expected = state.lastSequence() + 1;
        if (baseSequence == expected) {
            return null;
        }
        if (baseSequence < expected) {
            throw new SluiceException(ErrorCode.DUPLICATE_SEQUENCE, "sequence " + baseSequence + " on " + where
                    + " was committed before the last " + ProducerState.MAX_BATCHES + " batches; expected "
                    + expected, Map.of("expectedSequence", expected));
        }
        throw new SluiceException(ErrorCode.OUT_OF_ORDER_SEQUENCE, "sequence " + baseSequence + " on " + where
                + " leaves a gap; expected " + expected, Map.of("expectedSequence", expected));
    }

    /**
     * The head's producer states after this batch: the producer's newest batches stamped with the head's
     * clock, without states idle past {@link #STATE_TTL_MS}, and within {@link #MAX_PRODUCERS} by evicting
     * the least recently written of those idle past {@link #DEDUPE_WINDOW_MS}.
     */
    private static Map<Long, ProducerState> nextProducers(String where, Map<Long, ProducerState> producers,
                                                          long producerId, long producerEpoch, ProducerState state,
                                                          ProducerState.SequencedBatch batch, long now) {
        long clock = Math.max(now, producers.values().stream().mapToLong(ProducerState::lastWrite).max().orElse(now));
        List<ProducerState.SequencedBatch> batches = new ArrayList<>();
        if (state != null && state.epoch() == producerEpoch) {
            batches.addAll(state.batches());
        }
        batches.add(batch);
        if (batches.size() > ProducerState.MAX_BATCHES) {
            batches = batches.subList(batches.size() - ProducerState.MAX_BATCHES, batches.size());
        }
        Map<Long, ProducerState> next = new TreeMap<>(producers);
        next.put(producerId, new ProducerState(producerEpoch, batches, clock));
        next.entrySet().removeIf(e -> e.getKey() != producerId && clock - e.getValue().lastWrite() > STATE_TTL_MS);
        if (next.size() <= MAX_PRODUCERS) {
            return next;
        }
        List<Long> evictable = next.entrySet().stream()
                .filter(e -> e.getKey() != producerId && clock - e.getValue().lastWrite() >= DEDUPE_WINDOW_MS)
                .sorted(Comparator.comparingLong((Map.Entry<Long, ProducerState> e) -> e.getValue().lastWrite())
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .toList();
        for (Long evicted : evictable) {
            if (next.size() <= MAX_PRODUCERS) {
                break;
            }
            next.remove(evicted);
        }
        if (next.size() > MAX_PRODUCERS && state == null) {
            long oldest = producers.values().stream().mapToLong(ProducerState::lastWrite).min().orElse(clock);
            long retryAfter = Math.max(1, oldest + DEDUPE_WINDOW_MS - clock);
            throw new SluiceException(ErrorCode.TOO_MANY_PRODUCERS, "partition " + where + " already keeps the"
                    + " state of " + MAX_PRODUCERS + " producers (the limit), each written within the last "
                    + DEDUPE_WINDOW_MS / 60_000 + " minutes, so none may be forgotten yet; retry in "
                    + retryAfter + " ms, or write this partition from fewer producers",
                    Map.of("maxProducers", MAX_PRODUCERS, "dedupeWindowMs", DEDUPE_WINDOW_MS,
                            "retryAfterMs", retryAfter));
        }
        return next;
    }
}
