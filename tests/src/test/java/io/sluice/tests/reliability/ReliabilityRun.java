package io.sluice.tests.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.group.GroupService;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.GroupStore;
import io.sluice.group.TopicPartition;
import io.sluice.log.Backoff;
import io.sluice.log.FetchResult;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService.Idempotence;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.ProducerIdentity;
import io.sluice.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A randomized, bounded run: idempotent producers retry each call through injected faults until it is
 * acknowledged (a fresh service instance after a crash, as a new Lambda would be), while group members
 * join, consume, commit and leave. Then {@link ReliabilityChecker} checks the whole history.
 */
final class ReliabilityRun {

    /** How big a run is. */
    record Size(int producers, int callsPerProducer, int consumers, int partitions, double faultProbability,
                long timeLimitMs) {
        static final Size SMALL = new Size(4, 20, 3, 4, 0.04, 120_000);
        static final Size LARGE = new Size(8, 250, 4, 8, 0.04, 1_200_000);
    }

    /** What a run did and found. */
    record Outcome(long operations, long faults, long recordsVerified, List<String> violations) {
        String summary() {
            return String.format("reliability: operations=%d faults=%d records=%d violations=%d", operations, faults,
                    recordsVerified, violations.size());
        }
    }

    private static final String TOPIC = "reliability";
    private static final String GROUP = "checkers";
    private static final int MAX_RETRIES = 200;
    private static final String CHURN = "churn";
    /** Maintenance passes that run at the same time, beside producers, fetchers and group members. */
    private static final int MAINTENANCE_PASSES = 2;
    private final AtomicLong passesRun = new AtomicLong();
    /** Retention of the churn topic as maintenance sees it; changed mid-run. */
    private final java.util.concurrent.atomic.AtomicReference<long[]> churnRetention =
            new java.util.concurrent.atomic.AtomicReference<>(new long[] {-1, -1});
    /** The churn topic's last incarnation: its id and what was acknowledged in it. */
    private volatile String churnTopicId;
    private final Map<RecordOffset, LogRecord> churnAcked = new java.util.concurrent.ConcurrentHashMap<>();
    /** When the delete before each churn incarnation returned (System.nanoTime); absent for the first one. */
    private final Map<String, Long> deleteReturnedBefore = new java.util.concurrent.ConcurrentHashMap<>();
    /** Records a producer racing the churn topic's deletes had acknowledged, with when each call began. */
    private final AtomicBoolean churning = new AtomicBoolean(true);
    private final List<BesideAck> besideAcked = java.util.Collections.synchronizedList(new ArrayList<>());

    private record BesideAck(String value, RecordOffset at, long startedNanos) {
    }

    private final Size size;
    private final long seed;
    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final GroupStore groups;
    private final RandomFaults faults;
    private final History history = new History();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<String> harnessProblems = java.util.Collections.synchronizedList(new ArrayList<>());

    ReliabilityRun(Size size, long seed, ObjectStore objects, MetadataStore metadata, GroupStore groups,
                   RandomFaults faults) {
        this.size = size;
        this.seed = seed;
        this.objects = objects;
        this.metadata = metadata;
        this.groups = groups;
        this.faults = faults;
    }

    private LogServices freshInstance() {
        return LogServices.create(objects, metadata, groups, Clock.systemUTC(), Backoff.exponentialJitter(2, 50));
    }

