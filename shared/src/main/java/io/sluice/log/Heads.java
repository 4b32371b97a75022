package io.sluice.log;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.Incarnations;
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

    /** @throws SluiceException UNKNOWN_TOPIC, UNKNOWN_PARTITION */
    Resolved read(String topicName, int partition) {
        TopicConfig topic = topics.get(topicName).requirePartition(partition);
        Optional<PartitionHead> stored = metadata.getHead(topicName, partition);
        if (ofALaterIncarnation(stored, topic)) {
            topic = topics.refresh(topicName).requirePartition(partition);
        }
        return new Resolved(topic, asOf(topic, partition, stored));
    }

    /**
     * The head of a partition of exactly the incarnation {@code topic}: a writer that validated its
     * records against one incarnation never commits them into another.
     *
     * @throws SluiceException UNKNOWN_TOPIC if the topic was deleted (and perhaps re-created) since
     *                         {@code topic} was read
     */
    PartitionHead readPinned(TopicConfig topic, int partition) {
        Optional<PartitionHead> stored = metadata.getHead(topic.name(), partition);
        if (ofALaterIncarnation(stored, topic) && !topics.refresh(topic.name()).topicId().equals(topic.topicId())) {
            throw new SluiceException(ErrorCode.UNKNOWN_TOPIC, "topic " + topic.name()
                    + " was deleted while this request ran; nothing more of it was written there");
        }
        return asOf(topic, partition, stored);
    }

    /**
     * True if the stored head is neither {@code topic}'s incarnation nor an older one: a later incarnation's
     * head, or the fence a delete of {@code topic} put there ({@link Incarnations#fenceOf}). Only then may
     * {@code topic} have been deleted, and only then is the topic read again. An absent head or an older
     * incarnation's head (or fence) needs no read: a delete fences every partition before it returns.
     */
    private static boolean ofALaterIncarnation(Optional<PartitionHead> stored, TopicConfig topic) {
        return stored.isPresent() && !stored.get().topicId().equals(topic.topicId())
                && !Incarnations.isOlder(stored.get().topicId(), topic.topicId());
    }

    /**
     * The stored head as it applies to incarnation {@code topic}: itself, or, if it is absent or left over
     * by another incarnation, an empty partition that keeps the stored version, so that a commit replaces
     * it with a conditional write.
     */
    private static PartitionHead asOf(TopicConfig topic, int partition, Optional<PartitionHead> stored) {
        if (stored.isEmpty()) {
            return PartitionHead.empty(topic.name(), partition, topic.topicId(), 0);
        }
        PartitionHead head = stored.get();
        return head.topicId().equals(topic.topicId()) ? head
                : PartitionHead.empty(topic.name(), partition, topic.topicId(), head.version());
    }
}
