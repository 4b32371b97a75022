package io.sluice.subscription;

import io.sluice.client.Partitioner;
import io.sluice.error.ErrorCode;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.format.RecordHeader;
import io.sluice.group.GroupService;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchService;
import io.sluice.log.FetchedRecord;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.ProducerRegistry;
import io.sluice.log.Sleeper;
import io.sluice.log.TopicCache;
import io.sluice.meta.ProducerIdentity;
import io.sluice.metrics.Metrics;
import io.sluice.share.DeadLetterProducer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Delivers one lane of a subscription: takes the lane's lease with a conditional write, then delivers
 * batches in offset order, one at a time, while there is lag and time left in its invocation.
 *
 * <p>Every acknowledgement is one conditional write of the lane item (the new position, the counts and
 * a renewed lease), after which the consumer group {@code sub.<name>} is committed to the partition's
 * position (the least of its lanes). A dispatcher that dies anywhere leaves the position where the
 * last acknowledgement put it; its successor redelivers from there: at least once, never a gap.
 *
 * <p>The sweep's mark: a dispatcher marks its lane before it takes the lease and unmarks it (if the mark
 * is still its own) only once the lane has no lag. So a lane with a lease always has a mark, and a
 * dispatcher that dies or stops early leaves one for the sweep. A dispatcher that finds the lane leased
 * writes nothing: the holder re-reads the high watermark after releasing the lease, and takes it again
 * if records arrived meanwhile.
 */
public final class Dispatcher {

    /** Why a run ended. */
    public enum Result { CAUGHT_UP, BUSY, OUT_OF_TIME, BACKING_OFF, INACTIVE, STOPPED, LEASE_LOST }

    /** Timing knobs: the retry backoff and how long a lease outlives a delivery's timeout. */
    public record Settings(long retryBaseMs, long retryCapMs, long leaseMarginMs) {
        public static final Settings DEFAULT = new Settings(1_000, 60_000, 10_000);
    }

    public static final String HEADER_TOPIC = "sluice.subscription.topic";
    public static final String HEADER_PARTITION = "sluice.subscription.partition";
    public static final String HEADER_OFFSET = "sluice.subscription.offset";
    public static final String HEADER_SUBSCRIPTION = "sluice.subscription.name";
    public static final String HEADER_ERROR = "sluice.subscription.error";

    private static final int READ_BYTES = FetchService.MAX_MAX_BYTES;
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final SubscriptionStore store;
    private final FetchService fetcher;
    private final GroupService groups;
    private final ProduceService producer;
    private final ProducerRegistry producers;
    private final TopicCache topics;
    private final Targets targets;
    private final DispatchInvoker invoker;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Metrics metrics;
    private final Settings settings;

    public Dispatcher(SubscriptionStore store, FetchService fetcher, GroupService groups, ProduceService producer,
                      ProducerRegistry producers, TopicCache topics, Targets targets, DispatchInvoker invoker, Clock clock,
                      Sleeper sleeper, Metrics metrics, Settings settings) {
        this.store = store;
        this.fetcher = fetcher;
        this.groups = groups;
        this.producer = producer;
        this.producers = producers;
        this.topics = topics;
        this.targets = targets;
        this.invoker = invoker;
        this.clock = clock;
        this.sleeper = sleeper;
        this.metrics = metrics;
        this.settings = settings;
    }

    private long leaseMs() {
        return targets.timeout().toMillis() + settings.leaseMarginMs();
    }

