package io.sluice.group;

import java.util.List;

/**
 * A member as the group item stores it.
 *
 * @param memberEpoch    the epoch of the assignment last delivered to the member
 * @param previousEpoch  the last epoch the member acknowledged (or the one before the current one); epochs
 *                       from it to the current one are accepted from a member that missed a response or
 *                       has not finished giving partitions up
 * @param assigned       what the last response gave the member
 * @param owned          what the member may still be working on: {@code assigned} plus, until the member
 *                       acknowledges the last response by heartbeating with its epoch, what it had before.
 *                       No partition is given to another member while it is in here.
 * @param lastHeartbeat  server time of the last heartbeat, epoch millis
 */
public record Member(String memberId, long memberEpoch, long previousEpoch, List<String> topics,
                     int sessionTimeoutMs, long lastHeartbeat, List<Owned> assigned, List<Owned> owned) {

    public Member {
        topics = List.copyOf(topics);
        assigned = List.copyOf(assigned);
        owned = List.copyOf(owned);
    }

    public boolean expiredAt(long now) {
        return lastHeartbeat + sessionTimeoutMs < now;
    }

    /**
     * An epoch this member may send: its current one, or any from the last it acknowledged
     * ({@code previousEpoch}) on, as a member that has not finished giving partitions up still does; never 0.
     */
    public boolean acceptsEpoch(long epoch) {
        // Never 0: a member that joined has epoch 1 or more, and 0 (its previousEpoch until it acknowledges)
        // is what anyone would guess.
        return epoch > 0 && (epoch == memberEpoch || (epoch >= previousEpoch && epoch <= memberEpoch));
    }

    /** In the assignment last delivered, not merely still held while being given up. */
    public boolean isAssigned(TopicPartition tp) {
        return assigned.stream().anyMatch(o -> o.topicPartition().equals(tp));
    }

    public boolean owns(TopicPartition tp) {
        return owned.stream().anyMatch(o -> o.topicPartition().equals(tp));
    }

    public long deliveryEpoch(TopicPartition tp) {
        return owned.stream().filter(o -> o.topicPartition().equals(tp)).mapToLong(Owned::deliveryEpoch)
                .max().orElseThrow();
    }
}
