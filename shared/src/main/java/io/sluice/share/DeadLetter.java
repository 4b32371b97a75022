package io.sluice.share;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A dead-letter intent: recorded in the share-partition item, in the same conditional write that
 * archives the record, before the copy is produced; removed by the write that confirms the copy.
 *
 * @param offset        the archived record's offset in its share-partition
 * @param deliveryCount its delivery count when archived
 * @param reason        {@code R} rejected, {@code E} out of delivery attempts
 * @param sequence      the idempotent sequence the copy is produced with (see {@link DeadLetterProducer})
 */
public record DeadLetter(@JsonProperty("o") long offset, @JsonProperty("c") int deliveryCount,
                         @JsonProperty("r") char reason, @JsonProperty("q") long sequence) {

    public static final char REJECTED = 'R';
    public static final char EXHAUSTED = 'E';

    public DeadLetter {
        if (reason != REJECTED && reason != EXHAUSTED) {
            throw new IllegalArgumentException("unknown dead-letter reason '" + reason + "'");
        }
        if (sequence < 0 || offset < 0) {
            throw new IllegalArgumentException("negative offset or sequence");
        }
    }

    /** The reason as the dead-letter record's header says it: {@code rejected} or {@code exhausted}. */
    public String reasonName() {
        return reason == REJECTED ? "rejected" : "exhausted";
    }
}
