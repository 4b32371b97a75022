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

    /** Names of every group that has a group item, in order (an operator's listing; a Scan in DynamoDB). */
    List<String> listGroups();

    /** Every checkpoint of the group, by topic and partition. */
    List<Checkpoint> checkpoints(String group);
}
