package io.sluice.client;

import io.sluice.client.wire.Wire;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An asynchronous producer, like Kafka's: {@link #send} returns a future at once; a background sender
 * batches records per partition for up to {@code linger} or {@code batchBytes}, and sends each topic's
 * pending batches in one HTTP call, covering every partition. Failed calls are retried with backoff.
 *
 * <p>Idempotence is on by default: the producer calls init once, numbers each partition's records, and
 * resends a failed call with the same sequences, so a retry can never duplicate a record. One call is
 * in flight at a time, which keeps every partition's records in send order.
 */
public final class SluiceProducer implements AutoCloseable {

    /** Producer settings; {@link #defaults()} gives Kafka-like ones. */
    public record Config(Duration linger, int batchBytes, int maxRequestBytes, boolean idempotent, String producerName,
                         Duration deliveryTimeout, Duration retryBackoff) {
        public static Config defaults() {
            return new Config(Duration.ofMillis(5), 1 << 20, 4 << 20, true, null, Duration.ofMinutes(2),
                    Duration.ofMillis(100));
        }

        public Config withLinger(Duration linger) {
            return new Config(linger, batchBytes, maxRequestBytes, idempotent, producerName, deliveryTimeout, retryBackoff);
        }

        public Config withBatchBytes(int bytes) {
            return new Config(linger, bytes, maxRequestBytes, idempotent, producerName, deliveryTimeout, retryBackoff);
        }

        public Config withIdempotence(boolean on, String name) {
            return new Config(linger, batchBytes, maxRequestBytes, on, name, deliveryTimeout, retryBackoff);
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

    private record Pending(Wire.ProduceRecord wire, int size, CompletableFuture<Metadata> future) {
    }

    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final SluiceHttp http;
    private final Config config;
    private final Map<String, Integer> partitionCounts = new ConcurrentHashMap<>();
    private final Map<String, Integer> sticky = new HashMap<>();
    private final Map<String, Map<Integer, Deque<Pending>>> pending = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Long>> nextSequence = new HashMap<>();
    private final Thread sender;
    private Wire.InitProducerResponse identity;
    private long pendingBytes;
    private long oldestPending = -1;
    private int inFlight;
    private boolean flushRequested;
    private boolean closing;

    public SluiceProducer(SluiceHttp http, Config config) {
        this.http = http;
        this.config = config;
        this.sender = new Thread(this::run, "sluice-producer");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    /**
     * Queues a record and answers a future of its offset. Choosing its partition may read the topic's
     * partition count once; an unknown topic fails the future.
     */
    public CompletableFuture<Metadata> send(Record record) {
        CompletableFuture<Metadata> future = new CompletableFuture<>();
        if (record.value() == null) {
            future.completeExceptionally(new IllegalArgumentException("a record needs a value"));
            return future;
        }
        int partition;
        try {
            partition = partitionFor(record);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
            return future;
        }
        List<Wire.Header> headers = new ArrayList<>();
        if (record.headers() != null) {
            record.headers().forEach((k, v) -> headers.add(new Wire.Header(k, v == null ? null : B64.encodeToString(v))));
        }
        int size = record.value().length + (record.key() == null ? 0 : record.key().length) + 64;
        Wire.ProduceRecord wire = new Wire.ProduceRecord(record.key() == null ? null : B64.encodeToString(record.key()),
                B64.encodeToString(record.value()), headers, partition, record.timestamp());
        synchronized (this) {
            if (closing) {
                future.completeExceptionally(new IllegalStateException("the producer is closed"));
                return future;
            }
            pending.computeIfAbsent(record.topic(), t -> new TreeMap<>())
                    .computeIfAbsent(partition, p -> new ArrayDeque<>()).add(new Pending(wire, size, future));
            pendingBytes += size;
            if (oldestPending < 0) {
                oldestPending = System.currentTimeMillis();
            }
            notifyAll();
        }
        return future;
    }

    /** Sends everything queued so far and waits until it is acknowledged (or failed). */
    public synchronized void flush() throws InterruptedException {
        flushRequested = true;
        notifyAll();
        while (pendingBytes > 0 || inFlight > 0) {
            wait(100);
        }
        flushRequested = false;
    }

    @Override
    public void close() throws InterruptedException {
        flush();
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        sender.join(10_000);
    }

    private int partitionFor(Record record) {
        int count = partitionCounts.computeIfAbsent(record.topic(),
                t -> http.get("/topics/" + t, Wire.TopicDescription.class).partitions());
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

    private void run() {
        while (true) {
            Map<String, Map<Integer, List<Pending>>> batch;
            synchronized (this) {
                while (!ready()) {
                    if (closing && pendingBytes == 0) {
                        return;
                    }
                    try {
                        long wait = oldestPending < 0 ? 1_000
                                : Math.max(1, oldestPending + config.linger().toMillis() - System.currentTimeMillis());
                        wait(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                batch = drain();
                inFlight++;
            }
            try {
                batch.forEach(this::sendTopic);
            } finally {
                synchronized (this) {
                    inFlight--;
                    notifyAll();
                }
            }
        }
    }

    private boolean ready() {
        return pendingBytes > 0 && (flushRequested || closing || pendingBytes >= config.batchBytes()
                || System.currentTimeMillis() - oldestPending >= config.linger().toMillis());
    }

    /** Takes up to one request's worth of records per topic; keyless records then stick to a new partition. */
    private Map<String, Map<Integer, List<Pending>>> drain() {
        Map<String, Map<Integer, List<Pending>>> batch = new LinkedHashMap<>();
        for (var topic : pending.entrySet()) {
            long bytes = 0;
            Map<Integer, List<Pending>> byPartition = new TreeMap<>();
            for (var partition : topic.getValue().entrySet()) {
                Deque<Pending> queue = partition.getValue();
                while (!queue.isEmpty() && (bytes == 0 || bytes + queue.peek().size() * 4L / 3 <= config.maxRequestBytes())) {
                    Pending p = queue.poll();
                    bytes += p.size() * 4L / 3;
                    pendingBytes -= p.size();
                    byPartition.computeIfAbsent(partition.getKey(), k -> new ArrayList<>()).add(p);
                }
            }
            topic.getValue().values().removeIf(Deque::isEmpty);
            if (!byPartition.isEmpty()) {
                batch.put(topic.getKey(), byPartition);
                Integer stuck = sticky.get(topic.getKey());
                if (stuck != null && byPartition.containsKey(stuck)) {
                    int count = partitionCounts.get(topic.getKey());
                    sticky.put(topic.getKey(), (stuck + 1) % count);
                }
            }
        }
        pending.values().removeIf(Map::isEmpty);
        oldestPending = pendingBytes > 0 ? System.currentTimeMillis() : -1;
        return batch;
    }

    /** One HTTP call for a topic's batches, retried with the same sequences until acknowledged or timed out. */
    private void sendTopic(String topic, Map<Integer, List<Pending>> byPartition) {
        List<Wire.ProduceRecord> records = new ArrayList<>();
        List<Pending> order = new ArrayList<>();
        byPartition.values().forEach(list -> list.forEach(p -> {
            records.add(p.wire());
            order.add(p);
        }));
        long deadline = System.currentTimeMillis() + config.deliveryTimeout().toMillis();
        long backoff = config.retryBackoff().toMillis();
        while (true) {
            try {
                Wire.ProduceRequest request = request(topic, byPartition, records);
                Wire.ProduceResponse response = http.post("/topics/" + topic + "/records", request,
                        Wire.ProduceResponse.class);
                for (int i = 0; i < order.size(); i++) {
                    Wire.RecordOffset o = response.offsets().get(i);
                    order.get(i).future().complete(new Metadata(topic, o.partition(), o.offset()));
                }
                if (config.idempotent()) {
                    Map<Integer, Long> sequences = nextSequence.computeIfAbsent(topic, t -> new HashMap<>());
                    byPartition.forEach((p, list) -> sequences.merge(p, (long) list.size(), Long::sum));
                }
                return;
            } catch (SluiceClientException e) {
                if (!e.retriable() || System.currentTimeMillis() + backoff > deadline) {
                    order.forEach(p -> p.future().completeExceptionally(e));
                    return;
                }
            } catch (RuntimeException e) {
                order.forEach(p -> p.future().completeExceptionally(e));
                return;
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                order.forEach(p -> p.future().completeExceptionally(e));
                return;
            }
            backoff = Math.min(backoff * 2, 5_000);
        }
    }

    private Wire.ProduceRequest request(String topic, Map<Integer, List<Pending>> byPartition,
                                        List<Wire.ProduceRecord> records) {
        if (!config.idempotent()) {
            return new Wire.ProduceRequest(records, null, null, null);
        }
        if (identity == null) {
            identity = http.post("/producers", new Wire.InitProducerRequest(config.producerName()),
                    Wire.InitProducerResponse.class);
        }
        Map<Integer, Long> sequences = nextSequence.computeIfAbsent(topic, t -> new HashMap<>());
        List<Wire.PartitionSequence> list = new ArrayList<>();
        byPartition.keySet().forEach(p -> list.add(new Wire.PartitionSequence(p, sequences.getOrDefault(p, 0L))));
        return new Wire.ProduceRequest(records, identity.producerId(), identity.producerEpoch(), list);
    }
}
