package io.sluice.subscription;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.GroupService;
import io.sluice.log.FetchService;
import io.sluice.log.TopicCache;
import io.sluice.meta.TopicConfig;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Creating, listing, describing, pausing, resuming and deleting subscriptions (issue 19). */
public final class SubscriptionService {

    /** A function name, or a function's (optionally qualified) ARN, as Lambda's Invoke takes it. */
    static final Pattern FUNCTION = Pattern.compile(
            "(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\\d{12}:function:)?[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]{1,128})?");
    static final int MAX_SECRET_LENGTH = 256;

    /** A create request as the API gives it; null fields take their defaults. */
    public record Create(String name, String topic, Target target, Integer batchSize, Long maxBatchingWindowMs,
                         Integer maximumRetryAttempts, Boolean bisectBatchOnError, String deadLetterTopic,
                         String startAt, Integer parallelizationFactor) {
    }

    /** A partition's delivery: the group's committed offset (the least of its lanes), the lag, the lanes. */
    public record PartitionStatus(int partition, long committed, long highWatermark, long lag, boolean dispatching,
                                  String lastError, long lastErrorAt) {
    }

    public record Description(Subscription subscription, List<PartitionStatus> partitions, long lag, long delivered,
                              long failed, long deadLettered, String lastError) {
    }

    private final SubscriptionStore store;
    private final TopicCache topics;
    private final GroupService groups;
    private final FetchService fetcher;
    private final DispatchInvoker invoker;
    private final SubscriptionTrigger trigger;
    private final Clock clock;
    private final boolean allowLoopback;

    public SubscriptionService(SubscriptionStore store, TopicCache topics, GroupService groups, FetchService fetcher,
                               DispatchInvoker invoker, SubscriptionTrigger trigger, Clock clock, boolean allowLoopback) {
        this.store = store;
        this.topics = topics;
        this.groups = groups;
        this.fetcher = fetcher;
        this.invoker = invoker;
        this.trigger = trigger;
        this.clock = clock;
        this.allowLoopback = allowLoopback;
    }

    public static void validateName(String name) {
        if (name == null || !TopicConfig.NAME.matcher(name).matches()
                || name.length() + Subscription.GROUP_PREFIX.length() > 249) {
            throw new SluiceException(ErrorCode.INVALID_CONFIG,
                    "subscription names are 1 to 245 characters of [a-zA-Z0-9._-]");
        }
    }

