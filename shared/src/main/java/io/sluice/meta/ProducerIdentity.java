package io.sluice.meta;

/** A producer id and its current epoch; a lower epoch of the same id is fenced. */
public record ProducerIdentity(long producerId, long producerEpoch) {
}
