package io.sluice.client.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The JSON bodies of the share group routes (issue 18), shared by the server and its clients. */
public final class ShareWire {

    private ShareWire() {
    }

    /** PUT /share-groups/{group}. Null fields take their defaults. */
    public record ConfigRequest(List<String> topics, Integer deliveryAttemptLimit, Long lockDurationMs,
                                String deadLetterTopic, String startAt, String ordering) {
    }

    /** A share group's configuration as the API shows it. */
    public record Config(String group, List<String> topics, int deliveryAttemptLimit, long lockDurationMs,
                         String deadLetterTopic, String startAt, String ordering, long createdAt) {
    }

    /** GET /share-groups. */
    public record GroupList(List<String> shareGroups) {
    }

    /** POST /share-groups/{group}/fetch. */
    public record FetchRequest(Integer maxRecords, Long maxWaitMs, Long lockDurationMs) {
    }

    /** A record a fetch acquired: key, value and header values are base64. */
    public record Record(String topic, int partition, long offset, int deliveryCount, String lockToken,
                         long lockExpiresAt, long timestamp, String key, String value, List<Wire.Header> headers) {
    }

    public record FetchResponse(List<Record> records) {
    }

    /** One partition's acks under one lock token; type is accept, release, reject or renew. */
    public record Ack(String topic, Integer partition, List<Long> offsets, String lockToken, String type) {
    }

    /** POST /share-groups/{group}/acks. */
    public record AcksRequest(List<Ack> acks) {
    }

    /** status: OK, LOCK_EXPIRED, INVALID_LOCK or ALREADY_DONE. */
    public record AckResult(String topic, int partition, long offset, String status) {
    }

    public record AcksResponse(List<AckResult> results) {
    }

    public record PartitionState(String topic, int partition, long startOffset, long highWatermark, long available,
                                 long acquired, long archived, long lag, long accepted, long deadLettered,
                                 long pendingDeadLetters) {
    }

    public record Totals(long available, long acquired, long archived, long lag) {
    }

    /** GET /share-groups/{group}. */
    public record Description(Config config, List<PartitionState> partitions, Totals totals, long deadLettered,
                              long pendingDeadLetters) {
    }

    /** POST /share-groups/{group}/reset: to is "earliest", "latest", {"timestamp": millis} or {"offset": n}. */
    public record ResetRequest(String topic, JsonNode to) {
    }

    public record ResetOffset(String topic, int partition, long offset) {
    }

    public record ResetResponse(List<ResetOffset> offsets) {
    }
}
