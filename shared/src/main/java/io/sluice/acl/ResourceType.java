package io.sluice.acl;

import java.util.Locale;

/** What an ACL names, as in Kafka: a topic, a consumer group, a share group, a producer name, or the cluster. */
public enum ResourceType {
    TOPIC("topic"),
    GROUP("group"),
    SHARE_GROUP("share-group"),
    PRODUCER("producer"),
    CLUSTER("cluster");

    /** The one cluster resource's name, as Kafka's {@code kafka-cluster}. */
    public static final String CLUSTER_NAME = "sluice-cluster";

    private final String wire;

    ResourceType(String wire) {
        this.wire = wire;
    }

    /** The name in JSON, the CLI and the stored item: {@code topic}, {@code share-group}, ... */
    public String wire() {
        return wire;
    }

    /** The type whose {@link #wire()} is {@code value} (case-insensitive), or null. */
    public static ResourceType fromWire(String value) {
        if (value == null) {
            return null;
        }
        String v = value.toLowerCase(Locale.ROOT);
        for (ResourceType t : values()) {
            if (t.wire.equals(v)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wire;
    }
}
