package io.sluice.tests.emulated;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.RequestCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Requests per call, counted by an SDK {@code ExecutionInterceptor} on the real clients. */
@ExtendWith(EmbeddedBackends.class)
class RequestCountTest {

    private static final String[] DYNAMO_READS = {"GetItem", "Query", "BatchGetItem", "Scan"};
    private static final String[] DYNAMO_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"};
    private static final int K = 3;

    private final RequestCounter counter = new RequestCounter();
    private LogServices log;

    @BeforeEach
    void setUp(Backends backends) {
        Backends.Stack stack = backends.fresh(counter);
        log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        log.topics().create(new CreateTopic("t", 8, null, null, null));
    }

    private void produceToFirstPartitions(int k, int call) {
        List<ProduceRecord> records = new ArrayList<>();
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < 3; i++) {
                records.add(new ProduceRecord(null, ("c" + call + "p" + p + "i" + i).getBytes(UTF_8), List.of(), p, null));
            }
        }
        log.producer().produce("t", records);
    }

    @Test
    void uncontendedProduceOverKPartitionsMakesOnePutAtMostKReadsAndTwoKWrites() {
        produceToFirstPartitions(K, 0);
        produceToFirstPartitions(K, 1);
        counter.reset();

        produceToFirstPartitions(K, 2);

        assertThat(counter.count("S3:PutObject")).isEqualTo(1);
        assertThat(counter.count("S3", "GetObject", "HeadObject", "ListObjectsV2", "DeleteObject")).isZero();
        assertThat(counter.count("DynamoDb", DYNAMO_READS)).isLessThanOrEqualTo(K);
        assertThat(counter.count("DynamoDb", DYNAMO_WRITES)).isLessThanOrEqualTo(2L * K);
        assertThat(counter.total()).as(counter.snapshot().toString())
                .isEqualTo(counter.count("S3:PutObject") + counter.count("DynamoDb", DYNAMO_READS)
                        + counter.count("DynamoDb", DYNAMO_WRITES));
    }

    @Test
    void firstProduceToNewPartitionsStaysWithinTheSameBudget() {
        log.fetcher().latestOffset("t", 0);
        counter.reset();
        produceToFirstPartitions(K, 0);
        assertThat(counter.count("S3:PutObject")).isEqualTo(1);
        assertThat(counter.count("DynamoDb", DYNAMO_READS)).isLessThanOrEqualTo(K);
        assertThat(counter.count("DynamoDb", DYNAMO_WRITES)).isLessThanOrEqualTo(2L * K);
    }

    @Test
    void fetchWithinOneEntryMakesOneHeadReadAtMostOneQueryAndOneGet() {
        produceToFirstPartitions(1, 0);
        produceToFirstPartitions(1, 1);
        produceToFirstPartitions(1, 2);

        counter.reset();
        int twoRecords = "c0p0i1".length() * 2;
        assertThat(log.fetcher().fetch("t", 0, 1, twoRecords).records()).hasSize(2);
        assertThat(counter.count("DynamoDb:GetItem")).isEqualTo(1);
        assertThat(counter.count("DynamoDb:Query")).isLessThanOrEqualTo(1);
        assertThat(counter.count("S3:GetObject")).isEqualTo(1);
        assertThat(counter.total()).as(counter.snapshot().toString()).isLessThanOrEqualTo(3);

        counter.reset();
        assertThat(log.fetcher().fetch("t", 0, 7, 1 << 20).records()).hasSize(2);
        assertThat(counter.snapshot()).as("the head's last entry needs no Query")
                .containsOnlyKeys("DynamoDb:GetItem", "S3:GetObject");
        assertThat(counter.total()).isEqualTo(2);
    }
}
