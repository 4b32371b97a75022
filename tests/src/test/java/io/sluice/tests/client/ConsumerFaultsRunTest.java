package io.sluice.tests.client;

import static io.sluice.tests.client.ConsumerSemanticsTest.waitFor;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.OutcomeUnknownException;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.tests.support.FaultProxy;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 22's client-driven randomized run over the local stack. An idempotent {@link SluiceProducer} writes
 * behind a {@link FaultProxy} that loses answers after the write and refuses with 503 and 429, while group
 * consumers through {@link SluiceConsumer}, each behind its own {@link RecordingProxy} that fails 5% of its
 * requests (fetches, heartbeats, commits, lookups) with a 503, join, leave, and crash with a batch in hand.
 * A record counts as processed only when the member that polled it calls poll again (or commits)
 * afterwards; a crashed member's batch in hand is not counted. The checker reads the log back: every
 * acknowledged future's record is there exactly once at its acknowledged offset, an outcome-unknown one at
 * most once, any other failed one not at all; then every record in the log is processed at least once (none
 * lost across rebalances), with duplicates counted and printed on the summary line. The seed is printed to
 * replay the choices (thread timing still varies).
 */
@ExtendWith(LocalStackExtension.class)
class ConsumerFaultsRunTest {

    private static final String TOPIC = "faults-run";
    private static final String GROUP = "faults-run-group";
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 2_000;