    public Subscription create(Create request) {
        validateName(request.name());
        if (request.topic() == null) {
            throw invalid("topic is required");
        }
        TopicConfig.validateName(request.topic());
        Target target = validate(request.target());
        int batchSize = bounded("batchSize", request.batchSize(), Subscription.DEFAULT_BATCH_SIZE, 1,
                Subscription.MAX_BATCH_SIZE);
        long window = request.maxBatchingWindowMs() == null ? 0 : request.maxBatchingWindowMs();
        if (window < 0 || window > Subscription.MAX_BATCHING_WINDOW_MS) {
            throw invalid("maxBatchingWindowMs must be 0 to " + Subscription.MAX_BATCHING_WINDOW_MS + ", was " + window);
        }
        int retries = bounded("maximumRetryAttempts", request.maximumRetryAttempts(),
                Subscription.DEFAULT_MAXIMUM_RETRY_ATTEMPTS, -1, Subscription.MAX_MAXIMUM_RETRY_ATTEMPTS);
        int factor = bounded("parallelizationFactor", request.parallelizationFactor(), 1, 1,
                Subscription.MAX_PARALLELIZATION_FACTOR);
        String startAt = request.startAt() == null ? "latest" : request.startAt();
        if (!startAt.equals("latest") && !startAt.equals("earliest")) {
            throw invalid("startAt must be \"earliest\" or \"latest\", was \"" + startAt + "\"");
        }
        if (request.deadLetterTopic() != null) {
            TopicConfig.validateName(request.deadLetterTopic());
            if (request.deadLetterTopic().equals(request.topic())) {
                throw invalid("the dead-letter topic must not be the subscribed topic");
            }
        }
        TopicConfig topic = topics.refresh(request.topic());
        if (request.deadLetterTopic() != null) {
            topics.refresh(request.deadLetterTopic());
        }
        if (store.get(request.name()).isPresent()) {
            throw new SluiceException(ErrorCode.SUBSCRIPTION_EXISTS, "subscription " + request.name() + " exists");
        }
        Subscription sub = new Subscription(request.name(), topic.name(), topic.topicId(), target, batchSize, window,
                retries, Boolean.TRUE.equals(request.bisectBatchOnError()), request.deadLetterTopic(), startAt, factor,
                Subscription.State.ACTIVE, null, clock.millis(), 1);
        // The group first (its offsets are where the lanes start), then the config, the lanes and the index:
        // a dispatcher finds nothing to do until the lanes exist.
        List<GroupService.OffsetCommit> starts = groups.reset(sub.group(), topic.name(),
                startAt.equals("earliest") ? new GroupService.Earliest() : new GroupService.Latest());
        if (!store.put(0, sub)) {
            throw new SluiceException(ErrorCode.SUBSCRIPTION_EXISTS, "subscription " + request.name() + " exists");
        }
        for (GroupService.OffsetCommit start : starts) {
            for (int lane = 0; lane < factor; lane++) {
                Dispatch d = new Dispatch(sub.name(), start.partition(), lane);
                Lane stale = store.lane(d).orElse(null);
                long version = stale == null ? 0 : stale.version();
                Lane fresh = Lane.start(d, start.offset(), version + 1);
                if (!store.putLane(version, fresh)) {
                    throw new SluiceException(ErrorCode.CONFLICT, "a lane of " + sub.name() + " changed while it was "
                            + "created; delete the subscription and create it again");
                }
                // Produce functions may trust a cached "no subscriptions" for this topic a while longer: the
                // sweep watches the new lane until every such cache has expired.
                store.mark(d, Sweep.watchToken(clock.millis() + SubscriptionWiring.TRIGGER_CACHE_TTL.toMillis()
                        + Sweep.PERIOD_MS));
            }
        }
        store.index(topic.name(), sub.name(), factor);
        trigger.invalidate(topic.name());
        dispatchLagging(sub);
        return sub;
    }

    public List<Subscription> list() {
        return store.list().stream().map(SubscriptionService::redacted).toList();
    }

    public Description describe(String name) {
        Subscription sub = get(name);
        Map<Integer, List<Lane>> byPartition = new java.util.TreeMap<>();
        for (Lane lane : store.lanes(name)) {
            byPartition.computeIfAbsent(lane.partition(), p -> new ArrayList<>()).add(lane);
        }
        long now = clock.millis();
        List<PartitionStatus> partitions = new ArrayList<>();
        long lag = 0;
        long delivered = 0;
        long failed = 0;
        long deadLettered = 0;
        String lastError = null;
        long lastErrorAt = -1;
        for (Map.Entry<Integer, List<Lane>> e : byPartition.entrySet()) {
            long committed = Long.MAX_VALUE;
            boolean dispatching = false;
            String error = null;
            long errorAt = 0;
            for (Lane lane : e.getValue()) {
                committed = Math.min(committed, lane.position());
                dispatching |= lane.leasedAt(now);
                delivered += lane.delivered();
                failed += lane.failed();
                deadLettered += lane.deadLettered();
                if (lane.lastError() != null && lane.lastErrorAt() >= errorAt) {
                    error = lane.lastError();
                    errorAt = lane.lastErrorAt();
                }
            }
            long highWatermark = topicGone(sub) ? committed : fetcher.latestOffset(sub.topic(), e.getKey());
            long partitionLag = Math.max(0, highWatermark - committed);
            lag += partitionLag;
            partitions.add(new PartitionStatus(e.getKey(), committed, highWatermark, partitionLag, dispatching, error,
                    errorAt));
            if (error != null && errorAt > lastErrorAt) {
                lastError = error;
                lastErrorAt = errorAt;
            }
        }
        return new Description(redacted(sub), partitions, lag, delivered, failed, deadLettered,
                sub.stateReason() != null ? sub.stateReason() : lastError);
    }

    public Subscription pause(String name) {
        return changeState(name, Subscription.State.PAUSED);
    }

    /** Active again; every lane with lag gets a dispatcher now, and a stopped one its retries back. */
    public Subscription resume(String name) {
        Subscription resumed = changeState(name, Subscription.State.ACTIVE);
        for (Lane lane : store.lanes(name)) {
            if (lane.attempts() > 0 || lane.retryAt() > 0) {
                store.putLane(lane.version(), lane.retriesReset());
            }
        }
        dispatchLagging(resumed);
        return redacted(resumed);
    }

