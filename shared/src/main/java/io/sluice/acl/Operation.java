package io.sluice.acl;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a caller does to a resource, Kafka's operations kept small. {@link #ALL} stands for every one.
 *
 * <p>As in Kafka, {@code describe} on a topic or a share group is implied by {@code read}, {@code write},
 * {@code delete} and {@code alter} on it: whoever may use a topic may see it exists. On a consumer group it
 * is not: a group's readers (its consumers) heartbeat, commit and see their lag, but its member ids and
 * epochs, and its place in {@code GET /groups}, are for callers granted {@code describe} itself.
 */
public enum Operation {
    READ,
    WRITE,
    DESCRIBE,
    CREATE,
    DELETE,
    ALTER,
    ALL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The operation named {@code value} (case-insensitive), or null. */
    public static Operation fromWire(String value) {
        for (Operation o : values()) {
            if (o.wire().equalsIgnoreCase(value)) {
                return o;
            }
        }
        return null;
    }

    /** The operations whose allow grants this one on {@code type}: itself, {@link #ALL}, and what implies it. */
    public Set<Operation> grantedBy(ResourceType type) {
        EnumSet<Operation> granted = EnumSet.of(this, ALL);
        if (this == DESCRIBE && (type == ResourceType.TOPIC || type == ResourceType.SHARE_GROUP)) {
            granted.addAll(EnumSet.of(READ, WRITE, DELETE, ALTER));
        }
        return granted;
    }

    /** The operations whose deny refuses this one: itself and {@link #ALL} (a deny of read does not deny describe). */
    public Set<Operation> deniedBy() {
        return EnumSet.of(this, ALL);
    }

    @Override
    public String toString() {
        return wire();
    }
}
