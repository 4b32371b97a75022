package io.sluice.share;

import io.sluice.error.ErrorCode;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.format.RecordHeader;
import io.sluice.group.GroupService;
import io.sluice.log.Backoff;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchService;
import io.sluice.log.FetchedRecord;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.ProducerRegistry;
import io.sluice.log.Sleeper;
import io.sluice.log.TopicCache;
import io.sluice.meta.ProducerIdentity;
import io.sluice.meta.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Share groups (KIP-932) on the log: many consumers on the same partitions, a lock per record, redelivery
 * when a lock expires, a delivery attempt limit and a dead-letter topic. The transitions are
 * {@link SharePartition}'s pure functions; this class reads the log around them and writes each
 * share-partition item with one conditional write, retrying a lost race from a fresh read.
 *
 * <p>Dead letters: the write that archives a record also records its intent, with the sequence of the
 * share-partition's own idempotent producer. Then the copy is produced through the normal produce path
 * with that producer and sequence, and a second write confirms it. Any later call on the share-partition
 * first finishes pending intents, in sequence order, with their recorded sequences, so a crash between
 * the steps neither loses a dead letter (the intent stays until confirmed) nor doubles one (the retry is
 * the identical one-record batch, which the log answers from its producer dedupe state).
 */
public final class ShareGroupService {

    public static final int DEFAULT_MAX_RECORDS = 100;
    public static final int MAX_MAX_RECORDS = 1_000;
    /** Lock tokens are 16 random bytes, base64url without padding. */
    public static final Pattern LOCK_TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");
    /** The headers a dead-letter copy carries besides the original's. */
    public static final String HEADER_TOPIC = "sluice.dlq.topic";
    public static final String HEADER_PARTITION = "sluice.dlq.partition";
    public static final String HEADER_OFFSET = "sluice.dlq.offset";
    public static final String HEADER_DELIVERY_COUNT = "sluice.dlq.delivery.count";
    public static final String HEADER_REASON = "sluice.dlq.reason";
    static final int MAX_ATTEMPTS = 32;
    private static final int READ_BYTES = FetchService.DEFAULT_MAX_BYTES;
    private static final long FIRST_POLL_INTERVAL_MS = 50;
    private static final long MAX_POLL_INTERVAL_MS = 200;

    private final ShareGroupStore store;
    private final TopicCache topics;
    private final FetchService fetcher;
    private final ProduceService producer;
    private final ProducerRegistry producers;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Backoff backoff;
    private final Supplier<String> tokens;

    /** A record a fetch acquired, with its lock. */
    public record ShareRecord(String topic, int partition, long offset, int deliveryCount, String lockToken,
                              long lockExpiresAt, LogRecord record) {
    }

    /** A configuration as PUT gives it; null fields take their defaults. */
    public record ConfigRequest(List<String> topics, Integer deliveryAttemptLimit, Long lockDurationMs,
                                String deadLetterTopic, String startAt, String ordering) {
    }

    /** The acks for some offsets of one partition under one lock token. */
    public record AckBatch(String topic, int partition, List<Long> offsets, String lockToken, AcknowledgeType type) {
    }

    public record AckResult(String topic, int partition, long offset, AckStatus status) {
    }

    public record PartitionDescription(String topic, int partition, long startOffset, long highWatermark,
                                       long available, long acquired, long archived, long lag, long accepted,
                                       long deadLettered, long pendingDeadLetters) {
    }

    public record Description(ShareGroupConfig config, List<PartitionDescription> partitions, long available,
                              long acquired, long archived, long lag, long deadLettered, long pendingDeadLetters) {
    }

    public ShareGroupService(ShareGroupStore store, TopicCache topics, FetchService fetcher, ProduceService producer,
                             ProducerRegistry producers, Clock clock, Sleeper sleeper, Backoff backoff) {
        this(store, topics, fetcher, producer, producers, clock, sleeper, backoff, randomTokens());
    }

