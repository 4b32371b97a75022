package io.sluice.log;

import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import java.util.Optional;

/**
 * Reads a partition head as it applies to the topic's current incarnation. A head left behind by a
 * deleted topic of the same name reads as an empty partition (keeping its stored version, so a commit
 * can replace it with a conditional write).
 */
final class Heads {

    /** A topic's configuration and one partition's head, read together. */
    record Resolved(TopicConfig topic, PartitionHead head) {
    }

    private final MetadataStore metadata;
    private final TopicCache topics;

    Heads(MetadataStore metadata, TopicCache topics) {
        this.metadata = metadata;
        this.topics = topics;
    }

    /** @throws io.sluice.error.SluiceException UNKNOWN_TOPIC, UNKNOWN_PARTITION */
    Resolved read(String topicName, int partition) {
        TopicConfig topic = topics.get(topicName).requirePartition(partition);
        Optional<PartitionHead> stored = metadata.getHead(topicName, partition);
        if (stored.isPresent() && !stored.get().topicId().equals(topic.topicId())) {
            topic = topics.refresh(topicName).requirePartition(partition);
        }
        if (stored.isEmpty()) {
            return new Resolved(topic, PartitionHead.empty(topicName, partition, topic.topicId(), 0));
        }
        PartitionHead head = stored.get();
        if (!head.topicId().equals(topic.topicId())) {
            head = PartitionHead.empty(topicName, partition, topic.topicId(), head.version());
        }
        return new Resolved(topic, head);
    }

    /**
     * The head of a partition of exactly the incarnation {@code topic}: a writer that validated its
     * records against one incarnation never commits them into another.
     *
     * @throws io.sluice.error.SluiceException UNKNOWN_TOPIC if the topic was deleted (and perhaps
     *                                         re-created) since {@code topic} was read
     */
    PartitionHead readPinned(TopicConfig topic, int partition) {
        Optional<PartitionHead> stored = metadata.getHead(topic.name(), partition);
        if (stored.isEmpty()) {
            return PartitionHead.empty(topic.name(), partition, topic.topicId(), 0);
        }
        PartitionHead head = stored.get();
        if (head.topicId().equals(topic.topicId())) {
            return head;
        }
        TopicConfig current = topics.refresh(topic.name());
        if (!current.topicId().equals(topic.topicId())) {
            throw new io.sluice.error.SluiceException(io.sluice.error.ErrorCode.UNKNOWN_TOPIC, "topic " + topic.name()
                    + " was deleted while this request ran; nothing more of it was written there");
        }
        // a leftover of an older incarnation: an empty partition, replaced by a conditional write
        return PartitionHead.empty(topic.name(), partition, topic.topicId(), head.version());
    }
}
