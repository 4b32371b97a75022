package io.sluice.client;

import io.sluice.client.wire.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consumer, like Kafka's. {@link #subscribe} joins a consumer group: a background thread heartbeats,
 * and the server assigns partitions. {@link #assign} reads chosen partitions without membership.
 * {@link #poll} returns records from the owned, unpaused partitions and advances their positions;
 * {@link #commitSync} commits those positions (auto-commit does it on an interval, on revocation and
 * on close). Delivery is at least once: a record returned by poll but not committed when its partition
 * moves to another member is delivered again there.
 */
public final class SluiceConsumer implements AutoCloseable {

    /** Consumer settings. {@code group} may be null for {@link #assign} without commits. */
    public record Config(String group, int sessionTimeoutMs, boolean autoCommit, Duration autoCommitInterval,
                         int fetchMaxBytes, String autoOffsetReset) {
        public static Config forGroup(String group) {
            return new Config(group, 10_000, true, Duration.ofSeconds(5), 1 << 20, "earliest");
        }

        public Config withAutoCommit(boolean on) {
            return new Config(group, sessionTimeoutMs, on, autoCommitInterval, fetchMaxBytes, autoOffsetReset);
        }

        public Config withSessionTimeoutMs(int ms) {
            return new Config(group, ms, autoCommit, autoCommitInterval, fetchMaxBytes, autoOffsetReset);
        }
    }

    public record TopicPartition(String topic, int partition) {
    }

    /** A consumed record. key is null for a keyless record. */
    public record Record(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                         Map<String, byte[]> headers) {
    }

    private static final Base64.Decoder B64 = Base64.getDecoder();

    private final SluiceHttp http;
    private final Config config;
    private final Object lock = new Object();
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private List<String> subscription = List.of();
    private String memberId;
    private long memberEpoch;
    private Thread heartbeats;
    private volatile boolean closed;
    private long lastAutoCommit = System.currentTimeMillis();
    private int cursor;

    public SluiceConsumer(SluiceHttp http, Config config) {
        this.http = http;
        this.config = config;
    }

    /** Joins the group for these topics; partitions arrive with the heartbeats. */
    public void subscribe(List<String> topics) {
        if (config.group() == null) {
            throw new IllegalStateException("subscribe needs a group; use assign without one");
        }
        synchronized (lock) {
            subscription = List.copyOf(topics);
            heartbeat();
        }
        heartbeats = new Thread(this::heartbeatLoop, "sluice-heartbeat");
        heartbeats.setDaemon(true);
        heartbeats.start();
    }

    /** Reads these partitions without group membership, from the group's commits or auto-offset-reset. */
    public void assign(Collection<TopicPartition> partitions) {
        synchronized (lock) {
            positions.keySet().retainAll(partitions);
            Map<TopicPartition, Long> committed = committed();
            for (TopicPartition tp : partitions) {
                positions.computeIfAbsent(tp, p -> committed.getOrDefault(p, reset(p)));
            }
        }
    }

    public Set<TopicPartition> assignment() {
        synchronized (lock) {
            return Set.copyOf(positions.keySet());
        }
    }

    /** The next offset poll will return for a partition. */
    public long position(TopicPartition tp) {
        synchronized (lock) {
            return positions.get(tp);
        }
    }

    public void seek(TopicPartition tp, long offset) {
        synchronized (lock) {
            if (!positions.containsKey(tp)) {
                throw new IllegalStateException(tp + " is not assigned");
            }
            positions.put(tp, offset);
        }
    }

    /** Moves to the first offset at or after a timestamp (the end if there is none). */
    public void seekToTimestamp(TopicPartition tp, long timestamp) {
        seek(tp, offsetAt(tp, Long.toString(timestamp)));
    }

    public void seekToBeginning(TopicPartition tp) {
        seek(tp, offsetAt(tp, "earliest"));
    }

    public void pause(Collection<TopicPartition> partitions) {
        synchronized (lock) {
            paused.addAll(partitions);
        }
    }

    public void resume(Collection<TopicPartition> partitions) {
        synchronized (lock) {
            paused.removeAll(partitions);
        }
    }

    /**
     * Records from the owned, unpaused partitions, waiting up to {@code timeout} for some to arrive.
     * Positions advance past what is returned.
     */
    public List<Record> poll(Duration timeout) {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (true) {
            maybeAutoCommit();
            List<TopicPartition> candidates;
            synchronized (lock) {
                candidates = new ArrayList<>(positions.keySet());
                candidates.removeAll(paused);
            }
            for (int i = 0; i < candidates.size(); i++) {
                TopicPartition tp = candidates.get((cursor + i) % candidates.size());
                List<Record> records = fetch(tp);
                if (!records.isEmpty()) {
                    cursor = (cursor + i + 1) % Math.max(1, candidates.size());
                    return records;
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return List.of();
            }
            sleep(Math.min(left, 100));
        }
    }

    private List<Record> fetch(TopicPartition tp) {
        long position;
        synchronized (lock) {
            Long p = positions.get(tp);
            if (p == null) {
                return List.of();
            }
            position = p;
        }
        Wire.FetchResponse response;
        try {
            response = http.get("/topics/" + tp.topic() + "/partitions/" + tp.partition() + "/records?offset="
                    + position + "&maxBytes=" + config.fetchMaxBytes(), Wire.FetchResponse.class);
        } catch (SluiceClientException e) {
            if ("OFFSET_OUT_OF_RANGE".equals(e.code()) && e.body() != null) {
                long start = e.body().path("logStartOffset").asLong();
                long end = e.body().path("highWatermark").asLong();
                synchronized (lock) {
                    positions.computeIfPresent(tp, (k, v) -> "latest".equals(config.autoOffsetReset()) ? end : start);
                }
                return List.of();
            }
            throw e;
        }
        List<Record> records = new ArrayList<>(response.records().size());
        for (Wire.Record r : response.records()) {
            Map<String, byte[]> headers = new LinkedHashMap<>();
            if (r.headers() != null) {
                r.headers().forEach(h -> headers.put(h.key(), h.value() == null ? null : B64.decode(h.value())));
            }
            records.add(new Record(tp.topic(), tp.partition(), r.offset(), r.timestamp(),
                    r.key() == null ? null : B64.decode(r.key()), B64.decode(r.value()), headers));
        }
        synchronized (lock) {
            if (!positions.containsKey(tp) || positions.get(tp) != position) {
                return List.of();
            }
            positions.put(tp, response.nextOffset());
        }
        return records;
    }

    /** Commits the current positions of every owned partition. */
    public void commitSync() {
        synchronized (lock) {
            commit(new HashMap<>(positions));
        }
    }

    private void commit(Map<TopicPartition, Long> offsets) {
        if (config.group() == null || offsets.isEmpty()) {
            return;
        }
        List<Wire.OffsetCommit> list = new ArrayList<>();
        offsets.forEach((tp, offset) -> list.add(new Wire.OffsetCommit(tp.topic(), tp.partition(), offset, null)));
        http.post("/groups/" + config.group() + "/offsets", new Wire.CommitRequest(memberId,
                memberId == null ? null : memberEpoch, list), Wire.CommitResponse.class);
    }

    private void maybeAutoCommit() {
        if (config.autoCommit() && System.currentTimeMillis() - lastAutoCommit >= config.autoCommitInterval().toMillis()) {
            commitSync();
            lastAutoCommit = System.currentTimeMillis();
        }
    }

    private void heartbeatLoop() {
        long interval = 1_000;
        while (!closed) {
            sleep(interval);
            if (closed) {
                return;
            }
            try {
                synchronized (lock) {
                    interval = heartbeat();
                }
            } catch (SluiceClientException e) {
                interval = 500;
            }
        }
    }

    /** One heartbeat; applies the new assignment (committing revoked partitions first when auto-committing). */
    private long heartbeat() {
        Wire.HeartbeatResponse response;
        try {
            response = http.post("/groups/" + config.group() + "/heartbeat", new Wire.HeartbeatRequest(memberId,
                    memberId == null ? 0L : memberEpoch, subscription, config.sessionTimeoutMs()),
                    Wire.HeartbeatResponse.class);
        } catch (SluiceClientException e) {
            if (!"FENCED".equals(e.code())) {
                throw e;
            }
            memberId = null;
            positions.clear();
            response = http.post("/groups/" + config.group() + "/heartbeat", new Wire.HeartbeatRequest(null, 0L,
                    subscription, config.sessionTimeoutMs()), Wire.HeartbeatResponse.class);
        }
        memberId = response.memberId();
        memberEpoch = response.memberEpoch();
        Set<TopicPartition> assigned = new HashSet<>();
        response.assignment().forEach(t -> t.partitions().forEach(p -> assigned.add(new TopicPartition(t.topic(), p))));
        Map<TopicPartition, Long> revoked = new HashMap<>(positions);
        revoked.keySet().removeAll(assigned);
        if (!revoked.isEmpty()) {
            if (config.autoCommit()) {
                try {
                    commit(revoked);
                } catch (SluiceClientException e) {
                    // fenced or moved on: the next owner resumes from the last commit
                }
            }
            positions.keySet().removeAll(revoked.keySet());
        }
        if (!positions.keySet().containsAll(assigned)) {
            Map<TopicPartition, Long> committed = committed();
            for (TopicPartition tp : assigned) {
                positions.computeIfAbsent(tp, p -> committed.getOrDefault(p, reset(p)));
            }
        }
        return response.heartbeatIntervalMs();
    }

    private Map<TopicPartition, Long> committed() {
        Map<TopicPartition, Long> committed = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        if (config.group() == null) {
            return committed;
        }
        try {
            Wire.GroupDescription group = http.get("/groups/" + config.group(), Wire.GroupDescription.class);
            group.offsets().forEach(o -> committed.put(new TopicPartition(o.topic(), o.partition()), o.committed()));
        } catch (SluiceClientException e) {
            if (!"UNKNOWN_GROUP".equals(e.code())) {
                throw e;
            }
        }
        return committed;
    }

    private long reset(TopicPartition tp) {
        return offsetAt(tp, "latest".equals(config.autoOffsetReset()) ? "latest" : "earliest");
    }

    private long offsetAt(TopicPartition tp, String at) {
        return http.get("/topics/" + tp.topic() + "/partitions/" + tp.partition() + "/offsets?at=" + at,
                Wire.OffsetResponse.class).offset();
    }

    /** Commits (when auto-committing) and leaves the group. */
    @Override
    public void close() {
        closed = true;
        if (heartbeats != null) {
            heartbeats.interrupt();
        }
        synchronized (lock) {
            if (config.autoCommit()) {
                commitSync();
            }
            if (memberId != null) {
                try {
                    http.post("/groups/" + config.group() + "/heartbeat", new Wire.HeartbeatRequest(memberId, -1L, null,
                            null), Wire.HeartbeatResponse.class);
                } catch (SluiceClientException e) {
                    // already gone
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
