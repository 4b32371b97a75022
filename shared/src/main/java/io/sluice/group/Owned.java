package io.sluice.group;

/**
 * A partition held by a member, with the group epoch at which it was delivered to that member. Delivery
 * epochs of one partition only grow from owner to owner, so a checkpoint written under a higher one
 * fences every earlier owner.
 */
public record Owned(String topic, int partition, long deliveryEpoch) {

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
