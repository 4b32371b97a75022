package io.sluice.client.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;

/**
 * The JSON bodies of Sluice's HTTP API, shared by the server and its clients. Keys, values and header
 * values travel as standard base64 (RFC 4648, with padding), so binary data survives. Field names are
 * published in the README and stay stable.
 */
public final class Wire {

    private Wire() {
    }

    /**
     * A strict mapper: unknown fields, trailing content, duplicate keys, and scalars of the wrong type
     * ("5" for a number, 1.5 for an integer) are errors, not guesses. Nulls are left out of responses.
     */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonParser.Feature.ALLOW_COMMENTS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }

    /**
     * The mapper a client reads responses with: {@link #mapper()} but tolerant of fields it does not know,
     * as Jackson is by default, so a server that adds a response field never breaks a deployed client
     * (issue 22, problem 10). Requests are still written strictly; the server still refuses unknown fields.
     */
    public static ObjectMapper responseMapper() {
        return mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** POST /topics. Null fields take the server's defaults (no retention limits, 1 MiB records). */
    public record CreateTopicRequest(String name, Integer partitions, Long retentionMs, Long retentionBytes,
                                     Integer maxRecordBytes, Long maxTimestampSkewMs, String compression) {
        public CreateTopicRequest(String name, Integer partitions, Long retentionMs, Long retentionBytes,
                                  Integer maxRecordBytes, Long maxTimestampSkewMs) {
            this(name, partitions, retentionMs, retentionBytes, maxRecordBytes, maxTimestampSkewMs, null);
        }
    }

    /**
     * A topic as the API shows it. retentionMs and retentionBytes are -1 when unlimited; compression is
     * none, gzip, lz4 or zstd.
     */
    public record Topic(String name, String topicId, int partitions, long retentionMs, long retentionBytes,
                        int maxRecordBytes, long createdAt, long maxTimestampSkewMs, String compression) {
    }

    /** GET /topics. */
    public record TopicList(List<Topic> topics) {
    }

    /** One partition's readable range: [logStartOffset, highWatermark). */
    public record PartitionInfo(int partition, long logStartOffset, long highWatermark) {
    }

    /** GET /topics/{topic}. */
    public record TopicDescription(String name, String topicId, int partitions, long retentionMs,
                                   long retentionBytes, int maxRecordBytes, long createdAt,
                                   long maxTimestampSkewMs, List<PartitionInfo> partitionStates,
                                   String compression) {
    }

    /** A record header; value is base64 or null. */
    public record Header(String key, String value) {
    }

    /** A record to produce. value is required; key, headers, partition and timestamp are optional. */
    public record ProduceRecord(String key, String value, List<Header> headers, Integer partition, Long timestamp) {
    }

    /** The first sequence of a produce's records for one partition (each partition counts from 0). */
    public record PartitionSequence(Integer partition, Long sequence) {
    }

    /**
     * POST /topics/{topic}/records. producerId, producerEpoch and sequences together make the produce
     * idempotent; every record then needs a partition or a key.
     */
    public record ProduceRequest(List<ProduceRecord> records, Long producerId, Long producerEpoch,
                                 List<PartitionSequence> sequences) {
    }

    /**
     * POST /producers. A named producer keeps its id; each init bumps its epoch and fences older instances.
     * With producerId and producerEpoch, the init bumps that producer's epoch (it must be the current one),
     * named or not: how a producer restarts its sequences after a failure whose outcome is unknown, without
     * taking a new id (Kafka's KIP-360).
     */
    public record InitProducerRequest(String name, Long producerId, Long producerEpoch) {
        public InitProducerRequest(String name) {
            this(name, null, null);
        }
    }

    public record InitProducerResponse(long producerId, long producerEpoch) {
    }

    /** Where one produced record landed. */
    public record RecordOffset(int partition, long offset) {
    }

    /** The answer to a produce: one offset per record, in request order. */
    public record ProduceResponse(List<RecordOffset> offsets) {
    }

    /** A fetched record. key is null for a keyless record. */
    public record Record(long offset, long timestamp, String key, String value, List<Header> headers) {
    }

    /** GET /topics/{topic}/partitions/{p}/records. */
    public record FetchResponse(List<Record> records, long nextOffset, long highWatermark, long logStartOffset) {
    }

    /** GET /topics/{topic}/partitions/{p}/offsets. timestamp is set when the query was a timestamp. */
    public record OffsetResponse(String topic, int partition, long offset, Long timestamp) {
    }

    /** GET /groups. */
    public record GroupList(List<String> groups) {
    }

    /**
     * POST /groups/{group}/heartbeat. memberEpoch 0 joins, without a memberId (the server creates it and the
     * response returns it); -1 leaves, with leaveEpoch the member's current or previous epoch.
     */
    public record HeartbeatRequest(String memberId, Long memberEpoch, List<String> topics, Integer sessionTimeoutMs,
                                   Long leaveEpoch) {
        public HeartbeatRequest(String memberId, Long memberEpoch, List<String> topics, Integer sessionTimeoutMs) {
            this(memberId, memberEpoch, topics, sessionTimeoutMs, null);
        }

        /** A leave by the member at {@code epoch}. */
        public static HeartbeatRequest leave(String memberId, long epoch) {
            return new HeartbeatRequest(memberId, -1L, null, null, epoch);
        }
    }

    /** A topic's partitions in an assignment. */
    public record TopicPartitions(String topic, List<Integer> partitions) {
    }

    /** The answer to a heartbeat: echo memberEpoch next time; own exactly these partitions now. */
    public record HeartbeatResponse(String memberId, long memberEpoch, int heartbeatIntervalMs,
                                    List<TopicPartitions> assignment) {
    }

    /**
     * One offset to commit: the next offset the group will read. {@code rewind} true lets the partition's
     * current owner move its committed offset backwards (a seek); without it a lower offset is refused.
     */
    public record OffsetCommit(String topic, Integer partition, Long offset, String metadata, Boolean rewind) {
        public OffsetCommit(String topic, Integer partition, Long offset, String metadata) {
            this(topic, partition, offset, metadata, null);
        }
    }

    /** POST /groups/{group}/offsets. Without memberId, a commit without membership (Kafka's assign()). */
    public record CommitRequest(String memberId, Long memberEpoch, List<OffsetCommit> offsets) {
    }

    /** The offsets now committed. */
    public record CommitResponse(List<OffsetCommit> offsets) {
    }

    public record GroupMember(String memberId, long memberEpoch, List<TopicPartitions> assignment) {
    }

    public record GroupOffset(String topic, int partition, long committed, long highWatermark, long lag) {
    }

    /** GET /groups/{group}. */
    public record GroupDescription(String group, long groupEpoch, List<GroupMember> members,
                                   List<GroupOffset> offsets) {
    }

    /**
     * POST /groups/{group}/reset. {@code to} is "earliest", "latest", {"timestamp": millis} or
     * {"offset": n}; {@code partition} limits the reset to one partition.
     */
    public record ResetRequest(String topic, Integer partition, com.fasterxml.jackson.databind.JsonNode to) {
    }

    /** POST /maintenance: run a pass now, over one topic or (without topic) all of them. */
    public record MaintenanceRequest(String topic) {
    }

    /** What a maintenance pass did. */
    public record MaintenanceReport(long entriesMerged, long segmentsWritten, long bytesWritten, long entriesDropped,
                                    long offsetsRetired, long objectsMarked, long objectsDeleted,
                                    long bytesReclaimed, long partitionsBusy, long leasesLost,
                                    long partitionsPurged, List<String> failures, long durationMs) {
    }
}
