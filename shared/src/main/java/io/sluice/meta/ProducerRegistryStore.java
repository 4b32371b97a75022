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

    /** A name's binding with its owner, if the name is bound. */
    Optional<ProducerName> producerName(String name);

    /**
     * Binds a name to a producer id owned by {@code owner}, unless the name is already bound; answers the
     * binding that is stored, which is another's if another bind got there first.
     */
    ProducerName bindProducerName(String name, long producerId, String owner);

    /** The principal that owns a producer id, if the id was created with one. */
    Optional<String> producerOwner(long producerId);

    /**
     * Creates a producer id at epoch 0, owned by {@code owner}, unless the id exists.
     *
     * @return false if the id already exists (nothing changes)
     */
    boolean createProducer(long producerId, String owner, long now);

    /** The current epoch of a producer id, if it was ever initialized. */
    Optional<Long> producerEpoch(long producerId);

    /**
     * Sets a producer's epoch if it is still {@code expectedEpoch} (-1: the producer must not exist yet).
     *
     * @return false if another init got there first
     */
    boolean compareAndSetProducerEpoch(long producerId, long expectedEpoch, long nextEpoch, long now);
}
