package io.sluice.meta;

import java.util.Optional;

/**
 * The idempotent producers' registry: names bound to producer ids, and each id's epoch.
 * Part of {@link MetadataStore}: one DynamoDB table holds them all, and a service that needs only this
 * part depends on only this interface.
 */
public interface ProducerRegistryStore {

    /** The producer id a client-chosen producer name is bound to, if any. */
    Optional<Long> producerIdForName(String name);

    /** Binds a name to a producer id unless the name is already bound; answers the id it is bound to. */
    long bindProducerName(String name, long producerId);

    /** The current epoch of a producer id, if it was ever initialized. */
    Optional<Long> producerEpoch(long producerId);

    /**
     * Sets a producer's epoch if it is still {@code expectedEpoch} (-1: the producer must not exist yet).
     *
     * @return false if another init got there first
     */
    boolean compareAndSetProducerEpoch(long producerId, long expectedEpoch, long nextEpoch, long now);
}
