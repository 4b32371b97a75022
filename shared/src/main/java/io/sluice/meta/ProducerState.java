package io.sluice.meta;

import java.util.List;

/**
 * What a partition head remembers of one idempotent producer: its epoch, its last few batches (so a
 * retried batch can be answered with its original offsets), and when it last wrote.
 *
 * @param batches the newest {@link #MAX_BATCHES} batches, oldest first
 */
public record ProducerState(long epoch, List<SequencedBatch> batches, long lastWrite) {

    /** Batches remembered per producer and partition, as Kafka keeps five for max.in.flight = 5. */
    public static final int MAX_BATCHES = 5;

    /**
     * A committed batch: sequences {@code [baseSequence, lastSequence]} at offsets from {@code baseOffset}, and
     * the checksum of its records as the producer sent them ({@code io.sluice.log.BatchChecksum}), so that a
     * different batch sent with the same sequences is refused rather than answered with these offsets. A
     * null checksum: the batch was remembered by a server before checksums (format 1 and JSON states).
     */
    public record SequencedBatch(long baseSequence, long lastSequence, long baseOffset, Integer checksum) {
        /** A batch remembered without a checksum. */
        public SequencedBatch(long baseSequence, long lastSequence, long baseOffset) {
            this(baseSequence, lastSequence, baseOffset, null);
        }
    }

    public ProducerState {
        batches = List.copyOf(batches);
    }

    public long lastSequence() {
        return batches.isEmpty() ? -1 : batches.get(batches.size() - 1).lastSequence();
    }
}