    public ShareGroupService(ShareGroupStore store, TopicCache topics, FetchService fetcher, ProduceService producer,
                             ProducerRegistry producers, Clock clock, Sleeper sleeper, Backoff backoff,
                             Supplier<String> tokens) {
        this.store = store;
        this.topics = topics;
        this.fetcher = fetcher;
        this.producer = producer;
        this.producers = producers;
        this.clock = clock;
        this.sleeper = sleeper;
        this.backoff = backoff;
        this.tokens = tokens;
    }

    private static Supplier<String> randomTokens() {
        SecureRandom random = new SecureRandom();
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return () -> {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            return encoder.encodeToString(bytes);
        };
    }

    // ---- configuration ----

    /** Creates the group or replaces its configuration; every field not given takes its default. */
    public ShareGroupConfig configure(String group, ConfigRequest request) {
        GroupService.validateGroupName(group);
        if (request.topics() == null || request.topics().isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_CONFIG, "topics must list at least one topic");
        }
        for (String topic : request.topics()) {
            if (topic == null) {
                throw new SluiceException(ErrorCode.INVALID_CONFIG, "topics must not contain null");
            }
            TopicConfig.validateName(topic);
        }
        if (request.deadLetterTopic() != null) {
            TopicConfig.validateName(request.deadLetterTopic());
        }
        long lockMs = request.lockDurationMs() == null ? ShareGroupConfig.DEFAULT_LOCK_DURATION_MS : request.lockDurationMs();
        int limit = request.deliveryAttemptLimit() == null ? ShareGroupConfig.DEFAULT_DELIVERY_ATTEMPT_LIMIT
                : request.deliveryAttemptLimit();
        String startAt = request.startAt() == null ? ShareGroupConfig.EARLIEST : request.startAt();
        String ordering = request.ordering() == null ? ShareGroupConfig.NONE : request.ordering();
        // Validates every field before any topic is looked up or anything written.
        ShareGroupConfig candidate = new ShareGroupConfig(group, "-", 1, request.topics(), limit, lockMs,
                request.deadLetterTopic(), startAt, ordering, 0);
        for (String topic : candidate.topics()) {
            topics.refresh(topic);
        }
        if (candidate.deadLetterTopic() != null) {
            topics.refresh(candidate.deadLetterTopic());
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<ShareGroupConfig> current = store.getConfig(group);
            ShareGroupConfig next = new ShareGroupConfig(group,
                    current.map(ShareGroupConfig::groupId).orElseGet(() -> UUID.randomUUID().toString()),
                    current.map(c -> c.version() + 1).orElse(1L), candidate.topics(), limit, lockMs,
                    candidate.deadLetterTopic(), startAt, ordering,
                    current.map(ShareGroupConfig::createdAt).orElse(clock.millis()));
            if (store.putConfig(current.map(ShareGroupConfig::version).orElse(0L), next)) {
                // Share-partitions start where startAt says at the time the group is configured.
                for (String topic : next.topics()) {
                    TopicConfig t = topics.get(topic);
                    for (int p = 0; p < t.partitions(); p++) {
                        partition(next, t, p);
                    }
                }
                return next;
            }
            backoff.beforeRetry(attempt);
        }
        throw new SluiceException(ErrorCode.CONTENTION, "share group " + group + " is being configured concurrently");
    }

    public ShareGroupConfig config(String group) {
        GroupService.validateGroupName(group);
        return store.getConfig(group).orElseThrow(() -> new SluiceException(ErrorCode.UNKNOWN_SHARE_GROUP,
                "no share group " + group));
    }

    public List<String> list() {
        return store.listGroups();
    }

    /** Deletes the group: its config, then its share-partitions (pending dead letters are finished first). */
    public void delete(String group) {
        ShareGroupConfig config = config(group);
        for (SharePartition p : store.partitions(group, config.groupId())) {
            if (!p.deadLetters().isEmpty()) {
                try {
                    drain(config, p);
                } catch (SluiceException e) {
                    // The copy could not be made now; the group is deleted all the same.
                }
            }
        }
        if (!store.deleteConfig(group, config.version())) {
            throw new SluiceException(ErrorCode.CONFLICT, "share group " + group + " changed while being deleted;"
                    + " retry");
        }
        for (SharePartition p : store.partitions(group, config.groupId())) {
            store.deletePartition(group, p.topic(), p.partition());
        }
    }

    /** The share-partition item, created at the group's startAt if missing or of another topic incarnation. */
    private SharePartition partition(ShareGroupConfig config, TopicConfig topic, int partition) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<SharePartition> stored = store.getPartition(config.group(), config.groupId(), topic.name(), partition);
            if (stored.isPresent() && stored.get().topicId().equals(topic.topicId())) {
                return stored.get();
            }
            long start = ShareGroupConfig.LATEST.equals(config.startAt()) ? fetcher.latestOffset(topic.name(), partition)
                    : fetcher.earliestOffset(topic.name(), partition);
            long version = stored.map(SharePartition::version).orElse(0L);
            SharePartition initial = SharePartition.initial(config.group(), topic.name(), partition, topic.topicId(), start);
            SharePartition next = new SharePartition(initial.group(), initial.topic(), partition, topic.topicId(),
                    version + 1, start, List.of(), List.of(), List.of(), null, 0, 0, 0, 0);
            if (store.compareAndSet(config.groupId(), version, next)) {
                return next;
            }
            backoff.beforeRetry(attempt);
        }
        throw contention(topic.name(), partition);
    }

    // ---- fetch ----

    /**
     * Acquires up to {@code maxRecords} records across the group's partitions, starting at a random one
     * and moving on while records are still wanted. With {@code maxWaitMs}, waits for records as the fetch
     * route does: tries again after 50, 100, then every 200 ms.
     */
    public List<ShareRecord> fetch(String group, Integer maxRecords, Long maxWaitMs, Long lockDurationMs) {
        ShareGroupConfig config = config(group);
        int max = maxRecords == null ? DEFAULT_MAX_RECORDS : maxRecords;
        if (max < 1 || max > MAX_MAX_RECORDS) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "maxRecords must be between 1 and " + MAX_MAX_RECORDS
                    + ", was " + max);
        }
        long wait = maxWaitMs == null ? 0 : maxWaitMs;
        if (wait < 0 || wait > FetchService.MAX_WAIT_MS) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "maxWaitMs must be between 0 and "
                    + FetchService.MAX_WAIT_MS + ", was " + wait);
        }
        long lockMs = lockDurationMs == null ? config.lockDurationMs() : lockDurationMs;
        if (lockMs < ShareGroupConfig.MIN_LOCK_DURATION_MS || lockMs > ShareGroupConfig.MAX_LOCK_DURATION_MS) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "lockDurationMs must be between "
                    + ShareGroupConfig.MIN_LOCK_DURATION_MS + " and " + ShareGroupConfig.MAX_LOCK_DURATION_MS
                    + ", was " + lockMs);
        }
        long deadline = clock.millis() + wait;
        long interval = FIRST_POLL_INTERVAL_MS;
        while (true) {
            List<ShareRecord> records = fetchOnce(config, max, lockMs);
            long now = clock.millis();
            if (!records.isEmpty() || now >= deadline) {
                return records;
            }
            try {
                sleeper.sleep(Math.min(interval, deadline - now));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return records;
            }
            interval = Math.min(interval * 2, MAX_POLL_INTERVAL_MS);
            config = config(group);
        }
    }

    private List<ShareRecord> fetchOnce(ShareGroupConfig config, int maxRecords, long lockMs) {
        List<TopicConfig> consumed = new ArrayList<>();
        List<int[]> partitions = new ArrayList<>();
        for (String name : config.topics()) {
            TopicConfig topic = topics.get(name);
            consumed.add(topic);
            for (int p = 0; p < topic.partitions(); p++) {
                partitions.add(new int[] {consumed.size() - 1, p});
            }
        }
        String token = tokens.get();
        List<ShareRecord> result = new ArrayList<>();
        int first = ThreadLocalRandom.current().nextInt(partitions.size());
        for (int i = 0; i < partitions.size() && result.size() < maxRecords; i++) {
            int[] at = partitions.get((first + i) % partitions.size());
            result.addAll(acquire(config, consumed.get(at[0]), at[1], maxRecords - result.size(), lockMs, token));
        }
        return result;
    }

    private List<ShareRecord> acquire(ShareGroupConfig config, TopicConfig topic, int partition, int wanted, long lockMs,
                                      String token) {
        SharePartition.Rules rules = config.rules();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            SharePartition current = ready(config, topic, partition);
            long now = clock.millis();
            long from = current.firstAcquirable(now);
            int room = rules.maxInFlight() - current.windowSize();
            if (from == current.endOffset() && room <= 0) {
                return List.of();
            }
            int toRead = (int) Math.min(MAX_MAX_RECORDS + (long) rules.maxInFlight(),
                    current.endOffset() - from + Math.min(wanted, Math.max(room, 0)));
            FetchResult read;
            try {
                read = fetcher.fetch(topic.name(), partition, from, READ_BYTES, Math.max(1, toRead));
            } catch (OffsetOutOfRangeException e) {
                if (from < e.logStartOffset()) {
                    store.compareAndSet(config.groupId(), current.version(), current.skipTo(e.logStartOffset()));
                    continue;
                }
                throw e;
            }
            Map<Long, LogRecord> byOffset = new HashMap<>();
            List<SharePartition.Candidate> candidates = new ArrayList<>();
            for (FetchedRecord r : read.records()) {
                byOffset.put(r.offset(), r.record());
                candidates.add(new SharePartition.Candidate(r.offset(), keyHash(r.record().key())));
            }
            SharePartition.Acquisition acquisition = current.acquire(rules, now, token, lockMs, wanted, candidates);
            if (!acquisition.changed()) {
                return List.of();
            }
            if (store.compareAndSet(config.groupId(), current.version(), acquisition.next())) {
                drainAfterWrite(config, acquisition.next());
                List<ShareRecord> records = new ArrayList<>();
                for (SharePartition.Acquired a : acquisition.acquired()) {
                    records.add(new ShareRecord(topic.name(), partition, a.offset(), a.deliveryCount(), token,
                            a.expiresAt(), byOffset.get(a.offset())));
                }
                return records;
            }
            backoff.beforeRetry(attempt);
        }
        return List.of();
    }

    /** The share-partition, with pending dead letters finished and a dead-letter producer if the group needs one. */
    private SharePartition ready(ShareGroupConfig config, TopicConfig topic, int partition) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            SharePartition current = partition(config, topic, partition);
            if (!current.deadLetters().isEmpty()) {
                current = drainQuietly(config, current);
            }
            String dlq = config.deadLetterTopic();
            if (dlq == null || !current.deadLetters().isEmpty()
                    || (current.producer() != null && current.producer().topic().equals(dlq))) {
                return current;
            }
            TopicConfig target;
            try {
                target = topics.get(dlq);
            } catch (SluiceException e) {
                throw new SluiceException(ErrorCode.UNKNOWN_TOPIC, "the dead-letter topic " + dlq + " of share group "
                        + config.group() + " does not exist; create it or PUT the group's config without it");
            }
            // An unnamed init: a producer id nobody else can bump; an id whose write loses is never used.
            ProducerIdentity identity = producers.init(null);
            SharePartition next = current.withProducer(new DeadLetterProducer(identity.producerId(),
                    identity.producerEpoch(), dlq, partition % target.partitions(), 0));
            if (store.compareAndSet(config.groupId(), current.version(), next)) {
                return next;
            }
            backoff.beforeRetry(attempt);
        }
        throw contention(topic.name(), partition);
    }

    private static Integer keyHash(byte[] key) {
        return key == null ? null : Arrays.hashCode(key);
    }

    // ---- acknowledgements ----

    /** Applies acks, partition by partition, each partition in one conditional write; one result per offset. */
    public List<AckResult> acknowledge(String group, List<AckBatch> batches) {
        ShareGroupConfig config = config(group);
        if (batches == null || batches.isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "acks must list at least one acknowledgement");
        }
        Map<String, TopicConfig> consumed = new HashMap<>();
        Map<String, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < batches.size(); i++) {
            AckBatch b = batches.get(i);
            String at = "acks[" + i + "]";
            if (!config.topics().contains(b.topic())) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, at + ".topic " + b.topic()
                        + " is not consumed by share group " + group);
            }
            TopicConfig topic = consumed.computeIfAbsent(b.topic(), topics::get);
            topic.requirePartition(b.partition());
            if (b.lockToken() == null || !LOCK_TOKEN.matcher(b.lockToken()).matches()) {
                throw new SluiceException(ErrorCode.INVALID_LOCK, at + ".lockToken is not a lock token this service"
                        + " issues (22 characters of base64url)");
            }
            if (b.offsets() == null || b.offsets().isEmpty() || b.offsets().stream().anyMatch(o -> o == null || o < 0)) {
                throw new SluiceException(ErrorCode.INVALID_OFFSET, at + ".offsets must list non-negative offsets");
            }
            byPartition.computeIfAbsent(b.topic() + "\u0000" + b.partition(), k -> new ArrayList<>()).add(i);
        }
        AckStatus[][] statuses = new AckStatus[batches.size()][];
        for (List<Integer> indexes : byPartition.values()) {
            AckBatch first = batches.get(indexes.get(0));
            List<SharePartition.Ack> acks = new ArrayList<>();
            for (int i : indexes) {
                AckBatch b = batches.get(i);
                b.offsets().forEach(o -> acks.add(new SharePartition.Ack(o, b.lockToken(), b.type())));
            }
            List<AckStatus> result = acknowledge(config, consumed.get(first.topic()), first.partition(), acks);
            int k = 0;
            for (int i : indexes) {
                statuses[i] = result.subList(k, k + batches.get(i).offsets().size()).toArray(new AckStatus[0]);
                k += batches.get(i).offsets().size();
            }
        }
        List<AckResult> results = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            AckBatch b = batches.get(i);
            for (int k = 0; k < b.offsets().size(); k++) {
                results.add(new AckResult(b.topic(), b.partition(), b.offsets().get(k), statuses[i][k]));
            }
        }
        return results;
    }

    private List<AckStatus> acknowledge(ShareGroupConfig config, TopicConfig topic, int partition,
                                        List<SharePartition.Ack> acks) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<SharePartition> stored = store.getPartition(config.group(), config.groupId(), topic.name(), partition);
            if (stored.isEmpty() || !stored.get().topicId().equals(topic.topicId())) {
                return acks.stream().map(a -> AckStatus.INVALID_LOCK).toList();
            }
            SharePartition current = config.deadLetterTopic() == null ? stored.get() : ready(config, topic, partition);
            SharePartition.Acknowledgement result = current.acknowledge(config.rules(), clock.millis(),
                    config.lockDurationMs(), acks);
            if (!result.changed()) {
                return result.statuses();
            }
            if (store.compareAndSet(config.groupId(), current.version(), result.next())) {
                drainAfterWrite(config, result.next());
                return result.statuses();
            }
            backoff.beforeRetry(attempt);
        }
        throw contention(topic.name(), partition);
    }

    // ---- dead letters ----

    /**
     * After a write that took effect, its answer stands whatever happens to the dead letters it created:
     * a failure leaves them pending for the next call on the share-partition.
     */
    private void drainAfterWrite(ShareGroupConfig config, SharePartition written) {
        if (written.deadLetters().isEmpty()) {
            return;
        }
        try {
            drain(config, written);
        } catch (RuntimeException e) {
            // Pending in the item; finished by the next fetch, ack, reset or delete here.
        }
    }

    private SharePartition drainQuietly(ShareGroupConfig config, SharePartition p) {
        try {
            return drain(config, p);
        } catch (SluiceException e) {
            if (e.code().isClientError() || e.code() == ErrorCode.CONTENTION || e.code() == ErrorCode.THROTTLED
                    || e.code() == ErrorCode.UNAVAILABLE) {
                // Left pending: the next call on this share-partition tries again with the same sequences.
                return store.getPartition(config.group(), config.groupId(), p.topic(), p.partition()).orElse(p);
            }
            throw e;
        }
    }

    /**
     * Produces every pending dead-letter intent, in sequence order, each as a one-record idempotent batch
     * with its recorded sequence, and confirms each with a conditional write.
     */
    SharePartition drain(ShareGroupConfig config, SharePartition p) {
        for (int step = 0; step < 4 * MAX_ATTEMPTS + 2 * p.deadLetters().size() && !p.deadLetters().isEmpty(); step++) {
            DeadLetter d = p.deadLetters().get(0);
            DeadLetterProducer dlp = p.producer();
            FetchResult original;
            try {
                original = fetcher.fetch(p.topic(), p.partition(), d.offset(), READ_BYTES, 1);
            } catch (OffsetOutOfRangeException e) {
                if (d.offset() < e.logStartOffset()) {
                    store.compareAndSet(config.groupId(), p.version(), p.skipTo(e.logStartOffset()));
                    p = reread(config, p);
                    continue;
                }
                throw e;
            }
            if (original.records().isEmpty() || original.records().get(0).offset() != d.offset()) {
                throw new IllegalStateException("offset " + d.offset() + " of " + p.topic() + "/" + p.partition()
                        + " is within the log's range but was not read");
            }
            LogRecord r = original.records().get(0).record();
            List<RecordHeader> headers = new ArrayList<>(r.headers());
            headers.add(header(HEADER_TOPIC, p.topic()));
            headers.add(header(HEADER_PARTITION, Integer.toString(p.partition())));
            headers.add(header(HEADER_OFFSET, Long.toString(d.offset())));
            headers.add(header(HEADER_DELIVERY_COUNT, Integer.toString(d.deliveryCount())));
            headers.add(header(HEADER_REASON, d.reasonName()));
            try {
                producer.produce(dlp.topic(), List.of(new ProduceRecord(r.key(), r.value(), headers, dlp.partition(),
                        r.timestamp())), new ProduceService.Idempotence(dlp.producerId(), dlp.epoch(),
                        Map.of(dlp.partition(), d.sequence())));
            } catch (SluiceException e) {
                if (e.code() == ErrorCode.UNKNOWN_PRODUCER) {
                    // The dead-letter partition forgot the producer (a day without writes): a fresh one, and
                    // the pending intents renumbered from its sequence 0.
                    ProducerIdentity identity = producers.init(null);
                    store.compareAndSet(config.groupId(), p.version(), p.renumberDeadLetters(new DeadLetterProducer(
                            identity.producerId(), identity.producerEpoch(), dlp.topic(), dlp.partition(), 0)));
                    p = reread(config, p);
                    continue;
                }
                if (e.code() != ErrorCode.DUPLICATE_SEQUENCE) {
                    throw e;
                }
                // Written long ago by an earlier attempt: confirmed.
            }
            if (!store.compareAndSet(config.groupId(), p.version(), p.deadLettered(List.of(d.offset())))) {
                p = reread(config, p);
                continue;
            }
            p = p.deadLettered(List.of(d.offset()));
        }
        return p;
    }

    private SharePartition reread(ShareGroupConfig config, SharePartition p) {
        return store.getPartition(config.group(), config.groupId(), p.topic(), p.partition())
                .orElseThrow(() -> new SluiceException(ErrorCode.UNKNOWN_SHARE_GROUP, "share group " + config.group()
                        + " was deleted"));
    }

    private static RecordHeader header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    // ---- describe and reset ----

    public Description describe(String group) {
        ShareGroupConfig config = config(group);
        long now = clock.millis();
        List<PartitionDescription> result = new ArrayList<>();
        for (String name : config.topics()) {
            TopicConfig topic = topics.get(name);
            for (int p = 0; p < topic.partitions(); p++) {
                long hw = fetcher.latestOffset(name, p);
                Optional<SharePartition> stored = store.getPartition(group, config.groupId(), name, p)
                        .filter(s -> s.topicId().equals(topic.topicId()));
                if (stored.isEmpty()) {
                    long start = ShareGroupConfig.LATEST.equals(config.startAt()) ? hw : fetcher.earliestOffset(name, p);
                    result.add(new PartitionDescription(name, p, start, hw, hw - start, 0, 0, hw - start, 0, 0, 0));
                    continue;
                }
                SharePartition s = stored.get();
                long fresh = Math.max(0, hw - s.endOffset());
                result.add(new PartitionDescription(name, p, s.startOffset(), hw, s.availableAt(now) + fresh,
                        s.acquiredAt(now), s.archived(), s.notDoneInWindow() + fresh, s.accepted(), s.deadLettered(),
                        s.deadLetters().size()));
            }
        }
        return new Description(config, result, result.stream().mapToLong(PartitionDescription::available).sum(),
                result.stream().mapToLong(PartitionDescription::acquired).sum(),
                result.stream().mapToLong(PartitionDescription::archived).sum(),
                result.stream().mapToLong(PartitionDescription::lag).sum(),
                result.stream().mapToLong(PartitionDescription::deadLettered).sum(),
                result.stream().mapToLong(PartitionDescription::pendingDeadLetters).sum());
    }

    /** The new start offset of one partition after a reset. */
    public record ResetOffset(String topic, int partition, long offset) {
    }

    /**
     * Moves every share-partition of {@code topicName} to {@code to} with an empty window, only while none
     * of them has an acquired record (GROUP_NOT_EMPTY otherwise). An explicit offset is clamped into each
     * partition's range, as for consumer groups.
     */
    public List<ResetOffset> reset(String group, String topicName, GroupService.ResetTarget to) {
        ShareGroupConfig config = config(group);
        if (topicName == null || !config.topics().contains(topicName)) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "topic " + topicName + " is not consumed by share group "
                    + group);
        }
        if (to == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "to is required");
        }
        TopicConfig topic = topics.refresh(topicName);
        long now = clock.millis();
        List<SharePartition> current = new ArrayList<>();
        for (int p = 0; p < topic.partitions(); p++) {
            SharePartition s = partition(config, topic, p);
            if (!s.deadLetters().isEmpty()) {
                s = drainQuietly(config, s);
            }
            if (s.acquiredAt(now) > 0 || !s.deadLetters().isEmpty()) {
                throw new SluiceException(ErrorCode.GROUP_NOT_EMPTY, "share group " + group + " has records acquired"
                        + " (or dead letters pending) on " + topicName + "/" + p + "; reset when nothing is acquired");
            }
            current.add(s);
        }
        List<ResetOffset> offsets = new ArrayList<>();
        for (SharePartition s : current) {
            int p = s.partition();
            long offset;
            if (to instanceof GroupService.Earliest) {
                offset = fetcher.earliestOffset(topicName, p);
            } else if (to instanceof GroupService.Latest) {
                offset = fetcher.latestOffset(topicName, p);
            } else if (to instanceof GroupService.AtTimestamp t) {
                offset = fetcher.offsetForTimestamp(topicName, p, t.timestamp());
            } else {
                long wanted = ((GroupService.AtOffset) to).offset();
                offset = Math.max(fetcher.earliestOffset(topicName, p), Math.min(fetcher.latestOffset(topicName, p), wanted));
            }
            if (!store.compareAndSet(config.groupId(), s.version(), s.resetTo(offset, now))) {
                throw new SluiceException(ErrorCode.GROUP_NOT_EMPTY, "share group " + group + " changed on " + topicName
                        + "/" + p + " during the reset; partitions before it were reset, retry when nothing is acquired");
            }
            offsets.add(new ResetOffset(topicName, p, offset));
        }
        return offsets;
    }

    private static SluiceException contention(String topic, int partition) {
        return new SluiceException(ErrorCode.CONTENTION, "share-partition " + topic + "/" + partition
                + " lost " + MAX_ATTEMPTS + " write races in a row; nothing was changed, retry");
    }
}
