package io.sluice.share;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import java.util.List;
import java.util.Objects;

/**
 * A share group's configuration, its group item.
 *
 * @param groupId              this incarnation of the group: share-partition items of an earlier
 *                             incarnation (a deleted group of the same name) are ignored and replaced
 * @param version              the config item's version; every write is conditional on it
 * @param topics               the topics the group consumes
 * @param deliveryAttemptLimit a record delivered this many times without being accepted is archived
 * @param lockDurationMs       the default lock a fetch takes, and what a renew extends a lock by
 * @param deadLetterTopic      where archived records are copied, or null
 * @param startAt              {@code earliest} or {@code latest}: where a share-partition starts when the
 *                             group first reads it
 * @param ordering             {@code none} or {@code key}
 */
public record ShareGroupConfig(@JsonProperty("group") String group, @JsonProperty("groupId") String groupId,
                               @JsonProperty("version") long version, @JsonProperty("topics") List<String> topics,
                               @JsonProperty("deliveryAttemptLimit") int deliveryAttemptLimit,
                               @JsonProperty("lockDurationMs") long lockDurationMs,
                               @JsonProperty("deadLetterTopic") String deadLetterTopic,
                               @JsonProperty("startAt") String startAt, @JsonProperty("ordering") String ordering,
                               @JsonProperty("createdAt") long createdAt) {

    public static final int DEFAULT_DELIVERY_ATTEMPT_LIMIT = 5;
    public static final int MAX_DELIVERY_ATTEMPT_LIMIT = 100;
    /** Kafka's group.share.record.lock.duration.ms default. */
    public static final long DEFAULT_LOCK_DURATION_MS = 30_000;
    public static final long MIN_LOCK_DURATION_MS = 100;
    /** SQS's longest visibility timeout. */
    public static final long MAX_LOCK_DURATION_MS = 12 * 60 * 60 * 1000L;
    public static final int MAX_TOPICS = 100;
    public static final String EARLIEST = "earliest";
    public static final String LATEST = "latest";
    public static final String NONE = "none";
    public static final String KEY = "key";

    public ShareGroupConfig {
        Objects.requireNonNull(group);
        Objects.requireNonNull(groupId);
        topics = List.copyOf(topics);
        if (topics.isEmpty() || topics.size() > MAX_TOPICS || topics.stream().distinct().count() != topics.size()) {
            throw invalid("topics must list 1 to " + MAX_TOPICS + " distinct topics");
        }
        if (deliveryAttemptLimit < 1 || deliveryAttemptLimit > MAX_DELIVERY_ATTEMPT_LIMIT) {
            throw invalid("deliveryAttemptLimit must be between 1 and " + MAX_DELIVERY_ATTEMPT_LIMIT
                    + ", was " + deliveryAttemptLimit);
        }
        if (lockDurationMs < MIN_LOCK_DURATION_MS || lockDurationMs > MAX_LOCK_DURATION_MS) {
            throw invalid("lockDurationMs must be between " + MIN_LOCK_DURATION_MS + " and " + MAX_LOCK_DURATION_MS
                    + ", was " + lockDurationMs);
        }
        if (!EARLIEST.equals(startAt) && !LATEST.equals(startAt)) {
            throw invalid("startAt must be \"earliest\" or \"latest\"");
        }
        if (!NONE.equals(ordering) && !KEY.equals(ordering)) {
            throw invalid("ordering must be \"none\" or \"key\"");
        }
        if (deadLetterTopic != null && topics.contains(deadLetterTopic)) {
            throw invalid("the dead-letter topic must not be one the group consumes");
        }
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_CONFIG, message);
    }

    /** The rules its share-partitions' transitions follow. */
    public SharePartition.Rules rules() {
        return new SharePartition.Rules(deliveryAttemptLimit, SharePartition.DEFAULT_MAX_IN_FLIGHT, KEY.equals(ordering),
                deadLetterTopic != null);
    }

    public ShareGroupConfig withVersion(long next) {
        return new ShareGroupConfig(group, groupId, next, topics, deliveryAttemptLimit, lockDurationMs, deadLetterTopic,
                startAt, ordering, createdAt);
    }
}