    /** Delivers the lane until it has no lag, or until {@code deadline} (epoch millis) is too near. */
    public Result run(Dispatch d, long deadline) {
        for (int round = 0; round < 8; round++) {
            Subscription sub = store.get(d.subscription()).orElse(null);
            if (sub == null || sub.state() != Subscription.State.ACTIVE) {
                return Result.INACTIVE;
            }
            Lane lane = store.lane(d).orElse(null);
            if (lane == null) {
                return Result.INACTIVE;
            }
            long now = clock.millis();
            if (lane.leasedAt(now)) {
                return Result.BUSY;
            }
            String token = UUID.randomUUID().toString();
            store.mark(d, token);
            Lane held = lane.leased(token, now + leaseMs());
            if (!store.putLane(lane.version(), held)) {
                return Result.BUSY;
            }
            Work work = deliver(sub, held, deadline);
            if (work.result() == Result.LEASE_LOST) {
                return Result.LEASE_LOST;
            }
            if (!store.putLane(work.lane().version(), work.lane().released())) {
                return Result.LEASE_LOST;
            }
            switch (work.result()) {
                case CAUGHT_UP -> {
                    store.unmark(d, token);
                    // Records committed after this dispatcher last looked, whose trigger found the lane leased.
                    if (fetcher.latestOffset(sub.topic(), d.partition()) > work.lane().position()) {
                        continue;
                    }
                    return Result.CAUGHT_UP;
                }
                case OUT_OF_TIME -> {
                    invoker.dispatch(d);
                    return Result.OUT_OF_TIME;
                }
                case STOPPED, INACTIVE -> {
                    store.unmark(d, token);
                    return work.result();
                }
                default -> {
                    return work.result();
                }
            }
        }
        return Result.OUT_OF_TIME;
    }

    private record Work(Result result, Lane lane) {
    }

    private record Batch(List<FetchedRecord> records, long scannedEnd) {
    }

    private Work deliver(Subscription sub, Lane lane, long deadline) {
        boolean waitedForBatch = false;
        while (true) {
            long now = clock.millis();
            Subscription current = store.get(sub.name()).orElse(null);
            if (current == null || current.state() != Subscription.State.ACTIVE || !topicIsCurrent(current)) {
                return new Work(Result.INACTIVE, lane);
            }
            if (deadline - now < leaseMs()) {
                boolean lag = lane.intent() != null
                        || fetcher.latestOffset(sub.topic(), lane.partition()) > lane.position();
                return new Work(lag ? Result.OUT_OF_TIME : Result.CAUGHT_UP, lane);
            }
            if (lane.intent() != null) {
                lane = deadLetter(sub, lane);
                if (lane == null) {
                    return new Work(Result.LEASE_LOST, null);
                }
                commitGroup(sub, lane);
                continue;
            }
            if (lane.retryAt() > now) {
                long wait = lane.retryAt() - now;
                if (now + wait + leaseMs() >= deadline || !pause(wait)) {
                    return new Work(Result.BACKING_OFF, lane);
                }
                continue;
            }
            int cap = lane.batchCap() > 0 ? Math.min(lane.batchCap(), sub.batchSize()) : sub.batchSize();
            Batch batch;
            try {
                batch = fetch(sub, lane, cap);
            } catch (OffsetOutOfRangeException e) {
                if (lane.position() >= e.logStartOffset()) {
                    throw e;
                }
                // Retention removed records before they were delivered: delivery moves to the log's start.
                Lane next = lane.skippedTo(e.logStartOffset(), now + leaseMs(), "offsets " + lane.position() + " to "
                        + (e.logStartOffset() - 1) + " were removed by retention before they were delivered", now);
                if (!store.putLane(lane.version(), next)) {
                    return new Work(Result.LEASE_LOST, null);
                }
                lane = next;
                continue;
            }
            if (batch.records().isEmpty()) {
                if (batch.scannedEnd() > lane.position()) {
                    Lane next = lane.skippedTo(batch.scannedEnd(), now + leaseMs(), null, now);
                    if (!store.putLane(lane.version(), next)) {
                        return new Work(Result.LEASE_LOST, null);
                    }
                    lane = next;
                    commitGroup(sub, lane);
                    continue;
                }
                return new Work(Result.CAUGHT_UP, lane);
            }
            if (batch.records().size() < cap && sub.maxBatchingWindowMs() > 0 && !waitedForBatch) {
                long oldest = batch.records().get(0).record().timestamp();
                long wait = Math.min(sub.maxBatchingWindowMs() - Math.max(0, now - oldest), deadline - now - leaseMs());
                waitedForBatch = true;
                if (wait > 0 && pause(wait)) {
                    continue;
                }
            }
            waitedForBatch = false;
            if (lane.leaseExpiresAt() - now < leaseMs()) {
                Lane renewed = lane.leased(lane.leaseToken(), now + leaseMs());
                if (!store.putLane(lane.version(), renewed)) {
                    return new Work(Result.LEASE_LOST, null);
                }
                lane = renewed;
            }
            Outcome outcome = targets.deliver(sub.target(), payload(sub, lane.partition(), batch.records()));
            now = clock.millis();
            Settled settled = settle(sub, lane, batch, outcome, now);
            Lane next = settled.lane();
            if (!store.putLane(lane.version(), next)) {
                return new Work(Result.LEASE_LOST, null);
            }
            if (settled.stopped()) {
                return new Work(Result.STOPPED, next);
            }
            boolean progressed = next.position() > lane.position();
            lane = next;
            if (progressed) {
                commitGroup(sub, lane);
            }
        }
    }

