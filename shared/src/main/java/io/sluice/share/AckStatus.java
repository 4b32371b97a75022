package io.sluice.share;

/** The answer for one offset of an acknowledgement. */
public enum AckStatus {
    /** Applied. */
    OK,
    /** The record is still held by this lock token, but the lock's expiry has passed: nothing changed. */
    LOCK_EXPIRED,
    /**
     * The record is not held by this token: it was never delivered, was released, or was acquired again
     * under another token after this one expired. Nothing changed.
     */
    INVALID_LOCK,
    /** The record is already accepted or archived (or before the start offset): nothing changed. */
    ALREADY_DONE
}