    Outcome run(MetadataStore cleanMetadata, LogServices cleanReader) throws Exception {
        cleanReader.topics().create(new CreateTopic(TOPIC, size.partitions(), null, null, null));
        long deadline = System.currentTimeMillis() + size.timeLimitMs();
        ExecutorService pool = Executors.newFixedThreadPool(size.producers() + size.consumers() + 3
                + MAINTENANCE_PASSES);
        try {
            List<Future<?>> producers = new ArrayList<>();
            for (int i = 0; i < size.producers(); i++) {
                int index = i;
                producers.add(pool.submit(() -> {
                    Thread.currentThread().setName("producer-" + index);
                    produce(index, deadline);
                    return null;
                }));
            }
            List<Future<?>> consumers = new ArrayList<>();
            for (int i = 0; i < size.consumers(); i++) {
                int index = i;
                consumers.add(pool.submit(() -> {
                    Thread.currentThread().setName("consumer-" + index);
                    consume(index, deadline);
                    return null;
                }));
            }
            Future<?> monitor = pool.submit(() -> {
                Thread.currentThread().setName("monitor");
                monitor(cleanReader.groups(), deadline);
                return null;
            });
            List<Future<?>> passes = new ArrayList<>();
            for (int i = 0; i < MAINTENANCE_PASSES; i++) {
                int index = i;
                passes.add(pool.submit(() -> {
                    Thread.currentThread().setName("maintenance-" + index);
                    maintain(deadline);
                    return null;
                }));
            }
            Future<?> churn = pool.submit(() -> {
                Thread.currentThread().setName("churn");
                churn(cleanReader, deadline);
                return null;
            });
            Future<?> beside = pool.submit(() -> {
                Thread.currentThread().setName("beside-churn");
                produceBesideChurn(deadline);
                return null;
            });
            for (Future<?> p : producers) {
                p.get(size.timeLimitMs() + 60_000, TimeUnit.MILLISECONDS);
            }
            producing.set(false);
            while (!caughtUp(cleanReader) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            stop.set(true);
            for (Future<?> c : consumers) {
                c.get(60, TimeUnit.SECONDS);
            }
            monitor.get(60, TimeUnit.SECONDS);
            for (Future<?> pass : passes) {
                pass.get(120, TimeUnit.SECONDS);
            }
            churn.get(120, TimeUnit.SECONDS);
            beside.get(120, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        faults.disable();
        // A pass stopped part-way by a fault leaves entries that another covers (readers tolerate them); the
        // next pass removes them, as the schedule would. A pass that crashed may still hold a lease, so this
        // one runs when every lease has lapsed, as the next scheduled pass would. The checker then sees the
        // index the design promises.
        Clock afterLeases = Clock.offset(Clock.systemUTC(),
                Duration.ofMillis(Maintenance.Settings.DEFAULT.leaseMs() + 1_000));
        io.sluice.maintenance.MaintenanceReport last = new Maintenance(objects, cleanMetadata,
                new TopicCache(cleanMetadata, afterLeases, Duration.ZERO), afterLeases,
                new Maintenance.Settings(2_048, 15L * 60 * 1000)).run(null);
        List<String> unfinished = new ArrayList<>();
        if (last.partitionsBusy() > 0 || !last.failures().isEmpty()) {
            unfinished.add("the last maintenance pass could not maintain everything: " + last);
        }
        ReliabilityChecker.Verdict verdict = new ReliabilityChecker(cleanReader.fetcher(), cleanMetadata)
                .check(TOPIC, size.partitions(), history);
        List<String> violations = new ArrayList<>(verdict.violations());
        violations.addAll(unfinished);
        violations.addAll(harnessProblems);
        violations.addAll(checkChurn(cleanMetadata, cleanReader));
        if (churnTopicId != null) {
            violations.addAll(checkBeside(cleanMetadata, cleanReader));
        }
        if (passesRun.get() == 0) {
            violations.add("no maintenance pass completed during the run");
        }
        if (!caughtUp(cleanReader)) {
            violations.add("the group did not commit up to the high watermarks within the time limit");
        }
        return new Outcome(operations.get(), faults.total(), verdict.recordsVerified(), violations);
    }

    /** One idempotent producer: calls of 1 to 4 records over random partitions, each retried until acknowledged. */
    private void produce(int index, long deadline) {
        Random random = new Random(seed * 31 + index);
        String name = "producer-" + index;
        LogServices service = freshInstance();
        ProducerIdentity identity = retry(() -> freshInstance().producers().init(name), deadline);
        Map<Integer, Long> nextSequence = new HashMap<>();
        for (int call = 0; call < size.callsPerProducer() && System.currentTimeMillis() < deadline; call++) {
            List<ProduceRecord> records = new ArrayList<>();
            Map<Integer, Long> sequences = new TreeMap<>();
            Map<Integer, Long> cursor = new HashMap<>(nextSequence);
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                int partition = random.nextInt(size.partitions());
                long sequence = cursor.getOrDefault(partition, 0L);
                sequences.putIfAbsent(partition, sequence);
                cursor.put(partition, sequence + 1);
                records.add(new ProduceRecord(null, (name + ":" + partition + ":" + sequence).getBytes(UTF_8),
                        List.of(), partition, 1_700_000_000_000L + call));
            }
            Idempotence idempotence = new Idempotence(identity.producerId(), identity.producerEpoch(), sequences);
            List<RecordOffset> offsets = null;
            for (int attempt = 0; offsets == null; attempt++) {
                operations.incrementAndGet();
                try {
                    offsets = service.producer().produce(TOPIC, records, idempotence);
                } catch (SluiceException e) {
                    if (e.code() != ErrorCode.CONTENTION) {
                        harnessProblems.add(name + ": produce refused with " + e.code() + ": " + e.getMessage());
                        return;
                    }
                } catch (RuntimeException fault) {
                    service = freshInstance();
                }
                if (offsets == null && (attempt >= MAX_RETRIES || System.currentTimeMillis() > deadline)) {
                    harnessProblems.add(name + ": a call was never acknowledged");
                    return;
                }
            }
            nextSequence = cursor;
            for (int i = 0; i < records.size(); i++) {
                ProduceRecord r = records.get(i);
                history.acknowledge(offsets.get(i), new LogRecord(r.timestamp(), null, r.value(), List.of()));
            }
        }
    }

    /** A group member: heartbeat, fetch and commit what it owns; now and then it leaves and rejoins. */
    private void consume(int index, long deadline) throws InterruptedException {
        Random random = new Random(seed * 17 + index);
        LogServices service = freshInstance();
        GroupService group = service.groups();
        HeartbeatResult member = null;
        Map<TopicPartition, Long> positions = new HashMap<>();
        while (!stop.get() && System.currentTimeMillis() < deadline) {
            operations.incrementAndGet();
            try {
                if (member != null && producing.get() && random.nextInt(40) == 0) {
                    group.heartbeat(GROUP, Heartbeat.leave(member.memberId(), member.memberEpoch()));
                    member = null;
                    positions.clear();
                    Thread.sleep(50);
                    continue;
                }
                member = member == null
                        ? group.heartbeat(GROUP, new Heartbeat(null, 0, List.of(TOPIC), 5_000))
                        : group.heartbeat(GROUP, new Heartbeat(member.memberId(), member.memberEpoch(), List.of(TOPIC), 5_000));
                positions.keySet().retainAll(member.assignment());
                Map<TopicPartition, Long> committed = new HashMap<>();
                if (!positions.keySet().containsAll(member.assignment())) {
                    try {
                        group.describe(GROUP).offsets().forEach(o ->
                                committed.put(new TopicPartition(o.topic(), o.partition()), o.committed()));
                    } catch (SluiceException e) {
                        if (e.code() != ErrorCode.UNKNOWN_GROUP) {
                            throw e;
                        }
                    }
                }
                for (TopicPartition tp : member.assignment()) {
                    positions.computeIfAbsent(tp, p -> committed.getOrDefault(p, 0L));
                }
                for (TopicPartition tp : List.copyOf(positions.keySet())) {
                    FetchResult result = service.fetcher().fetch(TOPIC, tp.partition(), positions.get(tp), 8_192);
                    if (!result.records().isEmpty()) {
                        group.commit(GROUP, member.memberId(), member.memberEpoch(),
                                List.of(new OffsetCommit(TOPIC, tp.partition(), result.nextOffset(), null)));
                        positions.put(tp, result.nextOffset());
                    }
                }
            } catch (SluiceException e) {
                if (e.code() == ErrorCode.FENCED) {
                    member = null;
                    positions.clear();
                } else if (e.code() != ErrorCode.CONTENTION) {
                    harnessProblems.add("consumer " + index + ": " + e.code() + ": " + e.getMessage());
                    return;
                }
            } catch (RuntimeException fault) {
                service = freshInstance();
                group = service.groups();
            }
            Thread.sleep(20);
        }
        if (member != null) {
            try {
                group.heartbeat(GROUP, Heartbeat.leave(member.memberId(), member.memberEpoch()));
            } catch (RuntimeException fault) {
                // the leave met a fault: the session expires instead, as a crashed member's would
            }
        }
    }

    /** Reads the group's committed offsets again and again, in one thread, so their order is real. */
    private void monitor(GroupService group, long deadline) throws InterruptedException {
        while (!stop.get() && System.currentTimeMillis() < deadline) {
            try {
                group.describe(GROUP).offsets().forEach(o -> history.commitSeen(o.partition(), o.committed()));
            } catch (SluiceException e) {
                if (e.code() != ErrorCode.UNKNOWN_GROUP) {
                    throw e;
                }
            }
            Thread.sleep(50);
        }
    }

    private boolean caughtUp(LogServices reader) {
        try {
            var offsets = reader.groups().describe(GROUP).offsets();
            for (int p = 0; p < size.partitions(); p++) {
                long hw = reader.fetcher().latestOffset(TOPIC, p);
                int partition = p;
                long committed = offsets.stream().filter(o -> o.partition() == partition)
                        .mapToLong(GroupService.OffsetLag::committed).findFirst().orElse(0);
                if (committed < hw) {
                    return false;
                }
            }
            return true;
        } catch (SluiceException e) {
            return false;
        }
    }

    private <T> T retry(java.util.function.Supplier<T> call, long deadline) {
        while (true) {
            operations.incrementAndGet();
            try {
                return call.get();
            } catch (SluiceException e) {
                throw e;
            } catch (RuntimeException fault) {
                if (System.currentTimeMillis() > deadline) {
                    throw fault;
                }
            }
        }
    }

    /**
     * Maintenance passes through the faulty stores, again and again, with small segments so that runs
     * close often. Retention of the churn topic is read through {@link #withChurnRetention}, so it
     * changes while passes run.
     */
    private void maintain(long deadline) {
        Maintenance maintenance = maintenance(withChurnRetention(metadata));
        while (!stop.get() && System.currentTimeMillis() < deadline) {
            operations.incrementAndGet();
            try {
                maintenance.run(null);
                passesRun.incrementAndGet();
            } catch (SluiceException e) {
                if (e.code() != ErrorCode.UNKNOWN_TOPIC) {
                    harnessProblems.add("maintenance: " + e.code() + ": " + e.getMessage());
                }
            } catch (RuntimeException fault) {
                // an injected fault outside a partition's work (listing topics): the schedule runs again
            }
        }
    }

    /** Maintenance over {@code store}, with 2 KiB segments so that runs close often. */
    private Maintenance maintenance(MetadataStore store) {
        return new Maintenance(objects, store, new TopicCache(store, Clock.systemUTC(), Duration.ZERO),
                Clock.systemUTC(), new Maintenance.Settings(2_048, 15L * 60 * 1000));
    }

    /** The store as maintenance sees it: the churn topic with whatever retention the run has set now. */
    private MetadataStore withChurnRetention(MetadataStore store) {
        return new io.sluice.tests.support.ForwardingMetadataStore(store) {
            private io.sluice.meta.TopicConfig alter(io.sluice.meta.TopicConfig t) {
                if (!t.name().equals(CHURN)) {
                    return t;
                }
                long[] retention = churnRetention.get();
                return new io.sluice.meta.TopicConfig(t.name(), t.topicId(), t.partitions(), retention[0],
                        retention[1], t.maxRecordBytes(), t.createdAt());
            }

            @Override
            public java.util.Optional<io.sluice.meta.TopicConfig> getTopic(String name) {
                return super.getTopic(name).map(this::alter);
            }

            @Override
            public List<io.sluice.meta.TopicConfig> listTopics() {
                return super.listTopics().stream().map(this::alter).toList();
            }
        };
    }

    /**
     * Deletes and re-creates a topic under load: each incarnation gets records while maintenance runs over
     * it, and its retention changes between incarnations and mid-incarnation. The last incarnation stays,
     * to be checked at the end.
     */
    private void churn(LogServices clean, long deadline) throws InterruptedException {
        Random random = new Random(seed * 13);
        long[][] settings = {{-1, -1}, {1, -1}, {-1, 300}, {60_000, 2_000}};
        try {
            for (int round = 0; ; round++) {
                // one more round once the producers are done, with the racing producer still at work, so
                // that the incarnation checked at the end was itself created under a racing produce; it
                // keeps everything, so that every record acknowledged into it can be checked
                boolean last = !producing.get() || System.currentTimeMillis() >= deadline;
                operations.incrementAndGet();
                try {
                    Long deleteReturned = null;
                    if (churnTopicId != null) {
                        clean.topics().delete(CHURN);
                        deleteReturned = System.nanoTime();
                    }
                    churnAcked.clear();
                    churnRetention.set(last ? settings[0] : settings[random.nextInt(settings.length)]);
                    String created = clean.topics().create(new CreateTopic(CHURN, 2, null, null, null)).topicId();
                    if (deleteReturned != null) {
                        deleteReturnedBefore.put(created, deleteReturned);
                    }
                    churnTopicId = created;
                    LogServices writer = freshInstance();
                    for (int i = 0; i < 10 && (last || producing.get()); i++) {
                        if (i == 5 && !last) {
                            churnRetention.set(settings[random.nextInt(settings.length)]);
                        }
                        int partition = random.nextInt(2);
                        byte[] value = ("churn-" + round + "-" + i).getBytes(UTF_8);
                        long timestamp = System.currentTimeMillis() - random.nextInt(120_000);
                        List<RecordOffset> offsets = clean.producer().produce(CHURN,
                                List.of(new ProduceRecord(null, value, List.of(), partition, timestamp)));
                        churnAcked.put(offsets.get(0), new LogRecord(timestamp, null, value, List.of()));
                        try {
                            writer.fetcher().fetch(CHURN, partition,
                                    writer.fetcher().earliestOffset(CHURN, partition), 4_096);
                        } catch (SluiceException e) {
                            if (e.code() != ErrorCode.OFFSET_OUT_OF_RANGE) {
                                throw e;
                            }
                        } catch (RuntimeException fault) {
                            writer = freshInstance();
                        }
                        Thread.sleep(10);
                    }
                } catch (SluiceException e) {
                    if (e.code() != ErrorCode.CONTENTION) {
                        harnessProblems.add("churn: " + e.code() + ": " + e.getMessage());
                        return;
                    }
                }
                if (last) {
                    return;
                }
            }
        } finally {
            churning.set(false);
        }
    }

    /**
     * Produces to the churn topic all the time, through faulty stores, so that produces race its deletes
     * and re-creations: a produce stalled in its WAL PUT across a delete, one whose cached topic is stale,
     * one committing while a delete removes heads. Every call writes a value of its own; what was
     * acknowledged is checked against the last incarnation at the end ({@link #checkBeside}).
     */
    private void produceBesideChurn(long deadline) throws InterruptedException {
        Random random = new Random(seed * 17);
        LogServices writer = freshInstance();
        for (int n = 0; churning.get() && System.currentTimeMillis() < deadline + 60_000; n++) {
            operations.incrementAndGet();
            String value = "beside-" + n;
            int partition = random.nextInt(2);
            long started = System.nanoTime();
            try {
                List<RecordOffset> offsets = writer.producer().produce(CHURN, List.of(new ProduceRecord(null,
                        value.getBytes(UTF_8), List.of(), partition, System.currentTimeMillis())));
                besideAcked.add(new BesideAck(value, offsets.get(0), started));
            } catch (SluiceException e) {
                // UNKNOWN_TOPIC between a delete and a create, CONTENTION under load: not acknowledged
            } catch (RuntimeException fault) {
                writer = freshInstance();
            }
            Thread.sleep(random.nextInt(5));
        }
    }

    /**
     * What the racing producer was told, against the churn topic's last incarnation. A value found there
     * must be exactly once, at its acknowledged offset. A value not found there went to an earlier
     * incarnation, which is only possible if its call began before the delete that ended that incarnation
     * returned; if it began later, the acknowledgement was for a deleted topic or the record is lost.
     */
    private List<String> checkBeside(MetadataStore cleanMetadata, LogServices clean) {
        List<String> violations = new ArrayList<>();
        Map<String, List<RecordOffset>> found = new HashMap<>();
        long[] logStart = new long[2];
        for (int p = 0; p < 2; p++) {
            logStart[p] = clean.fetcher().earliestOffset(CHURN, p);
            for (io.sluice.log.FetchedRecord record : new io.sluice.tests.support.LogChecker(clean.fetcher(),
                    cleanMetadata).readAll(CHURN, p, 64 * 1024)) {
                found.computeIfAbsent(new String(record.record().value(), UTF_8), v -> new ArrayList<>())
                        .add(new RecordOffset(p, record.offset()));
            }
        }
        Long lastDeleteReturned = deleteReturnedBefore.get(churnTopicId);
        List<BesideAck> acks;
        synchronized (besideAcked) {
            acks = List.copyOf(besideAcked);
        }
        if (acks.isEmpty()) {
            violations.add("churn: the producer racing the deletes never had a record acknowledged");
        }
        for (BesideAck ack : acks) {
            List<RecordOffset> at = found.getOrDefault(ack.value(), List.of());
            if (!at.isEmpty() && !at.equals(List.of(ack.at()))) {
                violations.add("churn: " + ack.value() + " was acknowledged at " + ack.at() + " but is at " + at);
            } else if (at.isEmpty() && (lastDeleteReturned == null || ack.startedNanos() - lastDeleteReturned > 0)
                    && ack.at().offset() >= logStart[ack.at().partition()]) {
                violations.add("churn: " + ack.value() + " was acknowledged at " + ack.at() + " by a call that "
                        + "began after the last delete returned, but it is not in the topic");
            }
        }
        return violations;
    }

    /** The churn topic's last incarnation: every retained acknowledged record readable, byte for byte. */
    private List<String> checkChurn(MetadataStore cleanMetadata, LogServices clean) {
        if (churnTopicId == null) {
            return List.of("the churn topic was never created");
        }
        Map<RecordOffset, LogRecord> retained = new HashMap<>();
        for (int p = 0; p < 2; p++) {
            long logStart = clean.fetcher().earliestOffset(CHURN, p);
            int partition = p;
            churnAcked.forEach((at, record) -> {
                if (at.partition() == partition && at.offset() >= logStart) {
                    retained.put(at, record);
                }
            });
        }
        return new io.sluice.tests.support.LogChecker(clean.fetcher(), cleanMetadata).check(CHURN, 2, retained);
    }
}
