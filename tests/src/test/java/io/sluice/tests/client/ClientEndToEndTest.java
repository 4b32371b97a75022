package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.client.cli.SluiceCli;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SDK end to end against the local stack: 100,000 records produced, consumed by a group of three
 * with manual commit after processing, every record at least once across the three (the README's
 * promise: a rebalance may deliver a record twice, never lose one; duplicates are counted); then the CLI
 * prints back what was produced.
 */
@ExtendWith(LocalStackExtension.class)
class ClientEndToEndTest {

    private static final String TOPIC = "sdk-e2e";
    private static final int PARTITIONS = 6;
    private static final int RECORDS = 100_000;

    private final SluiceHttp http;

    ClientEndToEndTest(HttpApiClient api) {
        this.http = new SluiceHttp(SluiceHttp.Config.of(api.endpoint()));
    }

    @Test
    void aHundredThousandRecordsThroughTheSdkAndAGroupOfThreeAtLeastOnce() throws Exception {
        new SluiceAdmin(http).createTopic(TOPIC, PARTITIONS, null, null, null);
        List<SluiceConsumer> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SluiceConsumer consumer = new SluiceConsumer(http,
                    SluiceConsumer.Config.forGroup("sdk-group").withAutoCommit(false).withSessionTimeoutMs(3_000));
            consumer.subscribe(List.of(TOPIC));
            consumers.add(consumer);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (!balanced(consumers) && System.currentTimeMillis() < deadline) {
            // Assignments are applied by poll, as in Kafka; nothing is produced yet.
            for (SluiceConsumer consumer : consumers) {
                assertThat(consumer.poll(Duration.ofMillis(50))).isEmpty();
            }
        }
        assertThat(balanced(consumers)).as("three members, two partitions each").isTrue();

        long started = System.currentTimeMillis();
        List<CompletableFuture<SluiceProducer.Metadata>> sent = new ArrayList<>(RECORDS);
        try (SluiceProducer producer = new SluiceProducer(http, SluiceProducer.Config.defaults())) {
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(SluiceProducer.Record.of(TOPIC, ("k" + i).getBytes(UTF_8),
                        ("value-" + i).getBytes(UTF_8))));
            }
        }
        Set<String> offsets = new HashSet<>();
        for (CompletableFuture<SluiceProducer.Metadata> f : sent) {
            SluiceProducer.Metadata m = f.get(1, TimeUnit.MINUTES);
            assertThat(offsets.add(m.partition() + "@" + m.offset())).isTrue();
        }
        long produced = System.currentTimeMillis();

        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (SluiceConsumer consumer : consumers) {
                results.add(pool.submit(() -> {
                    int mine = 0;
                    long until = System.currentTimeMillis() + 240_000;
                    while (seen.size() < RECORDS && System.currentTimeMillis() < until) {
                        List<SluiceConsumer.Record> records = consumer.poll(Duration.ofMillis(200));
                        for (SluiceConsumer.Record r : records) {
                            seen.computeIfAbsent(new String(r.value(), UTF_8), v -> new AtomicInteger()).incrementAndGet();
                        }
                        consumer.commitSync();
                        mine += records.size();
                        total.addAndGet(records.size());
                    }
                    return mine;
                }));
            }
            List<Integer> perConsumer = new ArrayList<>();
            for (Future<Integer> r : results) {
                perConsumer.add(r.get(5, TimeUnit.MINUTES));
            }
            System.out.printf("sdk end to end: produced %d records in %.1f s, consumed by 3 members %s in %.1f s, "
                    + "%d delivered twice or more%n", RECORDS, (produced - started) / 1000.0, perConsumer,
                    (System.currentTimeMillis() - produced) / 1000.0, total.get() - seen.size());
            assertThat(perConsumer).allMatch(n -> n > 0);
        } finally {
            pool.shutdownNow();
            consumers.forEach(SluiceConsumer::close);
        }
        assertThat(seen).as("no record lost").hasSize(RECORDS);
        assertThat(seen.values()).allMatch(n -> n.get() >= 1);
        assertThat(total.get()).as("deliveries, duplicates included").isGreaterThanOrEqualTo(RECORDS);
        new SluiceAdmin(http).describeGroup("sdk-group").offsets()
                .forEach(o -> assertThat(o.lag()).as("committed up to the end").isZero());

        Set<String> printed = cliConsume("consume", TOPIC, "--from-beginning", "--count", Integer.toString(RECORDS),
                "-e", http.config().endpoint().toString());
        assertThat(printed).hasSize(RECORDS).contains("value-0", "value-" + (RECORDS - 1));
    }

    private static boolean balanced(List<SluiceConsumer> consumers) {
        Set<SluiceConsumer.TopicPartition> all = new HashSet<>();
        for (SluiceConsumer c : consumers) {
            if (c.assignment().size() != 2) {
                return false;
            }
            all.addAll(c.assignment());
        }
        return all.size() == PARTITIONS;
    }

    private static Set<String> cliConsume(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, UTF_8));
            exit = SluiceCli.run(args);
        } finally {
            System.setOut(original);
        }
        assertThat(exit).isZero();
        return new HashSet<>(List.of(captured.toString(UTF_8).split("\n")));
    }
}
