package io.sluice.tests.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LocalStackExtension;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** End to end over HTTP against the local stack: the handlers, the template's routes, the emulators. */
@ExtendWith(LocalStackExtension.class)
class HttpApiTest {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final HttpApiClient api;
    private String topic;

    HttpApiTest(HttpApiClient api) {
        this.api = api;
    }

    @BeforeEach
    void createTopic() {
        topic = "http-" + TOPICS.incrementAndGet();
        Response created = api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":2}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("partitions").asInt()).isEqualTo(2);
    }

    private static String b64(String s) {
        return B64.encodeToString(s.getBytes(UTF_8));
    }

    @Test
    void aNewUsersFirstRun() {
        byte[] binary = {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0x7f, (byte) 0x80, 10, 13};
        Response produced = api.post("/topics/" + topic + "/records", "{\"records\":["
                + "{\"key\":\"" + b64("user-1") + "\",\"value\":\"" + b64("hello") + "\",\"partition\":0,"
                + "\"headers\":[{\"key\":\"trace\",\"value\":\"" + b64("t-1") + "\"}]},"
                + "{\"value\":\"" + B64.encodeToString(binary) + "\",\"partition\":0},"
                + "{\"value\":\"" + b64("third") + "\",\"partition\":0}]}");
        assertThat(produced.status()).as(produced.body()).isEqualTo(200);
        assertThat(produced.json().path("offsets").toString())
                .isEqualTo("[{\"partition\":0,\"offset\":0},{\"partition\":0,\"offset\":1},{\"partition\":0,\"offset\":2}]");

        Response fromZero = api.get("/topics/" + topic + "/partitions/0/records?offset=0");
        assertThat(fromZero.status()).isEqualTo(200);
        JsonNode records = fromZero.json().path("records");
        assertThat(records).hasSize(3);
        assertThat(records.get(0).path("offset").asLong()).isZero();
        assertThat(Base64.getDecoder().decode(records.get(0).path("key").asText())).isEqualTo("user-1".getBytes(UTF_8));
        assertThat(Base64.getDecoder().decode(records.get(0).path("value").asText())).isEqualTo("hello".getBytes(UTF_8));
        assertThat(records.get(0).path("headers").get(0).path("key").asText()).isEqualTo("trace");
        assertThat(Base64.getDecoder().decode(records.get(1).path("value").asText())).isEqualTo(binary);
        assertThat(records.get(1).has("key")).as("a keyless record has no key").isFalse();
        assertThat(fromZero.json().path("nextOffset").asLong()).isEqualTo(3);
        assertThat(fromZero.json().path("highWatermark").asLong()).isEqualTo(3);

        Response fromOne = api.get("/topics/" + topic + "/partitions/0/records?offset=1");
        assertThat(fromOne.json().path("records")).hasSize(2);
        assertThat(fromOne.json().path("records").get(0)).isEqualTo(records.get(1));
        assertThat(fromOne.json().path("records").get(1)).isEqualTo(records.get(2));
    }

    @Test
    void topicsAreListedDescribedAndDeleted() {
        assertThat(api.get("/topics").json().path("topics").findValuesAsText("name")).contains(topic);
        Response described = api.get("/topics/" + topic);
        assertThat(described.json().path("partitionStates")).hasSize(2);
        assertThat(described.json().path("partitionStates").get(1).path("highWatermark").asLong()).isZero();

        Response deleted = api.send("DELETE", "/topics/" + topic, null);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(api.get("/topics/" + topic).errorCode()).isEqualTo("UNKNOWN_TOPIC");
        assertThat(api.get("/topics").json().path("topics").findValuesAsText("name")).doesNotContain(topic);
    }

    @Test
    void offsetsEarliestLatestAndByTimestamp() {
        api.post("/topics/" + topic + "/records", "{\"records\":["
                + "{\"value\":\"" + b64("a") + "\",\"partition\":1,\"timestamp\":1000},"
                + "{\"value\":\"" + b64("b") + "\",\"partition\":1,\"timestamp\":2000}]}");
        String base = "/topics/" + topic + "/partitions/1/offsets?at=";
        assertThat(api.get(base + "earliest").json().path("offset").asLong()).isZero();
        assertThat(api.get(base + "latest").json().path("offset").asLong()).isEqualTo(2);
        Response byTime = api.get(base + "1500");
        assertThat(byTime.json().path("offset").asLong()).isEqualTo(1);
        assertThat(byTime.json().path("timestamp").asLong()).isEqualTo(1500);
    }

    @Test
    void keyedRecordsWithoutPartitionGoWhereKafkaWouldPutThem() {
        Response produced = api.post("/topics/" + topic + "/records",
                "{\"records\":[{\"key\":\"" + b64("foobar") + "\",\"value\":\"" + b64("v") + "\"}]}");
        assertThat(produced.json().path("offsets").get(0).path("partition").asInt())
                .isEqualTo(io.sluice.client.Partitioner.partitionForKey("foobar".getBytes(UTF_8), 2));
    }
}
