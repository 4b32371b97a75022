package io.sluice.log;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.ProducerRegistryStore;
import io.sluice.meta.ProducerIdentity;
import io.sluice.meta.TopicConfig;
import io.sluice.meta.ProducerName;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Init for idempotent producers, as Kafka's InitProducerId. A named producer keeps its id for life; each
 * init bumps its epoch, which fences every earlier instance. An unnamed producer gets a fresh id.
 *
 * <p>Owners (issue 16): a producer name, and its id, belong to the principal that first initialized it.
 * Another principal's init of the name is refused unless it is an admin, so nobody can fence a producer
 * that is not theirs. Ids are drawn from {@link SecureRandom}, so they cannot be guessed. An id's owner
 * never changes, so {@link #owner} keeps what it read: a warm function asks the store once per id.
 */
public final class ProducerRegistry {

    private static final int MAX_ATTEMPTS = 64;
    /** Owners remembered per function; past this many the memory starts over (each costs one read again). */
    static final int MAX_CACHED_OWNERS = 10_000;
    private static final SecureRandom IDS = new SecureRandom();

    private final ProducerRegistryStore metadata;
    private final Clock clock;
    private final Backoff backoff;
    private final Map<Long, String> owners = new ConcurrentHashMap<>();

    public ProducerRegistry(ProducerRegistryStore metadata, Clock clock, Backoff backoff) {
        this.metadata = metadata;
        this.clock = clock;
        this.backoff = backoff;
    }

    /** Without an owner: as {@link #init(String, String, boolean)} by no principal, which may take over any name. */
    public ProducerIdentity init(String name) {
        return init(name, null, true);
    }

    /**
     * @param name    a client-chosen name ({@code [a-zA-Z0-9._-]{1,249}}), or null for a one-off producer
     * @param owner   the calling principal, who owns a name (and id) it is the first to initialize
     * @param admin   whether the caller may init a name another principal owns
     * @throws SluiceException NOT_AUTHORIZED when the name is another principal's and the caller no admin;
     *                         the refusal names the producer, never its id or epoch
     */
    public ProducerIdentity init(String name, String owner, boolean admin) {
        if (name != null && !TopicConfig.NAME.matcher(name).matches()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "producer names are 1 to 249 characters of [a-zA-Z0-9._-]");
        }
        long producerId;
        if (name == null) {
            producerId = freshId();
            while (!create(producerId, owner)) {
                producerId = freshId();
            }
            return new ProducerIdentity(producerId, 0);
        }
        ProducerName bound = metadata.producerName(name)
                .orElseGet(() -> metadata.bindProducerName(name, freshId(), owner));
        if (!admin && bound.owner() != null && !bound.owner().equals(owner)) {
            throw new SluiceException(ErrorCode.NOT_AUTHORIZED, owner + " is not authorized to write producer " + name
                    + ": it belongs to another principal", Map.of("operation", "write", "resourceType", "producer",
                    "resourceName", name));
        }
        producerId = bound.producerId();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            long current = metadata.producerEpoch(producerId).orElse(-1L);
            if (current < 0 ? create(producerId, bound.owner())
                    : metadata.compareAndSetProducerEpoch(producerId, current, current + 1, clock.millis())) {
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

    /**
     * The principal that owns {@code producerId}, if it has one (ids made before owners have none). Read
     * once per id and then remembered: an id's owner never changes.
     */
    public Optional<String> owner(long producerId) {
        String known = owners.get(producerId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> owner = metadata.producerOwner(producerId);
        owner.ifPresent(o -> {
            if (owners.size() >= MAX_CACHED_OWNERS) {
                owners.clear();
            }
            owners.put(producerId, o);
        });
        return owner;
    }

    private boolean create(long producerId, String owner) {
        return owner == null ? metadata.compareAndSetProducerEpoch(producerId, -1, 0, clock.millis())
                : metadata.createProducer(producerId, owner, clock.millis());
    }

    /** A positive id from a cryptographic generator: 63 random bits, so no caller can guess another's. */
    private static long freshId() {
        long id;
        do {
            id = IDS.nextLong() & Long.MAX_VALUE;
        } while (id == 0);
        return id;
    }
}
