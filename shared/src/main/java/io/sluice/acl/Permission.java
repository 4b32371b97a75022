package io.sluice.acl;

import java.util.Locale;

/** Whether a binding allows or denies; a matching deny always wins. */
public enum Permission {
    ALLOW,
    DENY;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The permission named {@code value} (case-insensitive), or null. */
    public static Permission fromWire(String value) {
        for (Permission p : values()) {
            if (p.wire().equalsIgnoreCase(value)) {
                return p;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wire();
    }
}
