package io.sluice.meta;

/**
 * One stored pointer at an object: an index entry, or a head's last entry, of partition
 * {@code topic/partition} of incarnation {@code topicId}. The garbage collector reads them all, keeps the
 * objects that live incarnations point at, and purges what deleted incarnations left behind.
 */
public record ObjectReference(String topic, int partition, String topicId, String objectKey) {
}
