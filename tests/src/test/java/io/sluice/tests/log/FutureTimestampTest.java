package io.sluice.tests.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.format.ObjectFormat;
import io.sluice.functions.ProduceHandler;
import io.sluice.functions.TopicsHandler;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.log.Ulid;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.LambdaInvoker;
import io.sluice.tests.support.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, problem 7: a far-future timestamp switched retention off for good. Only negative timestamps
 * were refused, and one record stamped Long.MAX_VALUE kept logStartOffset at 0 on a topic with
 * retentionMs 1000. Records stamped further ahead than the topic's maxTimestampSkewMs (default one hour,
 * Kafka's message.timestamp.after.max.ms) are now refused, and one that got in anyway holds retention
 * back by at most that skew.
 */
class FutureTimestampTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final LogServices log = LogServices.create(objects, metadata, new InMemoryGroupStore(), clock,
            Backoff.NONE);

    private void produceAt(long timestamp) {
        log.producer().produce("t", List.of(new ProduceRecord(null, new byte[] {1}, List.of(), 0, timestamp)));
    }

    @Test
    void aRecordStampedLongMaxValueIsRefusedWithInvalidTimestamp() throws Exception {
        TopicsHandler topics = new TopicsHandler(log);
        ProduceHandler produce = new ProduceHandler(log);
        APIGatewayV2HTTPResponse created = LambdaInvoker.invoke(topics, "POST", "/topics",
                "{\"name\":\"t\",\"partitions\":1}");
        assertThat(JSON.readTree(created.getBody()).path("maxTimestampSkewMs").asLong()).isEqualTo(3_600_000L);

        APIGatewayV2HTTPResponse refused = LambdaInvoker.invoke(produce, "POST", "/topics/t/records",
                "{\"records\":[{\"value\":\"AQ==\",\"partition\":0,\"timestamp\":" + Long.MAX_VALUE + "}]}");
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(400);
        JsonNode error = JSON.readTree(refused.getBody());
        assertThat(error.path("error").asText()).isEqualTo("INVALID_TIMESTAMP");
        assertThat(error.path("maxTimestampSkewMs").asLong()).isEqualTo(3_600_000L);
        assertThat(log.fetcher().latestOffset("t", 0)).as("nothing was written").isZero();

        long now = clock.millis();
        assertThatThrownBy(() -> produceAt(now + 3_600_001L)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TIMESTAMP));
        produceAt(now + 3_600_000L);
        produceAt(1L);
        assertThat(log.fetcher().latestOffset("t", 0)).as("the skew itself and any past time are accepted")
                .isEqualTo(2);
    }

    @Test
    void theSkewIsATopicConfigThatMustNotBeNegative() throws Exception {
        TopicsHandler topics = new TopicsHandler(log);
        APIGatewayV2HTTPResponse bad = LambdaInvoker.invoke(topics, "POST", "/topics",
                "{\"name\":\"neg\",\"partitions\":1,\"maxTimestampSkewMs\":-1}");
        assertThat(bad.getStatusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.getBody()).path("error").asText()).isEqualTo("INVALID_CONFIG");
        log.topics().create(new CreateTopic("t", 1, null, null, null, 1_000L));
        assertThatThrownBy(() -> produceAt(clock.millis() + 1_001L)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TIMESTAMP));
        APIGatewayV2HTTPResponse described = LambdaInvoker.invoke(topics, "GET", "/topics/t", null);
        assertThat(JSON.readTree(described.getBody()).path("maxTimestampSkewMs").asLong()).isEqualTo(1_000L);
    }

    /** A batch stamped Long.MAX_VALUE committed straight through the stores, as one written before the check. */
    private void commitFutureStampedBatch(TopicConfig topic) {
        ObjectFormat.Builder object = new ObjectFormat.Builder();
        ObjectFormat.BatchLocation location = object.addBatch(List.of(new LogRecord(Long.MAX_VALUE, null,
                new byte[] {9}, List.of())));
        String key = "wal/2023/11/14/22/" + Ulid.generate(clock.millis(), new Random(7)) + ".wal";
        objects.putIfAbsent(key, object.build());
        PartitionHead head = metadata.getHead("t", 0).orElseThrow();
        IndexEntry entry = new IndexEntry("t", 0, topic.topicId(), head.nextOffset(), head.nextOffset(), key,
                location.position(), location.length(), location.maxTimestamp(), 0);
        if (head.lastNeedsIndexing()) {
            metadata.putIndexEntryIfAbsent(head.last());
        }
        assertThat(metadata.compareAndSetHead(head.version(), head.append(entry))).isTrue();
    }

    @Test
    void retentionMovesPastAFutureStampedBatchThatGotIn() {
        TopicConfig topic = log.topics().create(new CreateTopic("t", 1, 1_000L, null, null));
        produceAt(clock.millis());
        produceAt(clock.millis());
        clock.advance(1_000);
        commitFutureStampedBatch(topic);
        clock.advance(1_000);
        produceAt(clock.millis());
        produceAt(clock.millis());
        assertThat(log.fetcher().fetch("t", 0, 2, 100).records().get(0).record().timestamp())
                .isEqualTo(Long.MAX_VALUE);

        clock.advance(Duration.ofHours(2).toMillis());
        Maintenance maintenance = new Maintenance(objects, metadata, new TopicCache(metadata, clock, Duration.ZERO),
                clock, Maintenance.Settings.DEFAULT);
        maintenance.run("t");
        assertThat(log.fetcher().earliestOffset("t", 0))
                .as("retention retired the future-stamped batch at offset 2 and went on past it")
                .isGreaterThan(3);
    }

    @Test
    void aSegmentMergedFromAFutureStampedBatchDoesNotHoldRetentionBack() {
        TopicConfig topic = log.topics().create(new CreateTopic("t", 1, 1_000L, null, null));
        produceAt(clock.millis());
        produceAt(clock.millis());
        clock.advance(1_000);
        commitFutureStampedBatch(topic);
        clock.advance(1_000);
        produceAt(clock.millis());
        produceAt(clock.millis());
        // segments close at two entries, so the future-stamped batch is merged with the one after it
        int entryBytes = metadata.getHead("t", 0).orElseThrow().last().byteLength();
        Maintenance maintenance = new Maintenance(objects, metadata, new TopicCache(metadata, clock, Duration.ZERO),
                clock, new Maintenance.Settings(2L * entryBytes - 1, 0));
        maintenance.run("t");
        String id = topic.topicId();
        assertThat(metadata.entriesFrom("t", 0, id, 0, 100)).as("offsets 2-3 are one segment")
                .anyMatch(e -> e.level() == 1 && e.baseOffset() == 2 && e.lastOffset() == 3);

        clock.advance(Duration.ofHours(2).toMillis());
        maintenance.run("t");
        assertThat(log.fetcher().earliestOffset("t", 0))
                .as("retention retired the segment holding the future-stamped batch").isGreaterThan(3);
    }
}
