package io.sluice.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.share.AcknowledgeType;
import io.sluice.share.ShareGroupService;
import io.sluice.share.ShareGroupService.ShareRecord;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.RequestCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Queues on the log (issue 18): records per second and requests per record with 1, 4 and 16 consumers on
 * 1 and 16 partitions, and dollars per million messages next to SQS standard. Off by default; run with
 * {@code -Dtest=QueueBenchmarkTest -Dsluice.bench.queue=true}. Emulators, not AWS: request counts carry
 * over, rates do not.
 */
@ExtendWith(EmbeddedBackends.class)
@EnabledIfSystemProperty(named = "sluice.bench.queue", matches = "true")
class QueueBenchmarkTest {

    private static final int RECORDS = 480;
    private static final int PRODUCE_BATCH = 10;
    private static final int FETCH_RECORDS = 10;
    /** SQS standard: a send, a receive and a delete per message, unbatched, at $0.40 per million requests. */
    private static final double SQS_PER_MILLION = 3 * Pricing.SQS_PER_REQUEST * 1_000_000;

    @Test
    void recordsPerSecondRequestsPerRecordAndDollarsPerMillion(Backends backends) throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add("| partitions | consumers | records/s | API calls/record (fetch+ack) | DynamoDB reads/record"
                + " | DynamoDB writes/record | S3 GETs/record | $/M messages (send+receive+ack) | SQS standard $/M |");
        rows.add("|---|---|---|---|---|---|---|---|---|");
        for (int partitions : new int[] {1, 16}) {
            for (int consumers : new int[] {1, 4, 16}) {
                rows.add(run(backends, partitions, consumers));
            }
        }
        rows.forEach(System.out::println);
        assertThat(rows).hasSize(8);
    }

    private String run(Backends backends, int partitions, int consumers) throws Exception {
        RequestCounter counter = new RequestCounter();
        Backends.Stack stack = backends.fresh(counter);
        LogServices log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC(),
                Backoff.exponentialJitter(2, 50));
        log.topics().create(new CreateTopic("bench", partitions, null, null, null));
        log.shares().configure("bench-q", new ShareGroupService.ConfigRequest(List.of("bench"), null, 30_000L, null,
                null, null));
        counter.reset();
        byte[] value = new byte[100];
        for (int i = 0; i < RECORDS; i += PRODUCE_BATCH) {
            List<ProduceRecord> batch = new ArrayList<>();
            for (int k = 0; k < PRODUCE_BATCH; k++) {
                batch.add(new ProduceRecord(null, value, List.of(), (i + k) % partitions, null));
            }
            log.producer().produce("bench", batch);
        }
        Map<String, Long> produced = counter.snapshot();
        counter.reset();
        AtomicLong accepted = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            Thread t = new Thread(() -> {
                while (accepted.get() < RECORDS) {
                    calls.incrementAndGet();
                    List<ShareRecord> records = log.shares().fetch("bench-q", FETCH_RECORDS, 100L, null);
                    if (records.isEmpty()) {
                        continue;
                    }
                    Map<String, ShareGroupService.AckBatch> acks = new LinkedHashMap<>();
                    for (ShareRecord r : records) {
                        acks.computeIfAbsent(r.partition() + "", p -> new ShareGroupService.AckBatch(r.topic(),
                                r.partition(), new ArrayList<>(), r.lockToken(), AcknowledgeType.ACCEPT))
                                .offsets().add(r.offset());
                    }
                    calls.incrementAndGet();
                    log.shares().acknowledge("bench-q", new ArrayList<>(acks.values()));
                    accepted.addAndGet(records.size());
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> consumed = counter.snapshot();
        double reads = (sum(consumed, "DynamoDb:GetItem", "DynamoDb:Query") + 0.0) / RECORDS;
        double writes = (sum(consumed, "DynamoDb:PutItem", "DynamoDb:UpdateItem", "DynamoDb:DeleteItem") + 0.0) / RECORDS;
        double gets = (sum(consumed, "S3:GetObject") + 0.0) / RECORDS;
        double apiCalls = calls.get() / (double) RECORDS;
        double invocation = Pricing.LAMBDA_REQUEST + Pricing.ASSUMED_GB_SECONDS_PER_INVOCATION * Pricing.LAMBDA_GB_SECOND
                + Pricing.HTTP_API_REQUEST;
        // Items here are under 1 KB and 4 KB: one write unit per write, one read unit per consistent read.
        double consume = apiCalls * invocation + reads * Pricing.DYNAMO_READ_UNIT + writes * Pricing.DYNAMO_WRITE_UNIT
                + gets * Pricing.S3_GET;
        double send = (1.0 / PRODUCE_BATCH) * invocation
                + sum(produced, "S3:PutObject") * Pricing.S3_PUT / RECORDS
                + sum(produced, "DynamoDb:GetItem", "DynamoDb:Query") * Pricing.DYNAMO_READ_UNIT / RECORDS
                + sum(produced, "DynamoDb:PutItem", "DynamoDb:UpdateItem") * Pricing.DYNAMO_WRITE_UNIT / RECORDS;
        return String.format("| %d | %d | %.0f | %.3f | %.2f | %.2f | %.3f | %.2f | %.2f |", partitions, consumers,
                RECORDS / seconds, apiCalls, reads, writes, gets, (consume + send) * 1_000_000, SQS_PER_MILLION);
    }

    private static long sum(Map<String, Long> counts, String... names) {
        long total = 0;
        for (String n : names) {
            total += counts.getOrDefault(n, 0L);
        }
        return total;
    }
}
