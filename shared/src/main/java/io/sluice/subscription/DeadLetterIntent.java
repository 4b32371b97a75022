package io.sluice.subscription;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Records about to be dead-lettered, written into the lane item (with the lane's dead-letter producer's
 * sequence) before they are produced, and cleared by the write that moves the lane past them. A
 * dispatcher that dies in between leaves the intent; its successor produces the same records with the
 * same sequence, which the log answers from its dedupe state, so they land exactly once.
 *
 * @param offsets  the records' offsets, ascending
 * @param resume   the lane's position once they are dead-lettered
 * @param sequence the idempotent sequence of the first of them
 * @param error    why they failed, copied into the dead-letter records' headers
 */
public record DeadLetterIntent(@JsonProperty("o") List<Long> offsets, @JsonProperty("r") long resume,
                               @JsonProperty("q") long sequence, @JsonProperty("e") String error) {

    public DeadLetterIntent {
        offsets = List.copyOf(offsets);
        if (offsets.isEmpty()) {
            throw new IllegalArgumentException("a dead-letter intent names at least one record");
        }
    }
}
