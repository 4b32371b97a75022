package io.sluice.meta;

import java.util.List;
import java.util.Optional;

/**
 * Each partition's head, its offset index and its maintenance lease: the items the commit protocol and
 * maintenance change, each with one conditional write.
 * Part of {@link MetadataStore}: one DynamoDB table holds them all, and a service that needs only this
 * part depends on only this interface.
 */
public interface PartitionStore {

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

    /**
     * Whether {@link #putIndexEntryIfAbsent} would now refuse {@code entry}: an entry of the same or a newer
     * incarnation is stored at its base offset. One strongly consistent read. A committer that lost a race
     * checks with it that the head's last entry is indexed already, instead of making a conditional put that
     * another committer's put of the same entry makes fail (issue 17, section 5).
     */
    boolean isIndexed(IndexEntry entry);

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

    /**
     * Replaces the index entry at {@code expected}'s base offset with {@code replacement} (same base
     * offset and incarnation) if the stored entry is still of that incarnation and points at
     * {@code expected}'s object.
     */
    boolean replaceIndexEntry(IndexEntry expected, IndexEntry replacement);

    /** Deletes an index entry if it is still of the same incarnation and points at the same object; false if not. */
    boolean deleteIndexEntry(IndexEntry expected);

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
