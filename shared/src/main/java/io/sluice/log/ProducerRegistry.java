package io.sluice.log;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.ProducerRegistryStore;
import io.sluice.meta.ProducerIdentity;
import io.sluice.meta.TopicConfig;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Init for idempotent producers, as Kafka's InitProducerId. A named producer keeps its id for life; each
 * init bumps its epoch, which fences every earlier instance. An unnamed producer gets a fresh id.
 */
public final class ProducerRegistry {

    private static final int MAX_ATTEMPTS = 64;

    private final ProducerRegistryStore metadata;
    private final Clock clock;
    private final Backoff backoff;

    public ProducerRegistry(ProducerRegistryStore metadata, Clock clock, Backoff backoff) {
        this.metadata = metadata;
        this.clock = clock;
        this.backoff = backoff;
    }

    /** @param name a client-chosen name ({@code [a-zA-Z0-9._-]{1,249}}), or null for a one-off producer */
    public ProducerIdentity init(String name) {
        if (name != null && !TopicConfig.NAME.matcher(name).matches()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "producer names are 1 to 249 characters of [a-zA-Z0-9._-]");
        }
        long producerId;
        if (name == null) {
            producerId = freshId();
            while (!metadata.compareAndSetProducerEpoch(producerId, -1, 0, clock.millis())) {
                producerId = freshId();
            }
            return new ProducerIdentity(producerId, 0);
        }
        producerId = metadata.producerIdForName(name).orElseGet(() -> metadata.bindProducerName(name, freshId()));
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long current = metadata.producerEpoch(producerId).orElse(-1L);
            if (metadata.compareAndSetProducerEpoch(producerId, current, current + 1, clock.millis())) {
                return new ProducerIdentity(producerId, current + 1);
            }
            backoff.beforeRetry(attempt);
        }
        throw new SluiceException(ErrorCode.CONTENTION, "producer " + name + " is being initialized concurrently");
    }

    /**
     * Bumps the epoch of an initialized producer from {@code epoch}, its current one, to the next: how a
     * producer restarts its sequences after a failure whose outcome is unknown, keeping its id and so its
     * slot in the partitions it writes (Kafka's KIP-360). With a name, the id must be the one bound to it.
     *
     * @throws SluiceException UNKNOWN_PRODUCER (never initialized), FENCED (the epoch is not the current
     *                         one: another instance has initialized since), INVALID_REQUEST
     */
    public ProducerIdentity bumpEpoch(String name, long producerId, long epoch) {
        if (name != null && !metadata.producerIdForName(name).equals(java.util.Optional.of(producerId))) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "producer " + producerId + " is not named " + name);
        }
        long current = metadata.producerEpoch(producerId).orElseThrow(() -> new SluiceException(
                ErrorCode.UNKNOWN_PRODUCER, "producer id " + producerId + " was never initialized"));
        if (current != epoch || !metadata.compareAndSetProducerEpoch(producerId, epoch, epoch + 1, clock.millis())) {
            throw new SluiceException(ErrorCode.FENCED, "producer " + producerId + " is no longer at epoch " + epoch
                    + "; a newer instance has initialized");
        }
        return new ProducerIdentity(producerId, epoch + 1);
    }

    private static long freshId() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }
}