    public void delete(String name) {
        for (int attempt = 0; attempt < 16; attempt++) {
            Subscription sub = get(name);
            if (store.delete(name, sub.version())) {
                store.unindex(sub.topic(), name);
                trigger.invalidate(sub.topic());
                for (Lane lane : store.lanes(name)) {
                    store.deleteLane(lane.dispatch());
                }
                return;
            }
        }
        throw new SluiceException(ErrorCode.CONFLICT, "subscription " + name + " kept changing; retry");
    }

    private Subscription changeState(String name, Subscription.State state) {
        for (int attempt = 0; attempt < 16; attempt++) {
            Subscription sub = get(name);
            if (sub.state() == state) {
                return redacted(sub);
            }
            Subscription next = sub.withState(state, null);
            if (store.put(sub.version(), next)) {
                return redacted(next);
            }
        }
        throw new SluiceException(ErrorCode.CONFLICT, "subscription " + name + " kept changing; retry");
    }

    private void dispatchLagging(Subscription sub) {
        for (Lane lane : store.lanes(sub.name())) {
            if (topicGone(sub)) {
                return;
            }
            if (fetcher.latestOffset(sub.topic(), lane.partition()) > lane.position() || lane.intent() != null) {
                try {
                    invoker.dispatch(lane.dispatch());
                } catch (RuntimeException e) {
                    store.mark(lane.dispatch(), "resume-" + clock.millis());
                }
            }
        }
    }

    private boolean topicGone(Subscription sub) {
        try {
            return !topics.get(sub.topic()).topicId().equals(sub.topicId());
        } catch (SluiceException e) {
            return true;
        }
    }

    private Subscription get(String name) {
        validateName(name);
        return store.get(name).orElseThrow(() -> new SluiceException(ErrorCode.UNKNOWN_SUBSCRIPTION,
                "unknown subscription " + name));
    }

    private static Subscription redacted(Subscription s) {
        return new Subscription(s.name(), s.topic(), s.topicId(), s.target().redacted(), s.batchSize(),
                s.maxBatchingWindowMs(), s.maximumRetryAttempts(), s.bisectBatchOnError(), s.deadLetterTopic(),
                s.startAt(), s.parallelizationFactor(), s.state(), s.stateReason(), s.createdAt(), s.version());
    }

    private Target validate(Target target) {
        if (target == null || target.type() == null) {
            throw invalid("target is required: {\"type\":\"lambda\",\"functionArn\":...} or "
                    + "{\"type\":\"http\",\"url\":...,\"secret\"?:...}");
        }
        switch (target.type()) {
            case Target.LAMBDA -> {
                if (target.functionArn() == null || !FUNCTION.matcher(target.functionArn()).matches()) {
                    throw invalid("target.functionArn must be a Lambda function name or ARN");
                }
                if (target.url() != null || target.secret() != null) {
                    throw invalid("a lambda target takes only functionArn");
                }
                return Target.lambda(target.functionArn());
            }
            case Target.HTTP -> {
                if (target.url() == null) {
                    throw invalid("target.url is required for an http target");
                }
                if (target.functionArn() != null) {
                    throw invalid("an http target takes url and secret, not functionArn");
                }
                try {
                    Targets.requireAllowed(URI.create(target.url()), allowLoopback);
                } catch (IllegalArgumentException e) {
                    throw invalid("target.url: " + e.getMessage());
                }
                if (target.secret() != null && (target.secret().isEmpty() || target.secret().length() > MAX_SECRET_LENGTH)) {
                    throw invalid("target.secret must be 1 to " + MAX_SECRET_LENGTH + " characters");
                }
                return Target.http(target.url(), target.secret());
            }
            default -> throw invalid("target.type must be \"lambda\" or \"http\", was \"" + target.type() + "\"");
        }
    }

    private static int bounded(String field, Integer value, int defaultValue, int min, int max) {
        int v = value == null ? defaultValue : value;
        if (v < min || v > max) {
            throw invalid(field + " must be " + min + " to " + max + ", was " + v);
        }
        return v;
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_CONFIG, message);
    }
}