    private record Settled(Lane lane, boolean stopped) {
    }

    /** The lane after {@code outcome}; {@code stopped} when the subscription stopped instead of moving on. */
    private Settled settle(Subscription sub, Lane lane, Batch batch, Outcome outcome, long now) {
        List<FetchedRecord> records = batch.records();
        long leaseUntil = now + leaseMs();
        String dims = sub.name();
        if (outcome instanceof Outcome.Acknowledged) {
            metrics.record("SubscriptionRecordsDelivered", records.size(), Metrics.Unit.Count, Map.of("Subscription", dims));
            return new Settled(lane.acknowledged(batch.scannedEnd(), records.size(), leaseUntil), false);
        }
        long resumeAt = lane.position();
        long acknowledged = 0;
        String error;
        if (outcome instanceof Outcome.Partial p) {
            int index = indexOf(records, p.failedOffset());
            if (index < 0) {
                error = "batchItemFailures named offset " + p.failedOffset() + ", which is not in the batch";
            } else {
                acknowledged = index;
                resumeAt = records.get(index).offset();
                error = "the target reported offset " + p.failedOffset() + " as failed";
            }
        } else {
            error = ((Outcome.Failed) outcome).error();
        }
        List<FetchedRecord> failing = acknowledged == 0 ? records : records.subList((int) acknowledged, records.size());
        int attempts = acknowledged > 0 ? 1 : lane.attempts() + 1;
        metrics.record("SubscriptionDeliveryFailures", 1, Metrics.Unit.Count, Map.of("Subscription", dims));
        if (sub.bisectBatchOnError() && failing.size() > 1) {
            // Split the batch and retry its halves at once; retries count only once it is down to one record.
            int cap = (failing.size() + 1) / 2;
            return new Settled(lane.failedAttempt(resumeAt, acknowledged, 0, cap, now, error, now, leaseUntil), false);
        }
        if (sub.retriesForever() || attempts <= sub.maximumRetryAttempts()) {
            long backoff = Math.min(settings.retryCapMs(), settings.retryBaseMs() << Math.min(attempts - 1, 20));
            return new Settled(lane.failedAttempt(resumeAt, acknowledged, attempts, lane.batchCap(), now + backoff,
                    error, now, leaseUntil), false);
        }
        Lane failed = lane.failedAttempt(resumeAt, acknowledged, attempts, lane.batchCap(), 0, error, now, leaseUntil);
        if (sub.deadLetterTopic() == null) {
            stop(sub, "records from offset " + resumeAt + " of partition " + lane.partition() + " failed "
                    + attempts + " times and there is no dead-letter topic: " + error);
            // The failed attempt is still recorded, so describe shows the error.
            return new Settled(failed, true);
        }
        List<Long> offsets = failing.stream().map(FetchedRecord::offset).toList();
        DeadLetterProducer dlp = failed.producer() != null ? failed.producer() : newProducer(sub, lane.partition());
        long resume = failing.get(failing.size() - 1).offset() + 1;
        if (failing.size() == records.size()) {
            resume = batch.scannedEnd();
        }
        Lane withIntent = new Lane(failed.subscription(), failed.partition(), failed.lane(), failed.version(),
                failed.position(), failed.leaseToken(), failed.leaseExpiresAt(), failed.attempts(), failed.batchCap(),
                0, failed.delivered(), failed.failed(), failed.deadLettered(), failed.lastError(), failed.lastErrorAt(),
                new DeadLetterIntent(offsets, resume, dlp.nextSequence(), error), dlp);
        return new Settled(withIntent, false);
    }

