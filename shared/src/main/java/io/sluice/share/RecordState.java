package io.sluice.share;

/**
 * The state of one record in a share-partition's in-flight window (KIP-932's record states, plus
 * {@link #ARCHIVING}, an archived record whose dead-letter copy is not yet confirmed).
 */
public enum RecordState {
    /** May be acquired. Its delivery count is below the group's deliveryAttemptLimit. */
    AVAILABLE('V', false),
    /** Held by a lock token until an expiry; once expired it counts as available. */
    ACQUIRED('Q', false),
    /** Accepted: done. */
    ACKNOWLEDGED('K', true),
    /** Rejected or out of attempts, with a dead-letter intent pending in the item: not done yet. */
    ARCHIVING('G', false),
    /** Rejected or out of attempts, and dead-lettered if the group has a dead-letter topic: done. */
    ARCHIVED('X', true);

    private final char code;
    private final boolean done;

    RecordState(char code, boolean done) {
        this.code = code;
        this.done = done;
    }

    /** The one-character code the stored item uses. */
    public char code() {
        return code;
    }

    /** Whether the start offset may pass a record in this state. */
    public boolean done() {
        return done;
    }

    public static RecordState forCode(char code) {
        for (RecordState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown record state code '" + code + "'");
    }
}
