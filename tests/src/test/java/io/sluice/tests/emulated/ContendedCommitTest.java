package io.sluice.tests.emulated;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.LogServices;
import io.sluice.format.LogRecord;
import io.sluice.format.RecordHeader;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.log.ProduceRecord;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.LogChecker;
import io.sluice.tests.support.RequestCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contention path of a commit, raced for real: 16 producers, each its own service instance (16 Lambda
 * containers), start together and append to one partition of a compressed topic through s3proxy and
 * dynalite, with the adaptive backoff that ships. After their first lost race each instance checks the head
 * with a read before every conditional write; the test asserts that this path ran, and that the whole log
 * holds every acknowledged record exactly once, at its acknowledged offset, offsets dense, and each
 * producer's records in the order it sent them.
 */
@ExtendWith(EmbeddedBackends.class)
class ContendedCommitTest {

    private static final int PRODUCERS = 16;
    private static final int CALLS = 30;
    private static final int RECORDS_PER_CALL = 8;

    @Test
    void racingProducersLoseNothingDuplicateNothingAndKeepTheirOrder(Backends backends) throws Exception {
        RequestCounter counter = new RequestCounter();
        java.util.concurrent.atomic.AtomicLong headReads = new java.util.concurrent.atomic.AtomicLong();
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor headReadCounter =
                new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                                software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                        if (context.request() instanceof software.amazon.awssdk.services.dynamodb.model.GetItemRequest get
                                && "HEAD".equals(get.key().get("sk").s())) {
                            headReads.incrementAndGet();
                        }
                    }
                };
        Backends.Stack stack = backends.fresh(counter, headReadCounter);
        LogServices admin = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        admin.topics().create(new CreateTopic("hot", 1, null, null, null, null, "lz4"));
        counter.reset();
        headReads.set(0);

        Map<RecordOffset, LogRecord> acked = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
        try {
            List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                LogServices own = LogServices.create(stack.objects(), stack.metadata(), stack.groups(),
                        Clock.systemUTC(), Backoff.adaptiveJitter(5, 500));
                producers.add(pool.submit(() -> {
                    start.await();
                    for (int call = 0; call < CALLS; call++) {
                        List<ProduceRecord> records = new ArrayList<>();
                        for (int i = 0; i < RECORDS_PER_CALL; i++) {
                            int seq = call * RECORDS_PER_CALL + i;
                            records.add(new ProduceRecord(("p" + producer).getBytes(UTF_8),
                                    ("{\"producer\":" + producer + ",\"seq\":" + seq + "}").getBytes(UTF_8),
                                    List.of(new RecordHeader("seq", Integer.toString(seq).getBytes(UTF_8))),
                                    0, 1_700_000_000_000L + seq));
                        }
                        List<RecordOffset> offsets = own.producer().produce("hot", records);
                        for (int i = 0; i < records.size(); i++) {
                            ProduceRecord r = records.get(i);
                            LogRecord previous = acked.put(offsets.get(i),
                                    new LogRecord(r.timestamp(), r.key(), r.value(), r.headers()));
                            assertThat(previous).as("offset %s acknowledged twice", offsets.get(i)).isNull();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> producer : producers) {
                producer.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        long commits = (long) PRODUCERS * CALLS;
        long lost = counter.count("DynamoDb:UpdateItem") - commits;
        long reads = headReads.get();
        // Without the check every attempt reads the head once: commits + lost races. More reads are checks.
        assertThat(lost).as("the producers raced").isPositive();
        assertThat(reads).as("head checks before conditional writes").isGreaterThan(commits + lost);

        int total = PRODUCERS * CALLS * RECORDS_PER_CALL;
        assertThat(acked).hasSize(total);
        assertThat(acked.keySet()).extracting(RecordOffset::offset)
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, total).boxed().toList());
        LogChecker checker = new LogChecker(admin.fetcher(), stack.metadata());
        assertThat(checker.check("hot", 1, acked)).isEmpty();
        List<FetchedRecord> log = checker.readAll("hot", 0, 1 << 20);
        assertThat(log).hasSize(total);
        int[] lastSeq = new int[PRODUCERS];
        Arrays.fill(lastSeq, -1);
        for (FetchedRecord record : log) {
            assertThat(record.record()).isEqualTo(acked.get(new RecordOffset(0, record.offset())));
            int producer = Integer.parseInt(new String(record.record().key(), UTF_8).substring(1));
            int seq = Integer.parseInt(new String(record.record().headers().get(0).value(), UTF_8));
            assertThat(seq).as("producer %d keeps its order", producer).isEqualTo(lastSeq[producer] + 1);
            lastSeq[producer] = seq;
        }
        assertThat(lastSeq).containsOnly(CALLS * RECORDS_PER_CALL - 1);
    }
}
