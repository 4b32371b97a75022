package io.sluice.tests.emulated;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.format.LogRecord;
import io.sluice.format.RecordHeader;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.LogChecker;
import io.sluice.tests.support.RequestCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 8 producers, each with its own service instance (as 8 Lambda containers would be), append 2,000
 * records each to one partition through s3proxy and dynalite. Every acknowledged record must read back
 * at exactly its offset, and the offsets must be exactly 0..N-1.
 */
@ExtendWith(EmbeddedBackends.class)
class ConcurrentProducersTest {

    private static final int PRODUCERS = 8;
    private static final int RECORDS_PER_PRODUCER = 2_000;
    private static final int RECORDS_PER_CALL = 25;

    @Test
    void everyAcknowledgedRecordIsAtItsOffsetAndOffsetsAreDense(Backends backends) throws Exception {
        RequestCounter counter = new RequestCounter();
        Backends.Stack stack = backends.fresh(counter);
        LogServices admin = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        admin.topics().create(new CreateTopic("contended", 1, null, null, null));

        Map<RecordOffset, LogRecord> acked = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
        try {
            List<Future<?>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                LogServices own = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
                producers.add(pool.submit(() -> {
                    for (int call = 0; call < RECORDS_PER_PRODUCER / RECORDS_PER_CALL; call++) {
                        List<ProduceRecord> records = new ArrayList<>();
                        for (int i = 0; i < RECORDS_PER_CALL; i++) {
                            int seq = call * RECORDS_PER_CALL + i;
                            records.add(new ProduceRecord(("p" + producer).getBytes(UTF_8),
                                    ("p" + producer + "-" + seq).getBytes(UTF_8),
                                    List.of(new RecordHeader("seq", Integer.toString(seq).getBytes(UTF_8))),
                                    0, 1_700_000_000_000L + seq));
                        }
                        List<RecordOffset> offsets = own.producer().produce("contended", records);
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
            for (Future<?> producer : producers) {
                producer.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        int total = PRODUCERS * RECORDS_PER_PRODUCER;
        long commits = (long) PRODUCERS * (RECORDS_PER_PRODUCER / RECORDS_PER_CALL);
        long headUpdates = counter.count("DynamoDb:UpdateItem");
        System.out.printf("concurrent produce: producers=%d records=%d calls=%d headUpdates=%d lostRaces=%d "
                + "retriesPerCommit=%.2f%n", PRODUCERS, total, commits, headUpdates, headUpdates - commits,
                (headUpdates - commits) / (double) commits);
        assertThat(headUpdates).as("every call commits once, after any lost races").isGreaterThanOrEqualTo(commits);
        assertThat(acked).hasSize(total);
        assertThat(acked.keySet()).extracting(RecordOffset::offset)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(0, total).boxed().toList());

        LogChecker checker = new LogChecker(admin.fetcher(), stack.metadata());
        assertThat(checker.check("contended", 1, acked)).isEmpty();

        List<FetchedRecord> log = checker.readAll("contended", 0, 1 << 20);
        assertThat(log).hasSize(total);
        int[] lastSeq = new int[PRODUCERS];
        java.util.Arrays.fill(lastSeq, -1);
        for (FetchedRecord record : log) {
            int producer = Integer.parseInt(new String(record.record().key(), UTF_8).substring(1));
            int seq = Integer.parseInt(new String(record.record().headers().get(0).value(), UTF_8));
            assertThat(seq).as("producer %d keeps its order", producer).isEqualTo(lastSeq[producer] + 1);
            lastSeq[producer] = seq;
        }
    }
}
