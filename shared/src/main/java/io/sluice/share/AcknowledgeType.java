package io.sluice.share;

import java.util.Locale;

/** What an acknowledgement does to a record it holds the lock of. */
public enum AcknowledgeType {
    /** Done. */
    ACCEPT,
    /** Available again now (archived instead once it has used every delivery attempt). */
    RELEASE,
    /** Archived, and dead-lettered if the group has a dead-letter topic. */
    REJECT,
    /** The lock is extended by the group's lockDurationMs from now. */
    RENEW;

    /** The wire name: {@code accept}, {@code release}, {@code reject}, {@code renew}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return null if {@code name} is not a wire name */
    public static AcknowledgeType fromWire(String name) {
        for (AcknowledgeType t : values()) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