    /** Whether the subscribed topic is still the incarnation it was created on (not deleted, not recreated). */
    private boolean topicIsCurrent(Subscription sub) {
        try {
            return topics.get(sub.topic()).topicId().equals(sub.topicId());
        } catch (SluiceException e) {
            if (e.code() == ErrorCode.UNKNOWN_TOPIC) {
                return false;
            }
            throw e;
        }
    }

    /** A fresh idempotent producer for the lane's dead letters, writing the partition of the same number. */
    private DeadLetterProducer newProducer(Subscription sub, int partition) {
        ProducerIdentity identity = producers.init(null);
        int partitions = topics.get(sub.deadLetterTopic()).partitions();
        return new DeadLetterProducer(identity.producerId(), identity.producerEpoch(), sub.deadLetterTopic(),
                partition % partitions, 0);
    }

    /**
     * Produces the intent's records to the dead-letter topic as one idempotent batch with the intent's
     * sequence (a retry is the identical batch, answered from the log's dedupe state), then moves the lane
     * past them. Null if the lease was lost.
     */
    private Lane deadLetter(Subscription sub, Lane lane) {
        DeadLetterIntent intent = lane.intent();
        DeadLetterProducer dlp = lane.producer();
        List<ProduceRecord> copies = new ArrayList<>();
        long from = intent.offsets().get(0);
        long last = intent.offsets().get(intent.offsets().size() - 1);
        java.util.Set<Long> wanted = new java.util.HashSet<>(intent.offsets());
        long at = from;
        while (at <= last) {
            FetchResult read;
            try {
                read = fetcher.fetch(sub.topic(), lane.partition(), at, READ_BYTES, (int) Math.min(10_000, last - at + 1));
            } catch (OffsetOutOfRangeException e) {
                break; // removed by retention meanwhile: what is left is dead-lettered
            }
            if (read.records().isEmpty()) {
                break;
            }
            for (FetchedRecord f : read.records()) {
                if (f.offset() <= last && wanted.contains(f.offset())) {
                    copies.add(copy(sub, lane.partition(), f, intent.error(), dlp.partition()));
                }
            }
            at = read.nextOffset();
        }
        long now = clock.millis();
        if (!copies.isEmpty()) {
            try {
                producer.produce(dlp.topic(), copies, new ProduceService.Idempotence(dlp.producerId(), dlp.epoch(),
                        Map.of(dlp.partition(), intent.sequence())));
            } catch (SluiceException e) {
                if (e.code() == ErrorCode.UNKNOWN_PRODUCER) {
                    // The dead-letter partition forgot this producer: a fresh one, the intent renumbered from 0.
                    ProducerIdentity identity = producers.init(null);
                    DeadLetterProducer fresh = new DeadLetterProducer(identity.producerId(), identity.producerEpoch(),
                            dlp.topic(), dlp.partition(), 0);
                    Lane next = lane.withIntent(new DeadLetterIntent(intent.offsets(), intent.resume(), 0,
                            intent.error()), fresh, now + leaseMs());
                    return store.putLane(lane.version(), next) ? next : null;
                }
                if (e.code() != ErrorCode.DUPLICATE_SEQUENCE) {
                    throw e;
                }
            }
        }
        metrics.record("SubscriptionRecordsDeadLettered", copies.size(), Metrics.Unit.Count,
                Map.of("Subscription", sub.name()));
        Lane next = lane.deadLettered(now + leaseMs());
        return store.putLane(lane.version(), next) ? next : null;
    }

    private static ProduceRecord copy(Subscription sub, int partition, FetchedRecord f, String error, int dlqPartition) {
        LogRecord r = f.record();
        List<RecordHeader> headers = new ArrayList<>(r.headers());
        headers.add(header(HEADER_SUBSCRIPTION, sub.name()));
        headers.add(header(HEADER_TOPIC, sub.topic()));
        headers.add(header(HEADER_PARTITION, Integer.toString(partition)));
        headers.add(header(HEADER_OFFSET, Long.toString(f.offset())));
        headers.add(header(HEADER_ERROR, error.length() > 500 ? error.substring(0, 500) : error));
        return new ProduceRecord(r.key(), r.value(), headers, dlqPartition, r.timestamp());
    }

