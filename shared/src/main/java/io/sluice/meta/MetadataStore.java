package io.sluice.meta;

import java.util.List;
import java.util.Optional;

/**
 * The metadata of every topic and partition: DynamoDB in AWS, dynalite locally, maps in unit tests.
 * Every change is a single-item conditional write; there are no transactions. Reads are strongly
 * consistent. Every implementation is held to the same contract test.
 */
public interface MetadataStore {

    /**
     * Stores a new topic. Its topicId must sort after the id of any deleted incarnation of the same name
     * ({@link #deletedTopicId(String)}), so that incarnations are ordered however the clocks of the
     * Lambdas that created them disagree.
     *
     * @throws io.sluice.error.SluiceException TOPIC_EXISTS if the name is taken, CONFLICT if a deleted
     *                                         incarnation's id does not sort before the new one
     */
    void createTopic(TopicConfig topic);

    /** The topicId of the last deleted incarnation of a name that is free now, if it was ever used. */
    Optional<String> deletedTopicId(String name);

    Optional<TopicConfig> getTopic(String name);

    /** Every topic, in name order. */
    List<TopicConfig> listTopics();

    /**
     * Replaces the topic's META item by a tombstone that remembers {@code topicId}, if it is still that
     * incarnation; false if it was not.
     */
    boolean deleteTopic(String name, String topicId);

    /** The stored head, strongly consistent; empty if the partition was never written. */
    Optional<PartitionHead> getHead(String topic, int partition);

    /** Heads of partitions {@code 0..partitions-1}, in order; absent ones are missing from the list. */
    List<PartitionHead> getHeads(String topic, int partitions);

    /**
     * Replaces the head if its stored version is still {@code expectedVersion} (0: the item must not
     * exist) and the stored head belongs to {@code next}'s incarnation or an older one. The new head's
     * version must be {@code expectedVersion + 1}. A head of a topic re-created under the same name starts
     * counting versions again, so the version alone does not fence a writer of a deleted incarnation: the
     * incarnation does ({@link Incarnations}).
     *
     * @return false if another writer got there first, or the stored head is of a newer incarnation;
     *         nothing was changed
     */
    boolean compareAndSetHead(long expectedVersion, PartitionHead next);

    /**
     * Writes an index entry unless an entry of the same or a newer incarnation is already stored at its
     * base offset. Writing the same entry twice is harmless; an entry left behind by an older incarnation
     * is replaced; an entry of a newer incarnation is never replaced by a writer of an older one.
     *
     * @return true if this call wrote it
     */
    boolean putIndexEntryIfAbsent(IndexEntry entry);

    /** The entry of incarnation {@code topicId} with the greatest base offset at or below {@code offset}. */
    Optional<IndexEntry> floorEntry(String topic, int partition, String topicId, long offset);

    /** Up to {@code limit} entries of incarnation {@code topicId} with base offset at or above {@code fromOffset}, ascending. */
    List<IndexEntry> entriesFrom(String topic, int partition, String topicId, long fromOffset, int limit);

    /**
     * Fences a partition of deleted incarnation {@code topicId}: replaces its head (or, if the partition
     * was never written, creates one) by an empty head of {@link Incarnations#fenceOf(String)} at the next
     * version, unless a head of a later incarnation is stored. One conditional write, after which no writer
     * of that incarnation can commit there: whatever head it read, its compare-and-set fails, and the
     * fence it reads next is not of an older incarnation, so it reads the topic again.
     */
    void fenceHead(String topic, int partition, String topicId);

    /**
     * Deletes the head and every index entry of a partition that belong to incarnation {@code topicId}.
     * Items of another incarnation, such as a topic re-created under the same name, are left alone.
     */
    void deletePartition(String topic, int partition, String topicId);

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

    /**
     * Replaces the index entry at {@code expected}'s base offset with {@code replacement} (same base
     * offset and incarnation) if the stored entry is still of that incarnation and points at
     * {@code expected}'s object.
     */
    boolean replaceIndexEntry(IndexEntry expected, IndexEntry replacement);

    /** Deletes an index entry if it is still of the same incarnation and points at the same object; false if not. */
    boolean deleteIndexEntry(IndexEntry expected);

    /**
     * Every index entry's and every head's last entry's pointer at an object, across all topics and
     * incarnations, live or deleted: the garbage collector's mark phase.
     */
    List<ObjectReference> objectReferences();

    /** Every object key an index entry or a head's last entry points at, across all topics. */
    default java.util.Set<String> referencedObjects() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        objectReferences().forEach(r -> keys.add(r.objectKey()));
        return keys;
    }

    /** Objects the garbage collector has seen unreferenced, with the time it first saw each so. */
    java.util.Map<String, Long> garbageMarks();

    void markGarbage(String objectKey, long since);

    void unmarkGarbage(String objectKey);

    /**
     * Takes the partition's maintenance lease for {@code owner} until {@code now + durationMs}, if no
     * one holds it or the holder's lease has lapsed by {@code now}. The lease's epoch is one more than
     * any earlier holder's.
     *
     * @return the lease, or empty if another pass holds it
     */
    java.util.Optional<MaintenanceLease> acquireLease(String topic, int partition, String topicId, String owner,
                                                      long now, long durationMs);

    /**
     * Extends a lease to {@code newExpiry} if it is still held at the same epoch.
     *
     * @return the extended lease, or empty if another pass has taken it since
     */
    java.util.Optional<MaintenanceLease> renewLease(MaintenanceLease lease, long newExpiry);

    /** Lets a lease go at once (keeping its epoch counter), if it is still held at the same epoch. */
    void releaseLease(MaintenanceLease lease);
}
