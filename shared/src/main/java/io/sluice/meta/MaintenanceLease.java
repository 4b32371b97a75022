package io.sluice.meta;

import java.util.Objects;

/**
 * A maintenance pass's exclusive right to change one partition (docs/architecture.md, "The maintenance
 * lease"). It is one item, {@code P#<topic>#<p>} / {@code LEASE}, written only by conditional writes.
 * Its {@code epoch} grows by one with every acquisition, so a pass that lost its lease can tell, and the
 * segments a pass writes are named by it.
 *
 * @param expiresAt when the lease lapses by the holder's clock, unless renewed
 */
public record MaintenanceLease(String topic, int partition, String topicId, String owner, long epoch,
                               long expiresAt) {

    public MaintenanceLease {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(topicId, "topicId");
        Objects.requireNonNull(owner, "owner");
        if (epoch < 1) {
            throw new IllegalArgumentException("lease epoch < 1: " + epoch);
        }
    }

    public MaintenanceLease renewedUntil(long newExpiry) {
        return new MaintenanceLease(topic, partition, topicId, owner, epoch, newExpiry);
    }
}
