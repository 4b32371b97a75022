package io.sluice.group;

import java.util.List;
import java.util.Optional;

/**
 * Where consumer groups live: DynamoDB in AWS, dynalite locally, maps in unit tests. Every change is a
 * single-item conditional write. Every implementation is held to the same contract test.
 */
public interface GroupStore {

    /** The outcome of a conditional checkpoint write. */
    enum CommitOutcome {
        COMMITTED,
        /** A checkpoint with a higher owner epoch is stored: the writer is a zombie. */
        FENCED,
        /** The same owner already committed a higher offset. */
        REGRESSION;

        /**
         * What writing {@code next} over {@code current} (null: none stored) comes to, by the rule every store
         * holds its checkpoint condition to: a later incarnation or a higher owner epoch wins, a lower one is
         * a zombie, and at the same owner epoch the offset may only go forward.
         */
        public static CommitOutcome of(Checkpoint current, Checkpoint next) {
            if (current == null || io.sluice.meta.Incarnations.isOlder(current.topicId(), next.topicId())) {
                return COMMITTED;
            }
            if (!current.topicId().equals(next.topicId())) {
                return FENCED;
            }
            if (current.ownerEpoch() < next.ownerEpoch()) {
                return COMMITTED;
            }
            if (current.ownerEpoch() > next.ownerEpoch()) {
                return FENCED;
            }
            return current.committed() <= next.committed() ? COMMITTED : REGRESSION;
        }
    }

    Optional<GroupState> getGroup(String group);

    /**
     * Replaces the group item if its version is still {@code expectedVersion} (0: must not exist).
     * {@code next.version()} must be {@code expectedVersion + 1}.
     *
     * @throws io.sluice.error.SluiceException GROUP_TOO_LARGE if {@code next}'s item would exceed
     *                                         {@link GroupItem#MAX_BYTES}; nothing is written
     */
    boolean compareAndSetGroup(long expectedVersion, GroupState next);

    /**
     * Writes a checkpoint unless a stored one of the same topic incarnation has a higher owner epoch, or
     * the same owner epoch and a higher offset.
     */
    CommitOutcome commit(Checkpoint checkpoint);

    /**
     * Writes a checkpoint unless a stored one of the same topic incarnation has a higher owner epoch: the
     * current owner's rewind (a backwards seek). It may lower the offset of its own epoch's checkpoint,
     * never a later owner's.
     */
    CommitOutcome rewind(Checkpoint checkpoint);

    /** Writes a checkpoint whatever is stored: only for an operator's reset. */
    void overwrite(Checkpoint checkpoint);

    /**
     * Writes the group's index entry, pending, stamped {@code now}, unless the stored entry was written later
     * (another creator's clock). Creators call this before they write a new group item, so that no group
     * item exists without its entry for longer than a creator's crash; see {@link GroupIndexEntry}.
     */
    void indexGroup(String group, long now);

    /** Every entry of the group index, in group name order: one Query (a page per 1 MB) in DynamoDB, never a Scan. */
    List<GroupIndexEntry> groupIndex();

    /** Marks the entry confirmed if it is still the one written at {@code writtenAt}; false if not. */
    boolean confirmIndexEntry(String group, long writtenAt);

    /**
     * Deletes the entry if it is still pending and the one written at {@code writtenAt}: a creator that wrote
     * it again since (it is creating the group now) keeps it. False if nothing was deleted.
     */
    boolean dropIndexEntry(String group, long writtenAt);

    /** Every checkpoint of the group, by topic and partition. */
    List<Checkpoint> checkpoints(String group);
}