    private final HttpApiClient api;
    private final long seed = Long.getLong("sluice.consumerRun.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final Set<String> produced = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> processed = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicInteger faults = new AtomicInteger();

    ConsumerFaultsRunTest(HttpApiClient api) {
        this.api = api;
    }

    /** One member on its own thread: poll, process the previous batch, commit now and then. */
    private final class Member implements Runnable {
        final RecordingProxy proxy;
        final SluiceConsumer consumer;
        final AtomicBoolean crash = new AtomicBoolean();
        final AtomicBoolean leave = new AtomicBoolean();
        final boolean autoCommit;
        volatile boolean done;
        final Thread thread;

        Member(int n) throws Exception {
            proxy = new RecordingProxy(api.endpoint());
            proxy.failWhen(s -> {
                boolean fail = random.nextInt(100) < 5;
                if (fail) {
                    faults.incrementAndGet();
                }
                return fail;
            });
            autoCommit = random.nextBoolean();
            consumer = new SluiceConsumer(new SluiceHttp(SluiceHttp.Config.of(proxy.endpoint())),
                    SluiceConsumer.Config.forGroup(GROUP).withSessionTimeoutMs(3_000).withAutoCommit(autoCommit)
                            .withAutoCommitInterval(Duration.ofMillis(300)).withFetchMaxBytes(2_048));
            thread = new Thread(this, "member-" + n);
        }

        @Override
        public void run() {
            try {
                consumer.subscribe(List.of(TOPIC));
                while (true) {
                    List<SluiceConsumer.Record> batch = consumer.poll(Duration.ofMillis(100));
                    if (crash.get()) {
                        proxy.failWhen(s -> true); // dies with the batch in hand: never processed
                        return;
                    }
                    for (SluiceConsumer.Record r : batch) {
                        processed.computeIfAbsent(new String(r.value(), UTF_8), v -> new AtomicInteger()).incrementAndGet();
                        deliveries.incrementAndGet();
                    }
                    if (leave.get()) {
                        closeQuietly();
                        return;
                    }
                    if (!autoCommit && !batch.isEmpty()) {
                        try {
                            consumer.commitSync();
                        } catch (SluiceClientException e) {
                            // fenced or lost: the next owner reads from the last commit
                        }
                    }
                }
            } finally {
                done = true;
            }
        }

        void closeQuietly() {
            try {
                consumer.close();
            } catch (RuntimeException e) {
                // a commit refused on close: at least once still holds
            }
            proxy.close();
        }
    }

    @Test
    void groupConsumersThroughInjectedFaultsAndChurnLoseNoRecord() throws Exception {
        assertThat(api.post("/topics", "{\"name\":\"" + TOPIC + "\",\"partitions\":" + PARTITIONS + "}").status())
                .isEqualTo(201);
        List<Member> members = new ArrayList<>();
        int created = 0;
        for (; created < 3; created++) {
            Member m = new Member(created);
            members.add(m);
            m.thread.start();
        }
        // Idempotent producers through SluiceProducer, behind a proxy that loses answers after the write
        // and refuses with 503 and 429: what they acknowledge must be in the log exactly once.
        FaultProxy producerProxy = new FaultProxy(api.endpoint());
        producerProxy.rule(r -> {
            if (!r.isProduce()) {
                return FaultProxy.PASS;
            }
            int roll;
            synchronized (random) {
                roll = random.nextInt(100);
            }
            if (roll < 5) {
                faults.incrementAndGet();
                return new FaultProxy.LoseAnswer(503, "{\"error\":\"UNAVAILABLE\",\"message\":\"lost\"}");
            }
            if (roll < 8) {
                faults.incrementAndGet();
                return roll < 7 ? new FaultProxy.Refuse(503, "{\"error\":\"THROTTLED\",\"message\":\"t\"}")
                        : new FaultProxy.Refuse(429, "{\"message\":\"Too Many Requests\"}");
            }
            return FaultProxy.PASS;
        });
        SluiceProducer sdkProducer = new SluiceProducer(new SluiceHttp(SluiceHttp.Config.of(producerProxy.endpoint())),
                SluiceProducer.Config.defaults().withLinger(Duration.ofMillis(2)).withRetryBackoff(Duration.ofMillis(10))
                        .withDeliveryTimeout(Duration.ofSeconds(20)));
        Map<String, CompletableFuture<SluiceProducer.Metadata>> sent = new ConcurrentHashMap<>();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < RECORDS; i += 20) {
                for (int j = i; j < i + 20; j++) {
                    String value = "r-" + j;
                    produced.add(value);
                    sent.put(value, sdkProducer.send(new SluiceProducer.Record(TOPIC, null, value.getBytes(UTF_8),
                            Map.of(), j % PARTITIONS, null)));
                }
                try {
                    Thread.sleep(40); // pace the producer so churn happens while records flow
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                sdkProducer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "producer");
        producer.start();

        int crashes = 0;
        int leaves = 0;
        long churnUntil = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < churnUntil) {
            Thread.sleep(1_000 + random.nextInt(1_000)); // paces the churn, not a wait for a condition
            List<Member> live = members.stream().filter(m -> !m.done && !m.crash.get() && !m.leave.get()).toList();
            int action = random.nextInt(3);
            if (action == 0 && live.size() > 1) {
                live.get(random.nextInt(live.size())).crash.set(true);
                crashes++;
            } else if (action == 1 && live.size() > 1) {
                live.get(random.nextInt(live.size())).leave.set(true);
                leaves++;
            } else {
                Member m = new Member(created++);
                members.add(m);
                m.thread.start();
            }
        }
        producer.join();
        if (members.stream().noneMatch(m -> !m.done && !m.crash.get() && !m.leave.get())) {
            Member m = new Member(created++);
            members.add(m);
            m.thread.start();
        }
        // What the log holds: every acknowledged record exactly once at its offset; outcome-unknown ones at
        // most once; nothing else. The consumers must then process everything the log holds.
        SluiceHttp direct = new SluiceHttp(SluiceHttp.Config.of(api.endpoint()));
        Map<String, Integer> occurrences = new HashMap<>();
        List<List<String>> logs = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<String> log = ProducerRandomizedRunTest.readAll(direct, TOPIC, p);
            logs.add(log);
            log.forEach(v -> occurrences.merge(v, 1, Integer::sum));
        }
        List<String> violations = new ArrayList<>();
        int acknowledged = 0;
        for (Map.Entry<String, CompletableFuture<SluiceProducer.Metadata>> e : sent.entrySet()) {
            int times = occurrences.getOrDefault(e.getKey(), 0);
            try {
                SluiceProducer.Metadata m = e.getValue().get(0, TimeUnit.SECONDS);
                acknowledged++;
                List<String> log = logs.get(m.partition());
                if (times != 1 || m.offset() >= log.size() || !log.get((int) m.offset()).equals(e.getKey())) {
                    violations.add("acknowledged " + e.getKey() + " at " + m + ", in the log " + times + " time(s)");
                }
            } catch (java.util.concurrent.ExecutionException failed) {
                if (times > (failed.getCause() instanceof OutcomeUnknownException ? 1 : 0)) {
                    violations.add("failed (" + failed.getCause() + ") " + e.getKey() + " is in the log " + times
                            + " time(s)");
                }
            }
        }
        Set<String> written = occurrences.keySet();
        try {
            waitFor(Duration.ofSeconds(90), () -> processed.keySet().containsAll(written),
                    "every record in the log processed by a live member");
        } finally {
            for (Member m : members) {
                if (!m.done) {
                    m.leave.set(true);
                }
            }
            for (Member m : members) {
                m.thread.join(30_000);
                if (m.crash.get()) {
                    m.closeQuietly();
                }
            }
            long duplicates = deliveries.get() - processed.size();
            System.out.printf("client run: seed=%d records=%d acknowledged=%d written=%d processed=%d deliveries=%d "
                    + "duplicates=%d members=%d crashes=%d leaves=%d faults=%d violations=%d%n", seed, produced.size(),
                    acknowledged, written.size(), processed.size(), deliveries.get(), duplicates, created, crashes,
                    leaves, faults.get(), violations.size());
            producerProxy.close();
        }
        assertThat(produced).hasSize(RECORDS);
        assertThat(violations).as("the log against what the producer acknowledged (seed %d)", seed).isEmpty();
        assertThat(acknowledged).as("records get through").isGreaterThan(RECORDS / 2);
        assertThat(processed.keySet()).as("no record lost across rebalances (seed %d)", seed).containsAll(written);
        assertThat(faults.get()).as("faults were injected").isPositive();
    }
}
