package io.sluice.tests.client;

import static io.sluice.tests.client.ConsumerSemanticsTest.waitFor;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceHttp;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A randomized run of group consumers through {@link SluiceConsumer}, each behind its own
 * {@link RecordingProxy} that fails 5% of its requests (fetches, heartbeats, commits, lookups) with a
 * 503, while a producer writes and members join, leave, and crash with a batch in hand. A record counts
 * as processed only when the member that polled it calls poll again (or commits) afterwards; a crashed
 * member's batch in hand is not counted. The checker: every produced record is processed at least once
 * (none lost across rebalances); duplicates are counted and printed. The seed is printed to replay the
 * choices (thread timing still varies).
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
        Thread producer = new Thread(() -> {
            for (int i = 0; i < RECORDS; i += 20) {
                StringBuilder body = new StringBuilder("{\"records\":[");
                for (int j = i; j < i + 20; j++) {
                    String value = "r-" + j;
                    body.append(j == i ? "" : ",").append("{\"value\":\"")
                            .append(Base64.getEncoder().encodeToString(value.getBytes(UTF_8)))
                            .append("\",\"partition\":").append(j % PARTITIONS).append('}');
                    produced.add(value);
                }
                HttpApiClient.Response r = api.post("/topics/" + TOPIC + "/records", body.append("]}").toString());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                try {
                    Thread.sleep(40); // pace the producer so churn happens while records flow
                } catch (InterruptedException e) {
                    return;
                }
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
        try {
            waitFor(Duration.ofSeconds(90), () -> processed.keySet().containsAll(produced),
                    "every produced record processed by a live member");
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
            System.out.printf("consumer faults run: seed=%d records=%d processed=%d deliveries=%d duplicates=%d "
                    + "members=%d crashes=%d leaves=%d injected503=%d%n", seed, produced.size(), processed.size(),
                    deliveries.get(), duplicates, created, crashes, leaves, faults.get());
        }
        assertThat(produced).hasSize(RECORDS);
        assertThat(processed.keySet()).as("no record lost (seed %d)", seed).containsAll(produced);
        assertThat(faults.get()).as("faults were injected").isPositive();
    }
}