    private static RecordHeader header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private void stop(Subscription sub, String reason) {
        for (int attempt = 0; attempt < 8; attempt++) {
            Subscription current = store.get(sub.name()).orElse(null);
            if (current == null || current.state() != Subscription.State.ACTIVE) {
                return;
            }
            if (store.put(current.version(), current.withState(Subscription.State.STOPPED, reason))) {
                break;
            }
        }
        // No dimension: the template's alarm watches the one metric for every subscription; the log line names it.
        metrics.record("SubscriptionStopped", 1, Metrics.Unit.Count, Map.of());
        System.err.println("{\"level\":\"ERROR\",\"event\":\"subscription-stopped\",\"subscription\":\""
                + sub.name() + "\",\"reason\":" + SubscriptionItems.write(reason) + "}");
    }

    /** Commits the group to the partition's position: the least position of its lanes. */
    private void commitGroup(Subscription sub, Lane lane) {
        long position = lane.position();
        if (sub.parallelizationFactor() > 1) {
            for (Lane other : store.lanes(sub.name())) {
                if (other.partition() == lane.partition()) {
                    position = Math.min(position, other.lane() == lane.lane() ? lane.position() : other.position());
                }
            }
        }
        try {
            groups.commit(sub.group(), null, null, List.of(new GroupService.OffsetCommit(sub.topic(), lane.partition(),
                    position, null)));
        } catch (SluiceException e) {
            // CONFLICT: a later dispatcher already committed further (this one is a zombie); GROUP_NOT_EMPTY:
            // someone joined the managed group. Neither loses anything: the lane item is the position.
            if (e.code() != ErrorCode.CONFLICT && e.code() != ErrorCode.GROUP_NOT_EMPTY && e.code() != ErrorCode.FENCED) {
                throw e;
            }
        }
    }

    private Batch fetch(Subscription sub, Lane lane, int cap) {
        int factor = sub.parallelizationFactor();
        List<FetchedRecord> records = new ArrayList<>();
        long position = lane.position();
        long bytes = 0;
        while (records.size() < cap) {
            FetchResult read = fetcher.fetch(sub.topic(), lane.partition(), position, READ_BYTES,
                    Math.min(10_000, factor == 1 ? cap - records.size() : (cap - records.size()) * factor));
            if (read.records().isEmpty()) {
                break;
            }
            for (FetchedRecord f : read.records()) {
                if (records.size() >= cap || bytes >= READ_BYTES) {
                    return new Batch(records, position);
                }
                if (laneOf(f.record().key(), factor) == lane.lane()) {
                    records.add(f);
                    bytes += f.record().sizeInBytes();
                }
                position = f.offset() + 1;
            }
            if (bytes >= READ_BYTES) {
                break;
            }
        }
        return new Batch(records, position);
    }

    /** The lane of a record's key: its murmur2 hash (Kafka's partitioner's) modulo the factor; keyless go to 0. */
    public static int laneOf(byte[] key, int factor) {
        return factor <= 1 || key == null ? 0 : Partitioner.toPositive(Partitioner.murmur2(key)) % factor;
    }

    private static int indexOf(List<FetchedRecord> records, long offset) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).offset() == offset) {
                return i;
            }
        }
        return -1;
    }

    private boolean pause(long millis) {
        try {
            sleeper.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The batch as the target receives it: {@code {subscription, topic, partition, records}}, base64 bytes. */
    public static byte[] payload(Subscription sub, int partition, List<FetchedRecord> records) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subscription", sub.name());
        body.put("topic", sub.topic());
        body.put("partition", partition);
        List<Map<String, Object>> out = new ArrayList<>(records.size());
        for (FetchedRecord f : records) {
            LogRecord r = f.record();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("offset", f.offset());
            record.put("timestamp", r.timestamp());
            if (r.key() != null) {
                record.put("key", BASE64.encodeToString(r.key()));
            }
            record.put("value", r.value() == null ? null : BASE64.encodeToString(r.value()));
            List<Map<String, String>> headers = new ArrayList<>();
            for (RecordHeader h : r.headers()) {
                Map<String, String> header = new LinkedHashMap<>();
                header.put("key", h.key());
                header.put("value", h.value() == null ? null : BASE64.encodeToString(h.value()));
                headers.add(header);
            }
            record.put("headers", headers);
            out.add(record);
        }
        body.put("records", out);
        return SubscriptionItems.write(body).getBytes(StandardCharsets.UTF_8);
    }
}
