package io.sluice.tests.share;

import io.sluice.format.RecordHeader;
import io.sluice.log.Backoff;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.Sleeper;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.share.AckStatus;
import io.sluice.share.AcknowledgeType;
import io.sluice.share.DynamoShareGroupStore;
import io.sluice.share.ShareGroupService;
import io.sluice.share.ShareGroupService.ShareRecord;
import io.sluice.share.ShareGroupStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.FaultyMetadataStore;
import io.sluice.tests.support.FaultyObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A randomized queue run on the emulators: producers append keyed records; 1 to 16 consumers fetch and
 * accept, release, reject, renew, crash without acknowledging, or sleep past their lock; faults are
 * injected around the share store and the log stores. Each thread has its own seeded Random. The run
 * ends when every record is done (faults off for the tail) or at a deadline, then reads each
 * partition's start offset and the dead-letter topic for {@link QueueChecker}.
 */
final class QueueRun {

    static final String TOPIC = "work";
    static final String DLQ = "work-dlq";
    static final String GROUP = "workers";
    static final int LIMIT = 3;

    record Settings(long seed, int partitions, int consumers, int records, double faultProbability, boolean keyOrdering,
                    boolean brokenAcquire, Duration faultyFor, Duration deadline) {
    }

    record Outcome(QueueHistory history, long operations, long faults, boolean finished) {
    }

