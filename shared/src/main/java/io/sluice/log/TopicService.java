package io.sluice.log;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.format.CompressionCodec;
import io.sluice.meta.TopicConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Creates, lists, describes and deletes topics. */
public final class TopicService {

    /** A request to create a topic; null fields take the defaults. */
    public record CreateTopic(String name, Integer partitions, Long retentionMs, Long retentionBytes,
                              Integer maxRecordBytes, Long maxTimestampSkewMs, String compression) {
        public CreateTopic(String name, Integer partitions, Long retentionMs, Long retentionBytes,
                           Integer maxRecordBytes) {
            this(name, partitions, retentionMs, retentionBytes, maxRecordBytes, null, null);
        }

        public CreateTopic(String name, Integer partitions, Long retentionMs, Long retentionBytes,
                           Integer maxRecordBytes, Long maxTimestampSkewMs) {
            this(name, partitions, retentionMs, retentionBytes, maxRecordBytes, maxTimestampSkewMs, null);
        }
    }

    private final MetadataStore metadata;
    private final TopicCache topics;
    private final Clock clock;

    public TopicService(MetadataStore metadata, TopicCache topics, Clock clock) {
        this.metadata = metadata;
        this.topics = topics;
        this.clock = clock;
    }

    /**
     * Creates a topic: one conditional write. Partition heads are created by their first commit, so a
     * topic of 1,000 partitions costs no more to create than one of 1.
     *
     * @throws SluiceException INVALID_TOPIC_NAME, INVALID_PARTITION_COUNT, INVALID_CONFIG, TOPIC_EXISTS
     */
    public TopicConfig create(CreateTopic request) {
        if (request.partitions() == null) {
            throw new SluiceException(ErrorCode.INVALID_PARTITION_COUNT, "partitions is required");
        }
        long now = clock.millis();
        TopicConfig.validateName(request.name());
        CompressionCodec compression = TopicConfig.compression(request.compression());
        // Incarnations are ordered by their ids, whatever the clocks of the Lambdas that made them say.
        String topicId = Ulid.generate(now, ThreadLocalRandom.current());
        String deleted = metadata.deletedTopicId(request.name()).orElse(null);
        if (deleted != null && deleted.compareTo(topicId) >= 0) {
            topicId = Ulid.successor(deleted);
        }
        TopicConfig topic = new TopicConfig(request.name(), topicId,
                request.partitions(),
                request.retentionMs() == null ? TopicConfig.UNLIMITED : request.retentionMs(),
                request.retentionBytes() == null ? TopicConfig.UNLIMITED : request.retentionBytes(),
                request.maxRecordBytes() == null ? TopicConfig.DEFAULT_MAX_RECORD_BYTES : request.maxRecordBytes(),
                now, request.maxTimestampSkewMs() == null ? TopicConfig.DEFAULT_MAX_TIMESTAMP_SKEW_MS
                        : request.maxTimestampSkewMs(), compression);
        metadata.createTopic(topic);
        topics.invalidate(topic.name());
        return topic;
    }

    public List<TopicConfig> list() {
        return metadata.listTopics();
    }

    /** @throws SluiceException UNKNOWN_TOPIC */
    public TopicDescription describe(String name) {
        TopicConfig topic = topics.refresh(name);
        Map<Integer, PartitionHead> stored = new HashMap<>();
        for (PartitionHead head : metadata.getHeads(name, topic.partitions())) {
            if (head.topicId().equals(topic.topicId())) {
                stored.put(head.partition(), head);
            }
        }
        List<PartitionState> partitions = new ArrayList<>(topic.partitions());
        for (int p = 0; p < topic.partitions(); p++) {
            PartitionHead head = stored.get(p);
            partitions.add(head == null ? new PartitionState(p, 0, 0)
                    : new PartitionState(p, head.logStartOffset(), head.nextOffset()));
        }
        return new TopicDescription(topic, List.copyOf(partitions));
    }

    /**
     * How long a delete goes on deleting index entries before it leaves the rest to maintenance, so that
     * deleting a topic of any size answers inside API Gateway's 30 s.
     */
    static final long DELETE_PURGE_BUDGET_MS = 10_000;

    /**
     * Deletes a topic. The META item goes first, so the topic is gone at once for every new request. Then
     * every partition's head is fenced ({@link MetadataStore#fenceHead}), so that no writer that read the
     * topic before can commit into it any more, whatever it read. Then the
     * index entries, for as long as {@link #DELETE_PURGE_BUDGET_MS} allows; what is left (or what a delete
     * that stopped part-way left) carries the old incarnation's id, is never read as part of a topic
     * re-created under the same name, and is purged by the next maintenance pass. Objects are left to the
     * collector, since a WAL object may hold other topics' batches.
     *
     * @throws SluiceException UNKNOWN_TOPIC
     */
    public void delete(String name) {
        TopicConfig topic = topics.refresh(name);
        if (!metadata.deleteTopic(name, topic.topicId())) {
            throw new SluiceException(ErrorCode.UNKNOWN_TOPIC, "unknown topic " + name);
        }
        topics.invalidate(name);
        for (int p = 0; p < topic.partitions(); p++) {
            metadata.fenceHead(name, p, topic.topicId());
        }
        long deadline = clock.millis() + DELETE_PURGE_BUDGET_MS;
        for (int p = 0; p < topic.partitions() && clock.millis() < deadline; p++) {
            metadata.deletePartition(name, p, topic.topicId());
        }
    }
}
