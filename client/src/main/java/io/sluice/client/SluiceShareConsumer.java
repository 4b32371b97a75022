package io.sluice.client;

import io.sluice.client.wire.ShareWire;
import io.sluice.client.wire.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A consumer of a share group (a queue on the log, issue 18), like Kafka's KafkaShareConsumer: any number
 * of instances poll the same group, each record comes with a lock, and each is acknowledged on its own.
 * Acknowledgements are batched and sent with the next {@link #poll} or by {@link #commitSync}; a record
 * polled and never acknowledged is delivered again when its lock expires. With
 * {@link Config#withBackgroundRenewal}, a thread renews the locks of records polled but not yet
 * acknowledged, for slow work.
 *
 * <p>Thread safety: one thread polls and acknowledges; the renewer runs beside it.
 */
public final class SluiceShareConsumer implements AutoCloseable {

    /** What an acknowledgement does. */
    public enum AcknowledgeType {
        /** Done. */
        ACCEPT,
        /** Deliver again now (archived instead once the record used every delivery attempt). */
        RELEASE,
        /** Archived, and dead-lettered if the group has a dead-letter topic. */
        REJECT,
        /** Keep the lock for the group's lockDurationMs from now. */
        RENEW
    }

    /** A record with its lock. Key, value and header values are bytes. */
    public record Record(String topic, int partition, long offset, int deliveryCount, String lockToken,
                         long lockExpiresAt, long timestamp, byte[] key, byte[] value, Map<String, byte[]> headers) {
    }

    /** The answer for one acknowledged offset: OK, LOCK_EXPIRED, INVALID_LOCK or ALREADY_DONE. */
    public record AckResult(String topic, int partition, long offset, String status) {
    }

    /**
     * @param group          the share group
     * @param maxRecords     the most records one poll returns
     * @param lockDuration   the lock a poll takes (null: the group's lockDurationMs)
     * @param renewEvery     with background renewal, how often held locks are renewed (null: no renewal)
     */
    public record Config(String group, int maxRecords, Duration lockDuration, Duration renewEvery) {
        public Config {
            Objects.requireNonNull(group);
        }

        public static Config forGroup(String group) {
            return new Config(group, 100, null, null);
        }

        public Config withMaxRecords(int n) {
            return new Config(group, n, lockDuration, renewEvery);
        }

        public Config withLockDuration(Duration d) {
            return new Config(group, maxRecords, d, renewEvery);
        }

        /** Renews the locks of records polled and not yet acknowledged every {@code every}. */
        public Config withBackgroundRenewal(Duration every) {
            return new Config(group, maxRecords, lockDuration, every);
        }
    }

    private static final Base64.Decoder BASE64 = Base64.getDecoder();

    private final SluiceHttp http;
    private final Config config;
    private final String path;
    private final Map<String, Object[]> pending = new LinkedHashMap<>();
    private final Map<String, Record> held = new LinkedHashMap<>();
    private final ScheduledExecutorService renewer;

    public SluiceShareConsumer(SluiceHttp http, Config config) {
        this.http = http;
        this.config = config;
        this.path = "/share-groups/" + config.group();
        if (config.renewEvery() != null) {
            renewer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sluice-share-renewer");
                t.setDaemon(true);
                return t;
            });
            long every = config.renewEvery().toMillis();
            renewer.scheduleWithFixedDelay(this::renewHeld, every, every, TimeUnit.MILLISECONDS);
        } else {
            renewer = null;
        }
    }

    /**
     * Sends the pending acknowledgements, then fetches up to maxRecords records, waiting up to
     * {@code timeout} (at most 20 s) for some to arrive.
     */
    public List<Record> poll(Duration timeout) {
        commitSync();
        long waitMs = Math.max(0, Math.min(timeout.toMillis(), 20_000));
        ShareWire.FetchResponse response = http.post(path + "/fetch", new ShareWire.FetchRequest(config.maxRecords(),
                waitMs, config.lockDuration() == null ? null : config.lockDuration().toMillis()),
                ShareWire.FetchResponse.class);
        List<Record> records = new ArrayList<>();
        for (ShareWire.Record r : response.records()) {
            Map<String, byte[]> headers = new LinkedHashMap<>();
            for (Wire.Header h : r.headers() == null ? List.<Wire.Header>of() : r.headers()) {
                headers.put(h.key(), h.value() == null ? null : BASE64.decode(h.value()));
            }
            Record record = new Record(r.topic(), r.partition(), r.offset(), r.deliveryCount(), r.lockToken(),
                    r.lockExpiresAt(), r.timestamp(), r.key() == null ? null : BASE64.decode(r.key()),
                    BASE64.decode(r.value()), headers);
            records.add(record);
            synchronized (held) {
                held.put(id(record), record);
            }
        }
        return records;
    }

    /** Queues an acknowledgement, sent with the next poll or commitSync; a later one for the same record wins. */
    public void acknowledge(Record record, AcknowledgeType type) {
        synchronized (pending) {
            pending.put(id(record) + "/" + (type == AcknowledgeType.RENEW ? "renew" : "final"),
                    new Object[] {record, type});
        }
        if (type != AcknowledgeType.RENEW) {
            synchronized (held) {
                held.remove(id(record));
            }
        }
    }

    /**
     * Sends every pending acknowledgement now; answers one result per offset. If the call fails, the
     * acknowledgements stay pending (unless newer ones for the same records were queued meanwhile) and go
     * with the next poll or commitSync.
     */
    public List<AckResult> commitSync() {
        Map<String, Object[]> batch;
        synchronized (pending) {
            batch = new LinkedHashMap<>(pending);
            pending.clear();
        }
        try {
            return send(new ArrayList<>(batch.values()));
        } catch (RuntimeException e) {
            synchronized (pending) {
                batch.forEach(pending::putIfAbsent);
            }
            throw e;
        }
    }

    private List<AckResult> send(List<Object[]> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        Map<String, ShareWire.Ack> grouped = new LinkedHashMap<>();
        for (Object[] entry : batch) {
            Record r = (Record) entry[0];
            AcknowledgeType type = (AcknowledgeType) entry[1];
            String key = r.topic() + "/" + r.partition() + "/" + r.lockToken() + "/" + type;
            ShareWire.Ack ack = grouped.computeIfAbsent(key, k -> new ShareWire.Ack(r.topic(), r.partition(),
                    new ArrayList<>(), r.lockToken(), type.name().toLowerCase(Locale.ROOT)));
            ack.offsets().add(r.offset());
        }
        ShareWire.AcksResponse response = http.post(path + "/acks", new ShareWire.AcksRequest(new ArrayList<>(
                grouped.values())), ShareWire.AcksResponse.class);
        return response.results().stream().map(r -> new AckResult(r.topic(), r.partition(), r.offset(), r.status()))
                .toList();
    }

    private void renewHeld() {
        List<Object[]> renewals = new ArrayList<>();
        synchronized (held) {
            held.values().forEach(r -> renewals.add(new Object[] {r, AcknowledgeType.RENEW}));
        }
        try {
            for (AckResult result : send(renewals)) {
                if (!"OK".equals(result.status())) {
                    synchronized (held) {
                        held.remove(result.topic() + "/" + result.partition() + "/" + result.offset());
                    }
                }
            }
        } catch (SluiceClientException e) {
            // The next round tries again; a lock that expires meanwhile is redelivered, as without renewal.
        }
    }

    private static String id(Record r) {
        return r.topic() + "/" + r.partition() + "/" + r.offset();
    }

    /** Sends pending acknowledgements and stops the renewer; records still held are redelivered after their locks. */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
        commitSync();
    }
}
