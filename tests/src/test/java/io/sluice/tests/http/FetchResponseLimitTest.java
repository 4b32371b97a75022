package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.api.ResponseSize;
import io.sluice.format.RecordHeader;
import io.sluice.functions.FetchHandler;
import io.sluice.functions.ProduceHandler;
import io.sluice.functions.TopicsHandler;
import io.sluice.LogServices;
import io.sluice.tests.support.LambdaInvoker;
import io.sluice.tests.support.Stores;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 15, problem 2: one producer could make a partition unreadable. Fetch counted only key, value and
 * header bytes against {@code maxBytes}, so records the produce route accepts (empty values with many
 * headers) made a fetch with {@code maxBytes=1} answer a 9.7 MB Lambda response, which Lambda refuses
 * (6,291,456 bytes), and every consumer of the partition stayed stuck. Here each partition is filled with
 * the worst records produce accepts, and every fetch, with every relevant {@code maxBytes}, must return
 * at least one record in a Lambda response that fits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetchResponseLimitTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final int MAX_RECORD = 4 << 20;
    private static final List<Long> MAX_BYTES = List.of(1L, 1_000L, 1L << 20, 3L << 20);

    private final Stores stores = Stores.inMemory();
    private final LogServices log = LogServices.create(stores.objects(), stores.metadata(), stores.groups(),
            Clock.systemUTC());
    private final TopicsHandler topics = new TopicsHandler(log);
    private final ProduceHandler produce = new ProduceHandler(log);
    private final FetchHandler fetch = new FetchHandler(log);
    private final Map<String, Integer> largest = new LinkedHashMap<>();

    /** {@code count} headers whose keys are {@code keyBytes} control characters, the costliest to escape. */
    private static List<Map<String, Object>> headers(int count, int keyBytes) {
        List<Map<String, Object>> headers = new ArrayList<>();
        for (int h = 0; h < count; h++) {
            headers.add(Map.of("key", "\u0001".repeat(keyBytes)));
        }
        return headers;
    }

    private static Map<String, Object> record(byte[] value, List<Map<String, Object>> headers) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("value", B64.encodeToString(value));
        record.put("headers", headers);
        record.put("partition", 0);
        return record;
    }

    private void produce(String topic, List<Map<String, Object>> records) throws Exception {
        String body = JSON.writeValueAsString(Map.of("records", records));
        APIGatewayV2HTTPResponse response = LambdaInvoker.invoke(produce, "POST", "/topics/" + topic + "/records", body);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
    }

    private void createTopic(String name, int maxRecordBytes) {
        APIGatewayV2HTTPResponse created = LambdaInvoker.invoke(topics, "POST", "/topics",
                "{\"name\":\"" + name + "\",\"partitions\":1,\"maxRecordBytes\":" + maxRecordBytes + "}");
        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
    }

    @BeforeAll
    void fillPartitionsWithTheWorstRecordsProduceAccepts() throws Exception {
        // 12,000 empty records with the most headers, empty keys: 0 bytes each by maxBytes' count
        createTopic("empty-headers", 1 << 20);
        for (int call = 0; call < 4; call++) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                List<Map<String, Object>> empty = new ArrayList<>();
                for (int h = 0; h < RecordHeader.MAX_HEADERS; h++) {
                    empty.add(Map.of("key", ""));
                }
                batch.add(record(new byte[0], empty));
            }
            produce("empty-headers", batch);
        }
        // 80 empty records with the most headers, each key the longest allowed, of control characters
        createTopic("escaped-headers", 1 << 20);
        for (int call = 0; call < 8; call++) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(record(new byte[0], headers(RecordHeader.MAX_HEADERS, RecordHeader.MAX_KEY_BYTES)));
            }
            produce("escaped-headers", batch);
        }
        // 3 records of the largest size a topic allows, with those headers too
        createTopic("max-size", MAX_RECORD);
        int headerBytes = RecordHeader.MAX_HEADERS * RecordHeader.MAX_KEY_BYTES;
        for (int call = 0; call < 3; call++) {
            produce("max-size", List.of(record(new byte[MAX_RECORD - headerBytes],
                    headers(RecordHeader.MAX_HEADERS, RecordHeader.MAX_KEY_BYTES))));
        }
    }

    @Test
    void everyFetchOfThePartitionFitsInALambdaResponse() throws Exception {
        for (String topic : List.of("empty-headers", "escaped-headers", "max-size")) {
            for (long maxBytes : MAX_BYTES) {
                long offset = 0;
                long end = -1;
                int fetches = 0;
                while (offset != end) {
                    APIGatewayV2HTTPResponse response = LambdaInvoker.invoke(fetch, "GET", "/topics/" + topic
                            + "/partitions/0/records?offset=" + offset + "&maxBytes=" + maxBytes, null);
                    int size = LambdaInvoker.lambdaResponseBytes(response);
                    largest.merge(topic + " maxBytes=" + maxBytes, size, Math::max);
                    assertThat(size).as("%s from %d with maxBytes=%d", topic, offset, maxBytes)
                            .isLessThanOrEqualTo(ResponseSize.LAMBDA_RESPONSE_LIMIT);
                    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
                    JsonNode body = JSON.readTree(response.getBody());
                    end = body.path("highWatermark").asLong();
                    assertThat(body.path("records").size()).as("at least one record").isPositive();
                    offset = body.path("nextOffset").asLong();
                    fetches++;
                }
                assertThat(fetches).isPositive();
            }
        }
        System.out.println("largest Lambda fetch responses: " + largest);
    }

    @Test
    void maxRecordsBoundsTheAnswer() throws Exception {
        APIGatewayV2HTTPResponse response = LambdaInvoker.invoke(fetch, "GET",
                "/topics/empty-headers/partitions/0/records?offset=5&maxRecords=3", null);
        JsonNode body = JSON.readTree(response.getBody());
        assertThat(body.path("records")).hasSize(3);
        assertThat(body.path("nextOffset").asLong()).isEqualTo(8);
        for (String bad : List.of("0", "10001", "-1", "many")) {
            APIGatewayV2HTTPResponse refused = LambdaInvoker.invoke(fetch, "GET",
                    "/topics/empty-headers/partitions/0/records?offset=0&maxRecords=" + bad, null);
            assertThat(refused.getStatusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(refused.getBody()).path("error").asText()).isEqualTo("INVALID_REQUEST");
        }
    }

    @Test
    void headersPastTheirBoundsAreRefusedAndChangeNothing() throws Exception {
        createTopic("header-bounds", 1 << 20);
        List<List<Map<String, Object>>> refused = List.of(
                headers(RecordHeader.MAX_HEADERS + 1, 1),
                headers(1, RecordHeader.MAX_KEY_BYTES + 1),
                List.of(Map.of("key", "k", "value", B64.encodeToString(new byte[RecordHeader.MAX_TOTAL_BYTES]))));
        for (List<Map<String, Object>> headers : refused) {
            String body = JSON.writeValueAsString(Map.of("records", List.of(record(new byte[1], headers))));
            APIGatewayV2HTTPResponse response = LambdaInvoker.invoke(produce, "POST", "/topics/header-bounds/records",
                    body);
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.getBody());
            assertThat(error.path("error").asText()).isEqualTo("INVALID_RECORD");
            assertThat(error.path("maxHeaders").asInt()).isEqualTo(RecordHeader.MAX_HEADERS);
            assertThat(error.path("maxHeaderKeyBytes").asInt()).isEqualTo(RecordHeader.MAX_KEY_BYTES);
            assertThat(error.path("maxHeaderBytes").asInt()).isEqualTo(RecordHeader.MAX_TOTAL_BYTES);
        }
        APIGatewayV2HTTPResponse described = LambdaInvoker.invoke(topics, "GET", "/topics/header-bounds", null);
        assertThat(JSON.readTree(described.getBody()).path("partitionStates").get(0).path("highWatermark").asLong())
                .as("nothing was written").isZero();
    }
}
