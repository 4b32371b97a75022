package io.sluice.tests.support;

/** A place between two steps of the produce protocol where a crash is injected. */
public enum FaultPoint {
    /** Before the WAL object PUT: nothing was written. */
    BEFORE_OBJECT_PUT,
    /** After the WAL object PUT: an orphan object, nothing committed. */
    AFTER_OBJECT_PUT,
    /** Before writing the previous {@code last} entry to the index. */
    BEFORE_INDEX_WRITE,
    /** After the index write, before the head update. */
    AFTER_INDEX_WRITE,
    /** Just before the conditional head update. */
    BEFORE_HEAD_UPDATE,
    /** After the head update succeeded: committed, but the caller never hears of it. */
    AFTER_HEAD_UPDATE,
    /** Before a consistent read of a partition head (produce and fetch). */
    BEFORE_HEAD_READ,
    /**
     * Before a lately contended commit reads its head's last entry's index item, which replaces its index
     * put when another committer indexed the entry first.
     */
    BEFORE_INDEX_CHECK,
    /** Before a ranged GET of an object (fetch). */
    BEFORE_OBJECT_GET;

    /** The points between the steps of a produce's commit, where a crash is injected. */
    public static final java.util.List<FaultPoint> COMMIT_STEPS = java.util.List.of(BEFORE_OBJECT_PUT,
            AFTER_OBJECT_PUT, BEFORE_INDEX_WRITE, AFTER_INDEX_WRITE, BEFORE_HEAD_UPDATE, AFTER_HEAD_UPDATE);
}
