package io.sluice.meta;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.CompressionCodec;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A topic as stored in its META item. {@code topicId} names this incarnation of the topic: every head
 * and index entry carries it, so leftovers of a deleted topic are never read as part of a new topic
 * with the same name.
 *
 * @param retentionMs    how long records are kept; -1 keeps them forever
 * @param retentionBytes how many bytes per partition are kept; -1 means no limit
 * @param maxRecordBytes the largest record (key + value + headers) a producer may send
 * @param maxTimestampSkewMs how far ahead of the server's clock a record's timestamp may be, as Kafka's
 *                       {@code message.timestamp.after.max.ms}; later ones are refused (INVALID_TIMESTAMP)
 * @param compression    the codec each produced batch is compressed with ({@code none} by default)
 */
public record TopicConfig(String name, String topicId, int partitions, long retentionMs, long retentionBytes,
                          int maxRecordBytes, long createdAt, long maxTimestampSkewMs, CompressionCodec compression) {

    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    public static final int MAX_PARTITIONS = 1_000;
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    /** The ceiling of a per-topic record limit: a produce request may not exceed 6 MB anyway. */
    public static final int MAX_MAX_RECORD_BYTES = 4 << 20;
    public static final long UNLIMITED = -1;
    /** One hour, the default of Kafka's {@code message.timestamp.after.max.ms}. */
    public static final long DEFAULT_MAX_TIMESTAMP_SKEW_MS = 3_600_000L;

    /** An uncompressed topic. */
    public TopicConfig(String name, String topicId, int partitions, long retentionMs, long retentionBytes,
                       int maxRecordBytes, long createdAt, long maxTimestampSkewMs) {
        this(name, topicId, partitions, retentionMs, retentionBytes, maxRecordBytes, createdAt, maxTimestampSkewMs,
                CompressionCodec.NONE);
    }

    /** An uncompressed topic with the default timestamp skew (one hour). */
    public TopicConfig(String name, String topicId, int partitions, long retentionMs, long retentionBytes,
                       int maxRecordBytes, long createdAt) {
        this(name, topicId, partitions, retentionMs, retentionBytes, maxRecordBytes, createdAt,
                DEFAULT_MAX_TIMESTAMP_SKEW_MS);
    }

    public TopicConfig {
        validatePattern(name);
        Objects.requireNonNull(topicId, "topicId");
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new SluiceException(ErrorCode.INVALID_PARTITION_COUNT,
                    "partitions must be between 1 and " + MAX_PARTITIONS + ", was " + partitions);
        }
        if (retentionMs < UNLIMITED || retentionMs == 0) {
            throw new SluiceException(ErrorCode.INVALID_CONFIG, "retentionMs must be positive or -1, was " + retentionMs);
        }
        if (retentionBytes < UNLIMITED || retentionBytes == 0) {
            throw new SluiceException(ErrorCode.INVALID_CONFIG,
                    "retentionBytes must be positive or -1, was " + retentionBytes);
        }
        if (maxRecordBytes < 1 || maxRecordBytes > MAX_MAX_RECORD_BYTES) {
            throw new SluiceException(ErrorCode.INVALID_CONFIG,
                    "maxRecordBytes must be between 1 and " + MAX_MAX_RECORD_BYTES + ", was " + maxRecordBytes);
        }
        if (maxTimestampSkewMs < 0) {
            throw new SluiceException(ErrorCode.INVALID_CONFIG,
                    "maxTimestampSkewMs must not be negative, was " + maxTimestampSkewMs);
        }
        Objects.requireNonNull(compression, "compression");
    }

    /**
     * The codec a topic's {@code compression} names: none (the default, for null), gzip, lz4 or zstd.
     *
     * @throws SluiceException INVALID_CONFIG naming the allowed values
     */
    public static CompressionCodec compression(String name) {
        if (name == null) {
            return CompressionCodec.NONE;
        }
        return CompressionCodec.forName(name).orElseThrow(() -> new SluiceException(ErrorCode.INVALID_CONFIG,
                "compression must be one of " + String.join(", ", CompressionCodec.NAMES) + ", was '"
                        + abbreviate(name) + "'", java.util.Map.of("allowed", CompressionCodec.NAMES)));
    }

    /** The latest timestamp a record written at {@code now} may carry. */
    public long latestTimestampAt(long now) {
        return now > Long.MAX_VALUE - maxTimestampSkewMs ? Long.MAX_VALUE : now + maxTimestampSkewMs;
    }

    /**
     * This topic, if it has {@code partition}.
     *
     * @throws SluiceException UNKNOWN_PARTITION
     */
    public TopicConfig requirePartition(int partition) {
        if (partition < 0 || partition >= partitions) {
            throw new SluiceException(ErrorCode.UNKNOWN_PARTITION, "topic " + name + " has partitions 0 to "
                    + (partitions - 1) + ", not " + partition);
        }
        return this;
    }

    /**
     * A name a new topic may take: 1 to 249 characters of {@code [a-zA-Z0-9._-]}, and neither {@code .} nor
     * {@code ..}, which Kafka refuses too (they are path segments: in an S3 key or a URL they name another
     * place). A topic stored before this check is still read under such a name, so it can be deleted.
     */
    public static void validateName(String name) {
        validatePattern(name);
        if (name.equals(".") || name.equals("..")) {
            throw new SluiceException(ErrorCode.INVALID_TOPIC_NAME,
                    "topic names '.' and '..' are not allowed, got '" + name + "'");
        }
    }

    private static void validatePattern(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SluiceException(ErrorCode.INVALID_TOPIC_NAME,
                    "topic names are 1 to 249 characters of [a-zA-Z0-9._-], got "
                            + (name == null ? "none" : "'" + abbreviate(name) + "'"));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
