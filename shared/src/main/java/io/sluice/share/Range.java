package io.sluice.share;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A run of consecutive records of a share-partition's window in the same state: the window is stored as
 * these runs, so records fetched together and acknowledged together take one range.
 *
 * @param count         records in the run, at least 1
 * @param state         their state
 * @param deliveryCount how many times each was acquired
 * @param lockToken     the lock token, only for {@link RecordState#ACQUIRED}
 * @param expiresAt     the lock's expiry in epoch millis, only for {@link RecordState#ACQUIRED} (else 0)
 */
public record Range(@JsonProperty("n") int count, @JsonProperty("s") char state, @JsonProperty("c") int deliveryCount,
                    @JsonProperty("t") String lockToken, @JsonProperty("e") long expiresAt) {

    public Range {
        if (count < 1) {
            throw new IllegalArgumentException("a range holds at least one record, was " + count);
        }
        if (deliveryCount < 0) {
            throw new IllegalArgumentException("negative delivery count " + deliveryCount);
        }
        boolean acquired = RecordState.forCode(state) == RecordState.ACQUIRED;
        if (acquired != (lockToken != null)) {
            throw new IllegalArgumentException("a lock token belongs to acquired records, and only to them");
        }
        if (!acquired && expiresAt != 0) {
            throw new IllegalArgumentException("only acquired records have an expiry");
        }
    }

    public RecordState recordState() {
        return RecordState.forCode(state);
    }
}