    static Outcome run(Backends.Stack stack, Settings s) throws InterruptedException {
        QueueFaults faults = new QueueFaults(s.seed(), s.faultProbability());
        Clock clock = Clock.systemUTC();
        LogServices clean = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), clock);
        ShareGroupStore cleanStore = new DynamoShareGroupStore(stack.dynamo(), stack.table());
        LogServices faulty = LogServices.create(new FaultyObjectStore(stack.objects(), faults),
                new FaultyMetadataStore(stack.metadata(), faults), stack.groups(), clock);
        ShareGroupService service = new ShareGroupService(faults.around(cleanStore, s.brokenAcquire()),
                new TopicCache(stack.metadata(), clock, Duration.ofSeconds(30)), faulty.fetcher(), faulty.producer(),
                faulty.producers(), clock, Sleeper.SYSTEM, Backoff.exponentialJitter(2, 50));
        clean.topics().create(new CreateTopic(TOPIC, s.partitions(), null, null, null));
        clean.topics().create(new CreateTopic(DLQ, 1, null, null, null));
        clean.shares().configure(GROUP, new ShareGroupService.ConfigRequest(List.of(TOPIC), LIMIT, 500L, DLQ, null,
                s.keyOrdering() ? "key" : "none"));

        QueueHistory history = new QueueHistory();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong operations = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        int producers = 2;
        AtomicLong producedCount = new AtomicLong();
        for (int p = 0; p < producers; p++) {
            Random random = new Random(s.seed() * 31 + p);
            int share = s.records() / producers;
            threads.add(start("queue-producer-" + p, () -> {
                for (int n = 0; n < share; ) {
                    int batch = Math.min(share - n, 1 + random.nextInt(5));
                    List<ProduceRecord> records = new ArrayList<>();
                    for (int i = 0; i < batch; i++) {
                        records.add(ProduceRecord.of(("k" + random.nextInt(16)).getBytes(StandardCharsets.UTF_8),
                                ("v" + n + i).getBytes(StandardCharsets.UTF_8)));
                    }
                    var offsets = clean.producer().produce(TOPIC, records);
                    for (int i = 0; i < batch; i++) {
                        history.produced.add(new QueueHistory.Produced(offsets.get(i).partition(), offsets.get(i).offset(),
                                new String(records.get(i).key(), StandardCharsets.UTF_8)));
                    }
                    producedCount.addAndGet(batch);
                    operations.incrementAndGet();
                    n += batch;
                }
            }));
        }
        for (int c = 0; c < s.consumers(); c++) {
            Random random = new Random(s.seed() * 131 + c);
            threads.add(start("queue-consumer-" + c, () -> consume(service, random, history,
                    stop, operations, clock)));
        }
        long deadline = System.nanoTime() + s.deadline().toNanos();
        long faultsOff = System.nanoTime() + s.faultyFor().toNanos();
        boolean finished = false;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() > faultsOff) {
                faults.disable();
            }
            if (producedCount.get() == (long) (s.records() / producers) * producers && System.nanoTime() > faultsOff
                    && clean.shares().describe(GROUP).lag() == 0) {
                finished = true;
                break;
            }
            Thread.sleep(100);
        }
        stop.set(true);
        faults.disable();
        for (Thread t : threads) {
            t.join();
        }
        Map<Integer, Long> starts = new HashMap<>();
        clean.shares().describe(GROUP).partitions().forEach(p -> starts.put(p.partition(), p.startOffset()));
        history.finalStartOffsets = starts;
        java.util.Set<Long> pending = new java.util.HashSet<>();
        String groupId = cleanStore.getConfig(GROUP).orElseThrow().groupId();
        java.util.Set<Long> archived = new java.util.HashSet<>();
        cleanStore.partitions(GROUP, groupId).forEach(p -> {
            p.deadLetters().forEach(d -> pending.add(QueueChecker.id(p.partition(), d.offset())));
            for (long o = p.startOffset(); o < p.endOffset(); o++) {
                if (p.stateOf(o) == io.sluice.share.RecordState.ARCHIVED) {
                    archived.add(QueueChecker.id(p.partition(), o));
                }
            }
        });
        history.finalPendingDeadLetters = pending;
        history.finalArchivedInWindow = archived;
        history.deadLetters = deadLetters(clean);
        return new Outcome(history, operations.get(), faults.injected.get(), finished);
    }

    private static void consume(ShareGroupService service, Random random, QueueHistory history, AtomicBoolean stop,
                                AtomicLong operations, Clock clock) {
        while (!stop.get()) {
            long lockMs = 300 + random.nextInt(400);
            List<ShareRecord> records;
            try {
                operations.incrementAndGet();
                records = service.fetch(GROUP, 1 + random.nextInt(5), (long) random.nextInt(200), lockMs);
            } catch (RuntimeException e) {
                continue;
            }
            for (ShareRecord r : records) {
                history.acquired.add(new QueueHistory.Acquired(r.partition(), r.offset(),
                        r.record().key() == null ? null : new String(r.record().key(), StandardCharsets.UTF_8),
                        r.lockToken(), r.lockExpiresAt(), lockMs, r.deliveryCount()));
            }
            for (ShareRecord r : records) {
                int roll = random.nextInt(100);
                if (roll < 8) {
                    continue; // crash: never acknowledged
                }
                if (roll < 14) {
                    sleepUntil(clock, r.lockExpiresAt() + 20); // too slow: the lock has expired
                    ack(service, history, r, AcknowledgeType.ACCEPT, operations, clock);
                    continue;
                }
                if (roll < 22) {
                    ack(service, history, r, AcknowledgeType.RENEW, operations, clock);
                }
                AcknowledgeType type = roll < 34 ? AcknowledgeType.RELEASE : roll < 38 ? AcknowledgeType.REJECT
                        : AcknowledgeType.ACCEPT;
                ack(service, history, r, type, operations, clock);
            }
        }
    }

    private static void ack(ShareGroupService service, QueueHistory history, ShareRecord r, AcknowledgeType type,
                            AtomicLong operations, Clock clock) {
        long sent = clock.millis();
        AckStatus status = null;
        try {
            operations.incrementAndGet();
            status = service.acknowledge(GROUP, List.of(new ShareGroupService.AckBatch(r.topic(), r.partition(),
                    List.of(r.offset()), r.lockToken(), type))).get(0).status();
        } catch (RuntimeException e) {
            // Unknown: the write may or may not have happened.
        }
        history.acks.add(new QueueHistory.Ack(r.partition(), r.offset(), r.lockToken(), type, status, sent,
                clock.millis()));
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.start();
        return thread;
    }

    /** Simulates slow work: waits on the clock until {@code millis} has passed. */
    private static void sleepUntil(Clock clock, long millis) {
        try {
            for (long now = clock.millis(); now < millis; now = clock.millis()) {
                Thread.sleep(millis - now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<QueueHistory.DeadLetter> deadLetters(LogServices log) {
        List<QueueHistory.DeadLetter> result = new ArrayList<>();
        long offset = 0;
        while (true) {
            FetchResult r = log.fetcher().fetch(DLQ, 0, offset, 1 << 20);
            for (FetchedRecord f : r.records()) {
                Map<String, String> h = new HashMap<>();
                for (RecordHeader header : f.record().headers()) {
                    h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
                }
                result.add(new QueueHistory.DeadLetter(h.get(ShareGroupService.HEADER_TOPIC),
                        Integer.parseInt(h.get(ShareGroupService.HEADER_PARTITION)),
                        Long.parseLong(h.get(ShareGroupService.HEADER_OFFSET)),
                        Integer.parseInt(h.get(ShareGroupService.HEADER_DELIVERY_COUNT)),
                        h.get(ShareGroupService.HEADER_REASON)));
            }
            if (r.nextOffset() >= r.highWatermark()) {
                return result;
            }
            offset = r.nextOffset();
        }
    }
}
