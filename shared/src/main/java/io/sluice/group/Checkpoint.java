package io.sluice.group;

/**
 * A committed offset: the next offset the group will read from a partition.
 *
 * @param ownerEpoch the delivery epoch of the commit's author (or the reset's group epoch); a commit
 *                   under a lower epoch is fenced
 * @param memberId   who committed, or null for a commit without membership or a reset
 */
public record Checkpoint(String group, String topic, int partition, String topicId, long committed, long ownerEpoch,
                         String memberId, String metadata, long commitTime) {

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
