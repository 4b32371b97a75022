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
}
