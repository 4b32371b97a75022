package io.sluice.acl;

import java.util.Locale;

/** How an ACL's resource name matches: the whole name ({@code *} is every name), or a prefix of it. */
public enum PatternType {
    LITERAL,
    PREFIXED;

    /** The literal name that matches every resource of its type, as Kafka's wildcard. */
    public static final String WILDCARD = "*";

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pattern type named {@code value} (case-insensitive), or null. */
    public static PatternType fromWire(String value) {
        for (PatternType t : values()) {
            if (t.wire().equalsIgnoreCase(value)) {
                return t;
            }
        }
        return null;
    }

    /** Whether a binding's {@code pattern} of this type covers the resource {@code name}. */
    public boolean matches(String pattern, String name) {
        return switch (this) {
            case LITERAL -> pattern.equals(WILDCARD) || pattern.equals(name);
            case PREFIXED -> name.startsWith(pattern);
        };
    }

    @Override
    public String toString() {
        return wire();
    }
}
