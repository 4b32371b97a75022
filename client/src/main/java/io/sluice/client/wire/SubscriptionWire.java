package io.sluice.client.wire;

import java.util.List;

/** The JSON bodies of the subscription routes (issue 19), shared by the server and its clients. */
public final class SubscriptionWire {

    private SubscriptionWire() {
    }

    /** {@code {"type":"lambda","functionArn":...}} or {@code {"type":"http","url":...,"secret"?:...}}. */
    public record Target(String type, String functionArn, String url, String secret) {
    }

    /** POST /subscriptions. Null fields take their defaults. */
    public record CreateRequest(String name, String topic, Target target, Integer batchSize, Long maxBatchingWindowMs,
                                Integer maximumRetryAttempts, Boolean bisectBatchOnError, String deadLetterTopic,
                                String startAt, Integer parallelizationFactor) {
    }

    /** A subscription's configuration and state (a target's secret is never shown). */
    public record Subscription(String name, String topic, String group, Target target, int batchSize,
                               long maxBatchingWindowMs, int maximumRetryAttempts, boolean bisectBatchOnError,
                               String deadLetterTopic, String startAt, int parallelizationFactor, String state,
                               String stateReason, long createdAt) {
    }

    public record SubscriptionList(List<Subscription> subscriptions) {
    }

    /** One partition: the group's committed offset, the high watermark, the lag, whether a dispatcher holds it. */
    public record PartitionStatus(int partition, long committed, long highWatermark, long lag, boolean dispatching,
                                  String lastError, Long lastErrorAt) {
    }

    /** GET /subscriptions/{name}. */
    public record Description(Subscription subscription, List<PartitionStatus> partitions, long lag, long delivered,
                              long failed, long deadLettered, String lastError) {
    }
}
