package io.sluice.share;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The idempotent producer a share-partition dead-letters with: a producer id of its own (an unnamed
 * init, so no other writer can ever bump its epoch), the one dead-letter partition it writes, and the
 * sequence its next intent takes. Each intent is produced alone, as a one-record batch with its own
 * sequence, so a retry is always the identical batch and the log answers it from its dedupe state.
 */
public record DeadLetterProducer(@JsonProperty("id") long producerId, @JsonProperty("ep") long epoch,
                                 @JsonProperty("tp") String topic, @JsonProperty("p") int partition,
                                 @JsonProperty("q") long nextSequence) {

    public DeadLetterProducer withNextSequence(long next) {
        return new DeadLetterProducer(producerId, epoch, topic, partition, next);
    }
}
