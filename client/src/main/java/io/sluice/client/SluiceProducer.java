package io.sluice.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.wire.Wire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An asynchronous producer, like Kafka's: {@link #send} returns a future; a background sender batches
 * records per partition for up to {@code linger} or {@code batchBytes} and sends each topic's ready
 * batches in one HTTP call, covering every ready partition of that topic. Topics are sent in parallel.
 *
 * <p><b>Ordering.</b> At most one call is in flight per partition (Kafka's
 * {@code max.in.flight.requests.per.connection = 1}), so a partition's records are written in send
 * order; calls for other partitions and topics run beside it.
 *
 * <p><b>Idempotence</b> (on by default): the producer initializes once, numbers each partition's records
 * from 0, and retries a failed call with the same sequences, so a retry is never written twice. When it
 * gives up on a call whose outcome is unknown (no answer, a 5xx, the delivery timeout, a call over several
 * partitions that failed part-way), the call's futures fail with {@link OutcomeUnknownException}, and
 * before any further batch the producer bumps its epoch ({@code POST /producers} with its own id, Kafka's
 * KIP-360), so sequences restart at 0 and no later batch can be taken for a retry of the failed one. A
 * partition that has forgotten the producer ({@code UNKNOWN_PRODUCER}) is handled the same way, and the
 * refused batch is sent again under the new epoch.
 *
 * <p><b>Memory.</b> Records are held serialized, at most {@code bufferMemory} bytes of them, queued or in
 * flight. {@link #send} blocks up to {@code maxBlock} for room, then fails the future with
 * {@code BUFFER_EXHAUSTED}. A record fails with {@code DELIVERY_TIMEOUT} (never sent) or
 * {@link OutcomeUnknownException} (sent, unanswered) once {@code deliveryTimeout} has passed since its
 * {@code send()}. Time is read from the configured {@link Clock}.
 *
 * <p><b>Callbacks</b> (stages chained on the futures) run on the producer's threads. They must not block:
 * {@link #flush()} and {@link #close()} called there throw {@link IllegalStateException} instead of
 * waiting for the very thread that runs them, and {@link #send} there fails at once when the buffer is
 * full instead of blocking.
 */
public final class SluiceProducer implements AutoCloseable {

    /** Producer settings; {@link #defaults()} gives Kafka-like ones. */
    public record Config(Duration linger, int batchBytes, int maxRequestBytes, boolean idempotent, String producerName,
                         Duration deliveryTimeout, Duration retryBackoff, long bufferMemory, Duration maxBlock,
                         Clock clock) {

        public Config {
            if (batchBytes <= 0 || maxRequestBytes <= REQUEST_OVERHEAD || bufferMemory <= 0) {
                throw new IllegalArgumentException("batchBytes, maxRequestBytes and bufferMemory must be positive");
            }
            if (linger.isNegative() || deliveryTimeout.isNegative() || retryBackoff.isNegative() || maxBlock.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
            clock = clock == null ? Clock.systemUTC() : clock;
        }

        /**
         * linger 5 ms, batches of 1 MiB, requests of at most 4 MiB (under Lambda's 6 MB once API Gateway
         * wraps the body), idempotent, deliveryTimeout 2 min, retryBackoff 100 ms, bufferMemory 32 MiB,
         * maxBlock 60 s, the system clock.
         */
        public static Config defaults() {
            return new Config(Duration.ofMillis(5), 1 << 20, 4 << 20, true, null, Duration.ofMinutes(2),
                    Duration.ofMillis(100), 32L << 20, Duration.ofSeconds(60), Clock.systemUTC());
        }

        public Config withLinger(Duration linger) {
            return new Config(linger, batchBytes, maxRequestBytes, idempotent, producerName, deliveryTimeout,
                    retryBackoff, bufferMemory, maxBlock, clock);
        }

        public Config withBatchBytes(int bytes) {
            return new Config(linger, bytes, maxRequestBytes, idempotent, producerName, deliveryTimeout,
                    retryBackoff, bufferMemory, maxBlock, clock);
        }

        /** The most bytes of JSON one produce call may carry, records and framing. */
        public Config withMaxRequestBytes(int bytes) {
            return new Config(linger, batchBytes, bytes, idempotent, producerName, deliveryTimeout,
                    retryBackoff, bufferMemory, maxBlock, clock);
        }

        public Config withIdempotence(boolean on, String name) {
            return new Config(linger, batchBytes, maxRequestBytes, on, name, deliveryTimeout, retryBackoff,
                    bufferMemory, maxBlock, clock);
        }

        /** How long after its {@code send()} a record is given up on. */
        public Config withDeliveryTimeout(Duration timeout) {
            return new Config(linger, batchBytes, maxRequestBytes, idempotent, producerName, timeout,
                    retryBackoff, bufferMemory, maxBlock, clock);
        }

        public Config withRetryBackoff(Duration backoff) {
            return new Config(linger, batchBytes, maxRequestBytes, idempotent, producerName, deliveryTimeout,
                    backoff, bufferMemory, maxBlock, clock);
        }

        /** The most bytes of serialized records held, queued or in flight. */
        public Config withBufferMemory(long bytes) {
            return new Config(linger, batchBytes, maxRequestBytes, idempotent, producerName, deliveryTimeout,
                    retryBackoff, bytes, maxBlock, clock);
        }

        /** How long {@link #send} may block for buffer room. */
        public Config withMaxBlock(Duration maxBlock) {
            return new Config(linger, batchBytes, maxRequestBytes, idempotent, producerName, deliveryTimeout,
                    retryBackoff, bufferMemory, maxBlock, clock);
        }

        public Config withClock(Clock clock) {
            return new Config(linger, batchBytes, maxRequestBytes, idempotent, producerName, deliveryTimeout,
                    retryBackoff, bufferMemory, maxBlock, clock);
        }
    }

    /** A record to send. key, partition, timestamp and headers are optional. */
    public record Record(String topic, byte[] key, byte[] value, Map<String, byte[]> headers, Integer partition,
                         Long timestamp) {
        public static Record of(String topic, byte[] key, byte[] value) {
            return new Record(topic, key, value, Map.of(), null, null);
        }
    }

    /** Where a record was committed. */
    public record Metadata(String topic, int partition, long offset) {
    }

    /**
     * Bytes of a produce body besides its records: {@code {"records":[],"producerId":…,"producerEpoch":…,
     * "sequences":[]}} with the longest numbers.
     */
    static final int REQUEST_OVERHEAD = 128;
    /** Bytes a partition adds to a produce body besides its records: its sequence entry and separators. */
    static final int PARTITION_OVERHEAD = 64;
    /** Bytes held per buffered record besides its JSON, so that many tiny records are bounded too. */
    static final int RECORD_OVERHEAD = 96;
    /** How long a topic found missing is remembered, so sends to it fail without a request each. */
    static final Duration MISSING_TOPIC_TTL = Duration.ofSeconds(1);
    private static final long MAX_BACKOFF_MS = 5_000;

    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final ObjectMapper JSON = Wire.mapper();
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private record TopicInfo(int partitions, int maxRecordBytes) {
    }

    private record Missing(long until, SluiceClientException error) {
    }

    private record Identity(long producerId, long producerEpoch) {
    }

    /** A record held until its future completes: its JSON, its weight in the buffer, when it was sent. */
    private record Pending(long id, byte[] json, int weight, long sentAt, CompletableFuture<Metadata> future) {
    }

    private static final class PartitionState {
        final Deque<Pending> queue = new ArrayDeque<>();
        long queuedBytes;
        boolean inFlight;
        long nextSequence;
    }

    /** One produce call: a topic's batches, one per partition, under one identity. */
    private record Call(String topic, Map<Integer, List<Pending>> batches, Map<Integer, Long> sequences,
                        Identity identity, long deadline) {
    }

    private final SluiceHttp http;
    private final Config config;
    private final Clock clock;
    private final Map<String, TopicInfo> topics = new ConcurrentHashMap<>();
    private final Map<String, Missing> missing = new ConcurrentHashMap<>();
    private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
    private final Thread sender;
    private final ThreadPoolExecutor io;

    // Guarded by this.
    private final Map<String, Map<Integer, PartitionState>> partitions = new LinkedHashMap<>();
    private final Map<String, Integer> sticky = new HashMap<>();
    private final TreeSet<Long> incomplete = new TreeSet<>();
    private long nextRecordId;
    private long flushUpTo = -1;
    private long buffered;
    private int inFlightCalls;
    private Identity identity;
    private boolean identityNeeded;
    private volatile SluiceClientException fatal;
    private boolean closing;
    private boolean aborted;

    public SluiceProducer(SluiceHttp http, Config config) {
        this.http = http;
        this.config = config;
        this.clock = config.clock();
        this.identityNeeded = config.idempotent();
        int instance = INSTANCES.incrementAndGet();
        AtomicInteger ioThreads = new AtomicInteger();
        this.io = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(() -> {
                ownThreads.add(Thread.currentThread());
                try {
                    r.run();
                } finally {
                    ownThreads.remove(Thread.currentThread()); // idle threads end after 30 s
                }
            }, "sluice-producer-" + instance + "-io-" + ioThreads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.io.allowCoreThreadTimeOut(true);
        this.sender = new Thread(this::run, "sluice-producer-" + instance);
        this.sender.setDaemon(true);
        ownThreads.add(sender);
        this.sender.start();
    }

    /**
     * Queues a record and answers a future of where it was written. The first send to a topic reads its
     * partition count and record limit (a missing topic is remembered for {@link #MISSING_TOPIC_TTL}).
     * A record over the topic's {@code maxRecordBytes}, or too large for one request, fails alone. Blocks
     * up to {@code maxBlock} while the buffer is full.
     */
    public CompletableFuture<Metadata> send(Record record) {
        long sentAt = clock.millis();
        CompletableFuture<Metadata> future = new CompletableFuture<>();
        byte[] json;
        int partition;
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("a record needs a value");
            }
            TopicInfo topic = topicInfo(record.topic());
            partition = partitionFor(record, topic);
            int size = recordBytes(record);
            if (size > topic.maxRecordBytes()) {
                throw new SluiceClientException(0, "RECORD_TOO_LARGE", "the record is " + size + " bytes (key, value"
                        + " and headers); topic " + record.topic() + " allows " + topic.maxRecordBytes()
                        + ". It was not sent", null, null);
            }
            json = serialize(record, partition);
            if (json.length + 1 + REQUEST_OVERHEAD + PARTITION_OVERHEAD > config.maxRequestBytes()) {
                throw new SluiceClientException(0, "REQUEST_TOO_LARGE", "the record takes " + json.length
                        + " bytes of JSON (base64 and framing included); a request may carry "
                        + config.maxRequestBytes() + ". It was not sent", null, null);
            }
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return future;
        }
        int weight = json.length + RECORD_OVERHEAD;
        boolean callback = ownThreads.contains(Thread.currentThread());
        long blockUntil = sentAt + config.maxBlock().toMillis();
        synchronized (this) {
            while (true) {
                RuntimeException refused = refusal();
                if (refused != null) {
                    future.completeExceptionally(refused);
                    return future;
                }
                if (buffered + weight <= config.bufferMemory()) {
                    break;
                }
                long wait = blockUntil - clock.millis();
                if (weight > config.bufferMemory() || wait <= 0 || callback) {
                    future.completeExceptionally(new SluiceClientException(0, "BUFFER_EXHAUSTED", "the producer holds "
                            + buffered + " bytes of records, bufferMemory is " + config.bufferMemory()
                            + (callback ? "; send() in a producer callback does not block"
                            : "; no room within maxBlock " + config.maxBlock().toMillis() + " ms")
                            + ". The record was not sent", null, null));
                    return future;
                }
                try {
                    wait(Math.min(wait, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    future.completeExceptionally(e);
                    return future;
                }
            }
            Pending pending = new Pending(nextRecordId++, json, weight, sentAt, future);
            PartitionState state = partitions.computeIfAbsent(record.topic(), t -> new TreeMap<>())
                    .computeIfAbsent(partition, p -> new PartitionState());
            state.queue.add(pending);
            state.queuedBytes += json.length;
            buffered += weight;
            incomplete.add(pending.id());
            notifyAll();
        }
        return future;
    }

    /** Why a send is refused now (closed, fenced), or null. */
    private RuntimeException refusal() {
        if (fatal != null) {
            return fatal;
        }
        if (closing) {
            return new IllegalStateException("the producer is closed");
        }
        return null;
    }

    /**
     * Sends at once, and waits for, exactly the records whose {@link #send} returned before this call:
     * records sent meanwhile by other threads neither hold it up nor are waited for. When it returns,
     * each of those futures is complete (acknowledged or failed).
     *
     * @throws IllegalStateException when called from a producer callback, where waiting would deadlock
     */
    public void flush() throws InterruptedException {
        refuseInCallback("flush()");
        synchronized (this) {
            long target = nextRecordId - 1;
            flushUpTo = Math.max(flushUpTo, target);
            notifyAll();
            while (!incomplete.isEmpty() && incomplete.first() <= target) {
                wait();
            }
        }
    }

    /** Flushes everything and stops; waits as long as that takes (each record at most its delivery timeout). */
    @Override
    public void close() throws InterruptedException {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Refuses further sends, and waits up to {@code timeout} for the records already sent. Then any record
     * not yet sent fails with {@code PRODUCER_CLOSED}; a call still in flight is not retried again, and its
     * records fail with {@link OutcomeUnknownException} (after close returns) unless its answer arrives.
     *
     * @throws IllegalStateException when called from a producer callback
     */
    public void close(Duration timeout) throws InterruptedException {
        refuseInCallback("close()");
        List<Pending> unsent = new ArrayList<>();
        long until = saturatedAdd(clock.millis(), timeout.toMillis());
        synchronized (this) {
            closing = true;
            flushUpTo = Long.MAX_VALUE;
            notifyAll();
            while (!incomplete.isEmpty()) {
                long wait = until - clock.millis();
                if (wait <= 0) {
                    break;
                }
                wait(Math.min(wait, 100));
            }
            aborted = true;
            for (Map<Integer, PartitionState> byPartition : partitions.values()) {
                for (PartitionState state : byPartition.values()) {
                    unsent.addAll(state.queue);
                    state.queue.clear();
                    state.queuedBytes = 0;
                }
            }
            notifyAll();
        }
        fail(unsent, new SluiceClientException(0, "PRODUCER_CLOSED", "the producer was closed before the record"
                + " was sent; it was not written", null, null));
        long left = until - clock.millis();
        if (left > 0) {
            sender.join(Math.min(left, 10_000)); // it ends once the calls still in flight have ended
        }
        io.shutdown();
    }

    private void refuseInCallback(String what) {
        if (ownThreads.contains(Thread.currentThread())) {
            throw new IllegalStateException(what + " was called from a producer callback (a stage chained on a"
                    + " send() future runs on the producer's own thread), where it would wait for itself;"
                    + " call it from another thread, or chain with an executor (thenAcceptAsync)");
        }
    }

    // ---- metadata and records ----

    private TopicInfo topicInfo(String topic) {
        TopicInfo info = topics.get(topic);
        if (info != null) {
            return info;
        }
        Missing known = missing.get(topic);
        if (known != null && clock.millis() < known.until()) {
            throw known.error();
        }
        try {
            Wire.TopicDescription description = http.get("/topics/" + topic, Wire.TopicDescription.class);
            info = new TopicInfo(description.partitions(), description.maxRecordBytes());
        } catch (SluiceClientException e) {
            if ("UNKNOWN_TOPIC".equals(e.code()) || "INVALID_TOPIC_NAME".equals(e.code())) {
                missing.put(topic, new Missing(clock.millis() + MISSING_TOPIC_TTL.toMillis(), e));
            }
            throw e;
        }
        missing.remove(topic);
        topics.put(topic, info);
        return info;
    }

    private int partitionFor(Record record, TopicInfo topic) {
        int count = topic.partitions();
        if (record.partition() != null) {
            if (record.partition() < 0 || record.partition() >= count) {
                throw new IllegalArgumentException("topic " + record.topic() + " has no partition " + record.partition());
            }
            return record.partition();
        }
        if (record.key() != null) {
            return Partitioner.partitionForKey(record.key(), count);
        }
        synchronized (this) {
            return sticky.computeIfAbsent(record.topic(), t -> ThreadLocalRandom.current().nextInt(count));
        }
    }

    /** What the server counts against maxRecordBytes: key, value, and each header's key (UTF-8) and value. */
    static int recordBytes(Record record) {
        long size = (record.key() == null ? 0 : record.key().length) + (long) record.value().length;
        if (record.headers() != null) {
            for (Map.Entry<String, byte[]> h : record.headers().entrySet()) {
                size += h.getKey().getBytes(StandardCharsets.UTF_8).length + (h.getValue() == null ? 0 : h.getValue().length);
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static byte[] serialize(Record record, int partition) {
        List<Wire.Header> headers = new ArrayList<>();
        if (record.headers() != null) {
            record.headers().forEach((k, v) -> headers.add(new Wire.Header(k, v == null ? null : B64.encodeToString(v))));
        }
        Wire.ProduceRecord wire = new Wire.ProduceRecord(record.key() == null ? null : B64.encodeToString(record.key()),
                B64.encodeToString(record.value()), headers, partition, record.timestamp());
        try {
            return JSON.writeValueAsBytes(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize the record", e);
        }
    }

    // ---- the sender ----

    private void run() {
        try {
            while (true) {
                List<Call> calls;
                List<Pending> expired = new ArrayList<>();
                boolean initialize = false;
                synchronized (this) {
                    long now = clock.millis();
                    expire(now, expired);
                    if (aborted && inFlightCalls == 0) {
                        return;
                    }
                    calls = List.of();
                    if (!aborted && expired.isEmpty()) {
                        if (identityNeeded && fatal == null) {
                            if (inFlightCalls == 0 && hasQueued()) {
                                initialize = true;
                            }
                        } else if (fatal == null) {
                            calls = readyCalls(now);
                        }
                    }
                    if (calls.isEmpty() && !initialize && expired.isEmpty()) {
                        wait(identityNeeded || fatal != null ? 200 : Math.max(1, nextWakeup(now)));
                        continue;
                    }
                    inFlightCalls += calls.size();
                }
                fail(expired, null);
                if (initialize) {
                    initialize();
                }
                for (Call call : calls) {
                    io.execute(() -> execute(call));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean hasQueued() {
        return partitions.values().stream().flatMap(m -> m.values().stream()).anyMatch(s -> !s.queue.isEmpty());
    }

    /**
     * Moves queued records past their delivery timeout (counted from send()) to {@code expired}, also
     * those waiting behind a call in flight: they were never sent, so no sequence is spent on them.
     */
    private void expire(long now, List<Pending> expired) {
        long timeout = config.deliveryTimeout().toMillis();
        for (Map<Integer, PartitionState> byPartition : partitions.values()) {
            for (PartitionState state : byPartition.values()) {
                Iterator<Pending> it = state.queue.iterator();
                while (it.hasNext()) {
                    Pending p = it.next();
                    if (now - p.sentAt() < timeout) {
                        break;
                    }
                    it.remove();
                    state.queuedBytes -= p.json().length;
                    buffered -= p.weight();
                    expired.add(p);
                }
            }
        }
        if (!expired.isEmpty()) {
            notifyAll();
        }
    }

    /** Milliseconds until a queued batch's linger or delivery timeout runs out (at most a second). */
    private long nextWakeup(long now) {
        long wake = 1_000;
        for (Map<Integer, PartitionState> byPartition : partitions.values()) {
            for (PartitionState state : byPartition.values()) {
                Pending first = state.queue.peek();
                if (first != null) {
                    if (!state.inFlight) {
                        wake = Math.min(wake, first.sentAt() + config.linger().toMillis() - now);
                    }
                    wake = Math.min(wake, first.sentAt() + config.deliveryTimeout().toMillis() - now);
                }
            }
        }
        return wake;
    }

    private boolean ready(PartitionState state, long now) {
        Pending first = state.queue.peek();
        return !state.inFlight && first != null && (closing || first.id() <= flushUpTo
                || state.queuedBytes >= config.batchBytes() || now - first.sentAt() >= config.linger().toMillis()
                || buffered >= config.bufferMemory() / 2);
    }

    /**
     * Takes the batches of every topic that has a ready partition, each topic's into as few calls as the
     * request limit allows. As Kafka's drain does for a ready broker, a call takes every partition of the
     * topic that has records and none in flight, not only those whose linger is over: the call is paid
     * for anyway.
     */
    private List<Call> readyCalls(long now) {
        List<Call> calls = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, PartitionState>> topic : partitions.entrySet()) {
            if (topic.getValue().values().stream().noneMatch(state -> ready(state, now))) {
                continue;
            }
            Map<Integer, List<Pending>> batches = new TreeMap<>();
            long bytes = REQUEST_OVERHEAD;
            for (Map.Entry<Integer, PartitionState> entry : topic.getValue().entrySet()) {
                PartitionState state = entry.getValue();
                if (state.inFlight || state.queue.isEmpty()) {
                    continue;
                }
                if (bytes + PARTITION_OVERHEAD + state.queue.peek().json().length + 1 > config.maxRequestBytes()) {
                    calls.add(call(topic.getKey(), batches));
                    batches = new TreeMap<>();
                    bytes = REQUEST_OVERHEAD;
                }
                bytes += PARTITION_OVERHEAD;
                List<Pending> batch = new ArrayList<>();
                long batchBytes = 0;
                while (!state.queue.isEmpty() && batchBytes < config.batchBytes()
                        && bytes + state.queue.peek().json().length + 1 <= config.maxRequestBytes()) {
                    Pending p = state.queue.poll();
                    bytes += p.json().length + 1;
                    batchBytes += p.json().length;
                    state.queuedBytes -= p.json().length;
                    batch.add(p);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                state.inFlight = true;
                batches.put(entry.getKey(), batch);
            }
            if (!batches.isEmpty()) {
                calls.add(call(topic.getKey(), batches));
                Integer stuck = sticky.get(topic.getKey());
                TopicInfo info = topics.get(topic.getKey());
                if (stuck != null && info != null && batches.containsKey(stuck)) {
                    sticky.put(topic.getKey(), (stuck + 1) % info.partitions());
                }
            }
        }
        return calls;
    }

    private Call call(String topic, Map<Integer, List<Pending>> batches) {
        Map<Integer, Long> sequences = new TreeMap<>();
        long deadline = Long.MAX_VALUE;
        for (Map.Entry<Integer, List<Pending>> batch : batches.entrySet()) {
            sequences.put(batch.getKey(), partitions.get(topic).get(batch.getKey()).nextSequence);
            for (Pending p : batch.getValue()) {
                deadline = Math.min(deadline, saturatedAdd(p.sentAt(), config.deliveryTimeout().toMillis()));
            }
        }
        return new Call(topic, batches, sequences, config.idempotent() ? identity : null, deadline);
    }

    /**
     * Init (first use) or re-init with the same id (an epoch bump); retried until it works or is refused.
     * An id the server no longer knows (UNKNOWN_PRODUCER) is given up for a fresh init.
     */
    private void initialize() throws InterruptedException {
        Identity current;
        synchronized (this) {
            current = identity;
        }
        long backoff = Math.max(1, config.retryBackoff().toMillis());
        while (true) {
            try {
                Wire.InitProducerResponse response = http.post("/producers", current == null
                                ? new Wire.InitProducerRequest(config.producerName())
                                : new Wire.InitProducerRequest(config.producerName(), current.producerId(),
                                current.producerEpoch()),
                        Wire.InitProducerResponse.class);
                synchronized (this) {
                    identity = new Identity(response.producerId(), response.producerEpoch());
                    identityNeeded = false;
                    partitions.values().forEach(m -> m.values().forEach(s -> s.nextSequence = 0));
                    notifyAll();
                }
                return;
            } catch (SluiceClientException e) {
                if (current != null && "UNKNOWN_PRODUCER".equals(e.code())) {
                    current = null; // the server no longer knows the id at all: start as a new producer
                    continue;
                }
                if (!e.retriable()) {
                    List<Pending> unsent = new ArrayList<>();
                    synchronized (this) {
                        fatal = new SluiceClientException(e.status(), e.code(), "the producer cannot initialize: "
                                + e.getMessage(), e.body(), e);
                        drainQueued(unsent);
                        notifyAll();
                    }
                    fail(unsent, null);
                    return;
                }
            }
            synchronized (this) {
                if (aborted || !hasQueued()) {
                    return;
                }
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private void drainQueued(List<Pending> into) {
        for (Map<Integer, PartitionState> byPartition : partitions.values()) {
            for (PartitionState state : byPartition.values()) {
                for (Pending p : state.queue) {
                    buffered -= p.weight();
                    into.add(p);
                }
                state.queue.clear();
                state.queuedBytes = 0;
            }
        }
    }

    // ---- one call ----

    private void execute(Call call) {
        byte[] body = body(call);
        long backoff = Math.max(1, config.retryBackoff().toMillis());
        boolean unknown = false;
        while (true) {
            SluiceClientException error;
            try {
                // No attempt outlives the records' delivery timeout: one cut short is an unknown outcome.
                Wire.ProduceResponse response = http.postJson("/topics/" + call.topic() + "/records", body,
                        Wire.ProduceResponse.class, Duration.ofMillis(Math.max(1, call.deadline() - clock.millis())));
                acknowledge(call, response);
                return;
            } catch (SluiceClientException e) {
                error = e;
            } catch (RuntimeException e) {
                error = new SluiceClientException(200, "BAD_RESPONSE", "unreadable answer to a produce: " + e, null, e);
            }
            unknown |= error.outcomeUnknown();
            String code = error.code();
            if (!unknown && "UNKNOWN_PRODUCER".equals(code) && call.identity() != null) {
                requeue(call); // refused, so nothing of it was written: send it again under a new epoch
                return;
            }
            boolean giveUp = !error.retriable() || saturatedAdd(clock.millis(), backoff) > call.deadline();
            synchronized (this) {
                giveUp |= aborted;
            }
            if (giveUp) {
                boolean sequenceTrouble = "OUT_OF_ORDER_SEQUENCE".equals(code) || "DUPLICATE_SEQUENCE".equals(code)
                        || "INVALID_SEQUENCE".equals(code) || "UNKNOWN_PRODUCER".equals(code);
                if ("FENCED".equals(code)) {
                    fence(error);
                }
                if ("UNKNOWN_TOPIC".equals(code)) {
                    topics.remove(call.topic());
                }
                RuntimeException failure = unknown ? new OutcomeUnknownException("a batch of " + count(call)
                        + " record(s) to " + call.topic() + " " + call.batches().keySet(), error) : error;
                finish(call, null, failure, call.identity() != null && (unknown || sequenceTrouble));
                return;
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finish(call, null, new OutcomeUnknownException("a batch to " + call.topic(), e), call.identity() != null);
                return;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private static int count(Call call) {
        return call.batches().values().stream().mapToInt(List::size).sum();
    }

    /** {@code {"records":[…],"producerId":…,"producerEpoch":…,"sequences":[…]}} from the records' JSON. */
    private static byte[] body(Call call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"records\":[".getBytes(StandardCharsets.UTF_8));
        boolean first = true;
        for (List<Pending> batch : call.batches().values()) {
            for (Pending p : batch) {
                if (!first) {
                    out.write(',');
                }
                out.writeBytes(p.json());
                first = false;
            }
        }
        out.write(']');
        if (call.identity() != null) {
            StringBuilder tail = new StringBuilder(",\"producerId\":").append(call.identity().producerId())
                    .append(",\"producerEpoch\":").append(call.identity().producerEpoch()).append(",\"sequences\":[");
            String separator = "";
            for (Map.Entry<Integer, Long> s : call.sequences().entrySet()) {
                tail.append(separator).append("{\"partition\":").append(s.getKey()).append(",\"sequence\":")
                        .append(s.getValue()).append('}');
                separator = ",";
            }
            out.writeBytes(tail.append(']').toString().getBytes(StandardCharsets.UTF_8));
        }
        out.write('}');
        return out.toByteArray();
    }

    private void acknowledge(Call call, Wire.ProduceResponse response) {
        List<Pending> order = new ArrayList<>();
        call.batches().values().forEach(order::addAll);
        if (response == null || response.offsets() == null || response.offsets().size() != order.size()) {
            finish(call, null, new OutcomeUnknownException("a batch of " + order.size() + " record(s) to "
                    + call.topic(), new SluiceClientException(200, "BAD_RESPONSE", "the answer has "
                    + (response == null || response.offsets() == null ? "no" : response.offsets().size())
                    + " offsets for " + order.size() + " records", null, null)), call.identity() != null);
            return;
        }
        finish(call, response.offsets(), null, false);
    }

    /**
     * Completes a call: frees its partitions and memory (and advances sequences on success, or asks for a
     * new epoch), completes its futures outside the lock, then marks its records complete for flush().
     */
    private void finish(Call call, List<Wire.RecordOffset> offsets, RuntimeException failure, boolean bumpEpoch) {
        List<Pending> order = new ArrayList<>();
        call.batches().values().forEach(order::addAll);
        synchronized (this) {
            Map<Integer, PartitionState> byPartition = partitions.get(call.topic());
            call.batches().forEach((partition, batch) -> {
                PartitionState state = byPartition.get(partition);
                state.inFlight = false;
                if (failure == null) {
                    state.nextSequence += batch.size();
                }
            });
            order.forEach(p -> buffered -= p.weight());
            if (bumpEpoch) {
                identityNeeded = true;
            }
            inFlightCalls--;
            notifyAll();
        }
        for (int i = 0; i < order.size(); i++) {
            if (failure == null) {
                Wire.RecordOffset o = offsets.get(i);
                order.get(i).future().complete(new Metadata(call.topic(), o.partition(), o.offset()));
            } else {
                order.get(i).future().completeExceptionally(failure);
            }
        }
        done(order);
    }

    /** Puts a refused call's records back at the front of their partitions, to go again under a new epoch. */
    private void requeue(Call call) {
        synchronized (this) {
            Map<Integer, PartitionState> byPartition = partitions.get(call.topic());
            call.batches().forEach((partition, batch) -> {
                PartitionState state = byPartition.get(partition);
                for (int i = batch.size() - 1; i >= 0; i--) {
                    state.queue.addFirst(batch.get(i));
                    state.queuedBytes += batch.get(i).json().length;
                }
                state.inFlight = false;
            });
            identityNeeded = true;
            inFlightCalls--;
            notifyAll();
        }
    }

    /** Another instance initialized with our id: every record not yet sent fails, and so do later sends. */
    private void fence(SluiceClientException error) {
        List<Pending> unsent = new ArrayList<>();
        synchronized (this) {
            fatal = new SluiceClientException(error.status(), error.code(), "the producer was fenced by a newer"
                    + " instance: " + error.getMessage(), error.body(), error);
            drainQueued(unsent);
            notifyAll();
        }
        fail(unsent, null);
    }

    /** Fails records that were never sent (with {@code error}, or DELIVERY_TIMEOUT when null). */
    private void fail(List<Pending> records, RuntimeException error) {
        if (records.isEmpty()) {
            return;
        }
        for (Pending p : records) {
            p.future().completeExceptionally(error != null ? error : fatal != null ? fatal
                    : new SluiceClientException(0, "DELIVERY_TIMEOUT", "the record was not sent within deliveryTimeout "
                    + config.deliveryTimeout().toMillis() + " ms of its send(); it was not written", null, null));
        }
        done(records);
    }

    private void done(List<Pending> records) {
        synchronized (this) {
            records.forEach(p -> incomplete.remove(p.id()));
            notifyAll();
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
