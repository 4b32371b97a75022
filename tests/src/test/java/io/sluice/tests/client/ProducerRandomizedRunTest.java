package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.OutcomeUnknownException;
import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.client.wire.Wire;
import io.sluice.tests.support.FaultProxy;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A seeded randomized run of idempotent producers through {@code SluiceProducer} over the local stack,
 * behind a {@link FaultProxy} that loses answers after the write, refuses with 503 and 429, hangs past
 * the delivery timeout before or after the write, forgets producers (UNKNOWN_PRODUCER) and delays. The checker reads every
 * partition back and proves: an acknowledged record is in the log exactly once, with its value, at its
 * acknowledged offset; a record failed with an unknown outcome is there at most once; any other failure
 * is not there; each producer's records on a partition are in send order. It prints one summary line.
 * The producer half of issue 22's client-driven run (the consumer half is not here).
 */
@ExtendWith(LocalStackExtension.class)
class ProducerRandomizedRunTest {

    private static final int PRODUCERS = 3;
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_PRODUCER = 600;

    private final HttpApiClient api;

    ProducerRandomizedRunTest(HttpApiClient api) {
        this.api = api;
    }

    private record Sent(String value, int producer, int partition, CompletableFuture<SluiceProducer.Metadata> future) {
    }

    @Test
    void everyAcknowledgedRecordIsInTheLogOnceAndNoFailedOneIsWritten() throws Exception {
        long seed = Long.getLong("sluice.producer.seed", System.nanoTime());
        Random random = new Random(seed);
        SluiceHttp direct = new SluiceHttp(SluiceHttp.Config.of(api.endpoint()));
        List<String> topics = List.of("rand-a-" + seed % 100_000, "rand-b-" + seed % 100_000);
        for (String topic : topics) {
            new SluiceAdmin(direct).createTopic(topic, PARTITIONS, null, null, null);
        }
        Map<String, Integer> faults = new HashMap<>();
        try (FaultProxy proxy = new FaultProxy(api.endpoint())) {
            proxy.rule(r -> {
                if (!r.isProduce()) {
                    return FaultProxy.PASS;
                }
                FaultProxy.Fault fault;
                synchronized (random) {
                    int roll = random.nextInt(100);
                    fault = roll < 8 ? new FaultProxy.LoseAnswer(503, "{\"error\":\"UNAVAILABLE\",\"message\":\"lost\"}")
                            : roll < 14 ? new FaultProxy.Refuse(503, "{\"error\":\"THROTTLED\",\"message\":\"t\"}")
                            : roll < 18 ? new FaultProxy.Refuse(429, "{\"message\":\"Too Many Requests\"}")
                            : roll < 19 ? new FaultProxy.Hang(Duration.ofMillis(5_500), 504,
                            "{\"message\":\"Endpoint request timed out\"}")
                            : roll < 20 ? new FaultProxy.WriteThenHang(Duration.ofMillis(5_500), 504,
                            "{\"message\":\"Endpoint request timed out\"}")
                            : roll < 22 ? new FaultProxy.Refuse(409,
                            "{\"error\":\"UNKNOWN_PRODUCER\",\"message\":\"forgotten\"}")
                            : roll < 30 ? new FaultProxy.Delay(Duration.ofMillis(random.nextInt(50)))
                            : FaultProxy.PASS;
                    faults.merge(fault.getClass().getSimpleName(), 1, Integer::sum);
                }
                return fault;
            });
            SluiceHttp http = new SluiceHttp(SluiceHttp.Config.of(proxy.endpoint()));
            List<SluiceProducer> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(new SluiceProducer(http, SluiceProducer.Config.defaults()
                        .withLinger(Duration.ofMillis(2)).withBatchBytes(600).withRetryBackoff(Duration.ofMillis(10))
                        .withDeliveryTimeout(Duration.ofSeconds(5)).withIdempotence(true, p % 2 == 0 ? "rand-" + p : null)));
            }
            long started = System.nanoTime();
            List<Sent> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_PRODUCER; i++) {
                for (int p = 0; p < PRODUCERS; p++) {
                    String topic = topics.get(i % topics.size());
                    int partition = (i / topics.size() + p) % PARTITIONS;
                    String value = topic + "|" + p + "|" + String.format("%06d", i);
                    sent.add(new Sent(value, p, partition, producers.get(p).send(new SluiceProducer.Record(topic,
                            null, value.getBytes(UTF_8), Map.of(), partition, null))));
                }
                Thread.sleep(random.nextInt(5)); // paced, so the run is not one burst against a 5 s delivery timeout
            }
            for (SluiceProducer producer : producers) {
                producer.close();
            }
            long runMs = (System.nanoTime() - started) / 1_000_000;

