package io.sluice.subscription;

import java.util.List;
import java.util.Optional;

/**
 * Where subscriptions live, in the log's one table (DynamoDB in AWS, dynalite locally, maps in unit
 * tests). Every change is one item's write, conditional where two writers could meet; there are no
 * transactions. The item layout is in {@link SubscriptionItems}. Both implementations are held to the
 * same contract test (SubscriptionStoreContract).
 */
public interface SubscriptionStore {

    /** A lane that may have work left: its key and the token of the dispatcher that marked it. */
    record Marker(Dispatch dispatch, String token) {
    }

    Optional<Subscription> get(String name);

    /**
     * Writes the config if the stored one's version is {@code expectedVersion} (0: none may exist);
     * {@code next.version()} must be {@code expectedVersion + 1}.
     */
    boolean put(long expectedVersion, Subscription next);

    /** Deletes the config if its version is still {@code expectedVersion}. */
    boolean delete(String name, long expectedVersion);

    /** Every subscription, by name (a Scan in DynamoDB: for operators, not hot paths). */
    List<Subscription> list();

    /** Adds {@code name} to the subscriptions of {@code topic} (the produce path's lookup). */
    void index(String topic, String name, int parallelizationFactor);

    void unindex(String topic, String name);

    /** The subscriptions of {@code topic}, name to parallelization factor; one Query. */
    java.util.Map<String, Integer> byTopic(String topic);

    Optional<Lane> lane(Dispatch dispatch);

    /** As {@link #put}, for a lane: 0 means it must not exist. */
    boolean putLane(long expectedVersion, Lane next);

    /** Every lane of a subscription, by partition and lane. */
    List<Lane> lanes(String name);

    void deleteLane(Dispatch dispatch);

    /** Marks the lane for the sweep, with {@code token}, replacing any earlier mark. */
    void mark(Dispatch dispatch, String token);

    /** Removes the lane's mark if it still carries {@code token}. */
    boolean unmark(Dispatch dispatch, String token);

    /** Every marked lane (one Query, whatever the number of subscriptions). */
    List<Marker> marked();
}
