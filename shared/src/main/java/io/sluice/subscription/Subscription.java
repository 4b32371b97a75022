package io.sluice.subscription;

/**
 * A subscription as stored in its config item: a topic bound to a target and to the consumer group
 * {@code sub.<name>}. Every change is a write conditional on {@code version}.
 *
 * @param topicId              the incarnation of the topic it was created on; a recreated topic is not its topic
 * @param maximumRetryAttempts retries of a failing batch before it is dead-lettered (or the subscription
 *                             stops); -1 retries for as long as the records are retained
 * @param state                {@link State}; {@code stateReason} says why a subscription stopped
 */
public record Subscription(String name, String topic, String topicId, Target target, int batchSize,
                           long maxBatchingWindowMs, int maximumRetryAttempts, boolean bisectBatchOnError,
                           String deadLetterTopic, String startAt, int parallelizationFactor, State state,
                           String stateReason, long createdAt, long version) {

    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final int MAX_BATCH_SIZE = 10_000;
    public static final long MAX_BATCHING_WINDOW_MS = 300_000;
    public static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 3;
    public static final int MAX_MAXIMUM_RETRY_ATTEMPTS = 10_000;
    public static final int MAX_PARALLELIZATION_FACTOR = 10;
    public static final String GROUP_PREFIX = "sub.";

    /** ACTIVE delivers; PAUSED delivers nothing until resumed; STOPPED failed without a dead-letter topic. */
    public enum State { ACTIVE, PAUSED, STOPPED }

    /** The consumer group Sluice manages for this subscription. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String group() {
        return GROUP_PREFIX + name;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean retriesForever() {
        return maximumRetryAttempts < 0;
    }

    public Subscription withState(State next, String reason) {
        return new Subscription(name, topic, topicId, target, batchSize, maxBatchingWindowMs, maximumRetryAttempts,
                bisectBatchOnError, deadLetterTopic, startAt, parallelizationFactor, next, reason, createdAt,
                version + 1);
    }
}