            Map<String, List<String>> logs = new HashMap<>();
            for (String topic : topics) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    logs.put(topic + "/" + partition, readAll(direct, topic, partition));
                }
            }
            Map<String, Integer> occurrences = new HashMap<>();
            logs.values().forEach(log -> log.forEach(v -> occurrences.merge(v, 1, Integer::sum)));
            int acknowledged = 0;
            int unknown = 0;
            int unknownWritten = 0;
            int failed = 0;
            List<String> violations = new ArrayList<>();
            for (Sent s : sent) {
                String topic = s.value().substring(0, s.value().indexOf('|'));
                int times = occurrences.getOrDefault(s.value(), 0);
                try {
                    SluiceProducer.Metadata m = s.future().get(0, TimeUnit.SECONDS);
                    acknowledged++;
                    List<String> log = logs.get(topic + "/" + m.partition());
                    if (times != 1 || m.partition() != s.partition() || m.offset() >= log.size()
                            || !log.get((int) m.offset()).equals(s.value())) {
                        violations.add("acknowledged " + s.value() + " at " + m + ", in the log " + times + " time(s)");
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof OutcomeUnknownException) {
                        unknown++;
                        unknownWritten += times;
                        if (times > 1) {
                            violations.add("outcome-unknown " + s.value() + " in the log " + times + " times");
                        }
                    } else {
                        failed++;
                        if (times != 0) {
                            violations.add("failed (" + e.getCause() + ") " + s.value() + " is in the log");
                        }
                    }
                }
            }
            occurrences.forEach((v, n) -> {
                if (n > 1) {
                    violations.add(v + " is in the log " + n + " times");
                }
            });
            logs.forEach((where, log) -> {
                Map<String, String> last = new HashMap<>();
                for (String v : log) {
                    String producer = v.substring(0, v.lastIndexOf('|'));
                    String previous = last.put(producer, v);
                    if (previous != null && previous.compareTo(v) > 0) {
                        violations.add(where + ": " + v + " after " + previous);
                    }
                }
            });
            System.out.printf("producer run: seed=%d records=%d acknowledged=%d unknown=%d (in the log: %d) failed=%d"
                            + " faults=%s inits=%d violations=%d in %d ms%n", seed, sent.size(), acknowledged, unknown,
                    unknownWritten, failed, faults, proxy.count(FaultProxy.Request::isInit), violations.size(), runMs);
            assertThat(violations).as("seed " + seed).isEmpty();
            assertThat(acknowledged).as("records get through").isGreaterThan(sent.size() / 4);
        } catch (CompletionException e) {
            throw new AssertionError("seed " + seed, e);
        }
    }

    /** Every value of a partition, in offset order (so a value's index is its offset on a log never retired). */
    static List<String> readAll(SluiceHttp http, String topic, int partition) {
        List<String> values = new ArrayList<>();
        long offset = 0;
        while (true) {
            Wire.FetchResponse page = http.get("/topics/" + topic + "/partitions/" + partition + "/records?offset="
                    + offset, Wire.FetchResponse.class);
            page.records().forEach(r -> values.add(new String(Base64.getDecoder().decode(r.value()), UTF_8)));
            if (page.nextOffset() >= page.highWatermark() || page.records().isEmpty()) {
                return values;
            }
            offset = page.nextOffset();
        }
    }
}
