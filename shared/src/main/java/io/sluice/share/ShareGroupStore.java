package io.sluice.share;

import java.util.List;
import java.util.Optional;

/**
 * Where share groups live: a config item per group and one item per share-partition, in DynamoDB in AWS,
 * dynalite locally, maps in unit tests. Every change is a single-item write conditional on the item's
 * version; every implementation is held to the same contract test (ShareGroupStoreContract), and refuses,
 * as DynamoDB would, a share-partition over {@link ShareItem#MAX_BYTES}.
 */
public interface ShareGroupStore {

    Optional<ShareGroupConfig> getConfig(String group);

    /**
     * Writes the config if the stored one's version is {@code expectedVersion} (0: must not exist);
     * {@code next.version()} must be {@code expectedVersion + 1}.
     */
    boolean putConfig(long expectedVersion, ShareGroupConfig next);

    /** Deletes the config if its version is still {@code expectedVersion}. */
    boolean deleteConfig(String group, long expectedVersion);

    /** Every group with a config item, in name order (an operator's listing; a Scan in DynamoDB). */
    List<String> listGroups();

    /** The share-partition of group incarnation {@code groupId}; one left by an earlier incarnation is absent. */
    Optional<SharePartition> getPartition(String group, String groupId, String topic, int partition);

    /**
     * Replaces the share-partition if its version is {@code expectedVersion} and it belongs to incarnation
     * {@code groupId} (0: it must not exist, or belong to an earlier incarnation);
     * {@code next.version()} must be {@code expectedVersion + 1}.
     *
     * @throws IllegalStateException if the item would exceed {@link ShareItem#MAX_BYTES} (nothing written)
     */
    boolean compareAndSet(String groupId, long expectedVersion, SharePartition next);

    /** Every share-partition of incarnation {@code groupId}, by topic and partition. */
    List<SharePartition> partitions(String group, String groupId);

    /** Removes a share-partition item whatever it holds (deleting a group). */
    void deletePartition(String group, String topic, int partition);
}
