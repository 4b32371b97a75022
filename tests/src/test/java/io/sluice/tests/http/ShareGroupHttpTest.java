package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Share groups over HTTP against the local stack (which serves template.yaml's routes with the Lambda
 * handlers): every route, and every kind of bad input answered with a 4xx and a stable code that
 * changes nothing.
 */
@ExtendWith(LocalStackExtension.class)
class ShareGroupHttpTest {

    private static final String FAKE_TOKEN = "AAAAAAAAAAAAAAAAAAAAAA";
    private final HttpApiClient api;

    ShareGroupHttpTest(HttpApiClient api) {
        this.api = api;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private Response put(String path, String body) {
        return api.send("PUT", path, body.getBytes(StandardCharsets.UTF_8));
    }

    private Response ack(String group, JsonNode record, String type) {
        return api.post("/share-groups/" + group + "/acks", "{\"acks\":[{\"topic\":\"" + record.path("topic").asText()
                + "\",\"partition\":" + record.path("partition").asInt() + ",\"offsets\":[" + record.path("offset").asLong()
                + "],\"lockToken\":\"" + record.path("lockToken").asText() + "\",\"type\":\"" + type + "\"}]}");
    }

    private static String status(Response r) {
        return r.json().path("results").get(0).path("status").asText();
    }

    @Test
    void everyRouteWorksAsTheContractSays() throws Exception {
        assertThat(api.post("/topics", "{\"name\":\"sh-jobs\",\"partitions\":2}").status()).isEqualTo(201);
        assertThat(api.post("/topics", "{\"name\":\"sh-dlq\",\"partitions\":1}").status()).isEqualTo(201);
        for (String v : List.of("one", "two", "three")) {
            api.post("/topics/sh-jobs/records", "{\"records\":[{\"key\":\"" + b64("k-" + v) + "\",\"value\":\"" + b64(v)
                    + "\",\"partition\":0,\"headers\":[{\"key\":\"trace\",\"value\":\"" + b64("t") + "\"}]}]}");
        }
        Response config = put("/share-groups/sh-g", "{\"topics\":[\"sh-jobs\"],\"deliveryAttemptLimit\":2,"
                + "\"lockDurationMs\":60000,\"deadLetterTopic\":\"sh-dlq\"}");
        assertThat(config.status()).as(config.body()).isEqualTo(200);
        assertThat(config.json().path("deliveryAttemptLimit").asInt()).isEqualTo(2);
        assertThat(config.json().path("ordering").asText()).isEqualTo("none");
        assertThat(config.json().path("startAt").asText()).isEqualTo("earliest");
        assertThat(api.get("/share-groups").json().path("shareGroups").toString()).contains("\"sh-g\"");

        Response fetched = api.post("/share-groups/sh-g/fetch", "{\"maxRecords\":10}");
        assertThat(fetched.status()).as(fetched.body()).isEqualTo(200);
        JsonNode records = fetched.json().path("records");
        assertThat(records).hasSize(3);
        Map<String, JsonNode> byValue = new HashMap<>();
        records.forEach(r -> byValue.put(new String(Base64.getDecoder().decode(r.path("value").asText()),
                StandardCharsets.UTF_8), r));
        JsonNode one = byValue.get("one");
        assertThat(one.path("deliveryCount").asInt()).isEqualTo(1);
        assertThat(one.path("lockExpiresAt").asLong()).isGreaterThan(System.currentTimeMillis() + 50_000);
        assertThat(one.path("key").asText()).isEqualTo(b64("k-one"));
        assertThat(one.path("headers").get(0).path("key").asText()).isEqualTo("trace");
        assertThat(one.path("timestamp").asLong()).isPositive();
        assertThat(api.post("/share-groups/sh-g/fetch", "{}").json().path("records")).isEmpty();

        assertThat(status(ack("sh-g", one, "accept"))).isEqualTo("OK");
        assertThat(status(ack("sh-g", one, "accept"))).isEqualTo("ALREADY_DONE");
        assertThat(status(ack("sh-g", byValue.get("two"), "reject"))).isEqualTo("OK");
        assertThat(status(ack("sh-g", byValue.get("three"), "renew"))).isEqualTo("OK");
        Response wrongToken = api.post("/share-groups/sh-g/acks", "{\"acks\":[{\"topic\":\"sh-jobs\",\"partition\":0,"
                + "\"offsets\":[2,7],\"lockToken\":\"" + FAKE_TOKEN + "\",\"type\":\"accept\"}]}");
        assertThat(wrongToken.json().path("results").findValuesAsText("status")).containsExactly("INVALID_LOCK",
                "INVALID_LOCK");
        assertThat(status(ack("sh-g", byValue.get("three"), "release"))).isEqualTo("OK");

        JsonNode described = api.get("/share-groups/sh-g").json();
        assertThat(described.path("config").path("deadLetterTopic").asText()).isEqualTo("sh-dlq");
        JsonNode p0 = described.path("partitions").get(0);
        assertThat(p0.path("startOffset").asLong()).isEqualTo(2);
        assertThat(p0.path("highWatermark").asLong()).isEqualTo(3);
        assertThat(p0.path("available").asLong()).isEqualTo(1);
        assertThat(p0.path("acquired").asLong()).isZero();
        assertThat(p0.path("archived").asLong()).isEqualTo(1);
        assertThat(p0.path("lag").asLong()).isEqualTo(1);
        assertThat(described.path("totals").path("lag").asLong()).isEqualTo(1);
        assertThat(described.path("deadLettered").asLong()).isEqualTo(1);

        JsonNode dead = api.get("/topics/sh-dlq/partitions/0/records?offset=0").json().path("records");
        assertThat(dead).hasSize(1);
        Map<String, String> headers = new HashMap<>();
        dead.get(0).path("headers").forEach(h -> headers.put(h.path("key").asText(),
                new String(Base64.getDecoder().decode(h.path("value").asText()), StandardCharsets.UTF_8)));
        assertThat(headers).containsEntry("sluice.dlq.topic", "sh-jobs").containsEntry("sluice.dlq.partition", "0")
                .containsEntry("sluice.dlq.offset", "1").containsEntry("sluice.dlq.delivery.count", "1")
                .containsEntry("sluice.dlq.reason", "rejected").containsEntry("trace", "t");

        JsonNode again = api.post("/share-groups/sh-g/fetch", "{\"maxRecords\":10,\"lockDurationMs\":60000}").json()
                .path("records");
        assertThat(again).hasSize(1);
        assertThat(again.get(0).path("deliveryCount").asInt()).isEqualTo(2);
        Response busy = api.post("/share-groups/sh-g/reset", "{\"topic\":\"sh-jobs\",\"to\":\"earliest\"}");
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.errorCode()).isEqualTo("GROUP_NOT_EMPTY");
        assertThat(status(ack("sh-g", again.get(0), "accept"))).isEqualTo("OK");
        Response reset = api.post("/share-groups/sh-g/reset", "{\"topic\":\"sh-jobs\",\"to\":{\"offset\":1}}");
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.json().path("offsets").get(0).path("offset").asLong()).isEqualTo(1);

        long before = System.nanoTime();
        put("/share-groups/sh-g", "{\"topics\":[\"sh-jobs\"],\"startAt\":\"latest\"}");
        assertThat(api.post("/share-groups/sh-g/fetch", "{\"maxRecords\":10}").json().path("records")).hasSize(2);
        JsonNode waited = api.post("/share-groups/sh-g/fetch", "{\"maxWaitMs\":400}").json().path("records");
        assertThat(waited).isEmpty();
        assertThat(System.nanoTime() - before).isGreaterThan(400_000_000L);

        assertThat(api.send("DELETE", "/share-groups/sh-g", null).status()).isEqualTo(204);
        Response gone = api.get("/share-groups/sh-g");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("UNKNOWN_SHARE_GROUP");
        assertThat(api.get("/share-groups").json().path("shareGroups").toString()).doesNotContain("\"sh-g\"");
    }

    @Test
    void everyBadInputIsA4xxWithAStableCodeAndChangesNothing() {
        assertThat(api.post("/topics", "{\"name\":\"sh-bad\",\"partitions\":1}").status()).isEqualTo(201);
        api.post("/topics/sh-bad/records", "{\"records\":[{\"value\":\"" + b64("x") + "\",\"partition\":0}]}");
        assertThat(put("/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"lockDurationMs\":60000}").status()).isEqualTo(200);
        JsonNode held = api.post("/share-groups/sh-b/fetch", "{}").json().path("records").get(0);
        String before = api.get("/share-groups/sh-b").body();
        String lockAck = "\"topic\":\"sh-bad\",\"partition\":0,\"offsets\":[0],\"lockToken\":\"" + held.path("lockToken")
                .asText() + "\"";
        Object[][] cases = {
                {"PUT", "/share-groups/sh-b", "{not json", 400, "MALFORMED_JSON"},
                {"PUT", "/share-groups/sh-b", "", 400, "MALFORMED_JSON"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"color\":1}", 400, "MALFORMED_JSON"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[]}", 400, "INVALID_CONFIG"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"nope-topic\"]}", 404, "UNKNOWN_TOPIC"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"bad topic\"]}", 400, "INVALID_TOPIC_NAME"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"deliveryAttemptLimit\":0}", 400, "INVALID_CONFIG"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"lockDurationMs\":1}", 400, "INVALID_CONFIG"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"ordering\":\"fifo\"}", 400, "INVALID_CONFIG"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"startAt\":\"now\"}", 400, "INVALID_CONFIG"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"deadLetterTopic\":\"sh-bad\"}", 400,
                        "INVALID_CONFIG"},
                {"PUT", "/share-groups/sh-b", "{\"topics\":[\"sh-bad\"],\"deadLetterTopic\":\"nope-dlq\"}", 404,
                        "UNKNOWN_TOPIC"},
                {"PUT", "/share-groups/a*b", "{\"topics\":[\"sh-bad\"]}", 400, "INVALID_GROUP_NAME"},
                {"POST", "/share-groups/nope/fetch", "{}", 404, "UNKNOWN_SHARE_GROUP"},
                {"GET", "/share-groups/nope", null, 404, "UNKNOWN_SHARE_GROUP"},
                {"DELETE", "/share-groups/nope", null, 404, "UNKNOWN_SHARE_GROUP"},
                {"POST", "/share-groups/sh-b/fetch", "{\"maxRecords\":0}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/fetch", "{\"maxRecords\":1001}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/fetch", "{\"maxWaitMs\":20001}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/fetch", "{\"lockDurationMs\":5}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/fetch", "{\"maxRecords\":\"5\"}", 400, "MALFORMED_JSON"},
                {"POST", "/share-groups/sh-b/acks", "{}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[]}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[null]}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{" + lockAck + ",\"type\":\"done\"}]}", 400,
                        "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{" + lockAck + "}]}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{\"topic\":\"sh-bad\",\"partition\":0,\"offsets\":[0],"
                        + "\"lockToken\":\"short\",\"type\":\"accept\"}]}", 400, "INVALID_LOCK"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{" + lockAck.replace("\"sh-bad\"", "\"sh-other\"")
                        + ",\"type\":\"accept\"}]}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{" + lockAck.replace("\"partition\":0",
                        "\"partition\":9") + ",\"type\":\"accept\"}]}", 404, "UNKNOWN_PARTITION"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{" + lockAck.replace("[0]", "[-1]")
                        + ",\"type\":\"accept\"}]}", 400, "INVALID_OFFSET"},
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{" + lockAck.replace("[0]", "[]")
                        + ",\"type\":\"accept\"}]}", 400, "INVALID_REQUEST"},
                // A good ack after a bad one in the same request: the whole request is refused first.
                {"POST", "/share-groups/sh-b/acks", "{\"acks\":[{" + lockAck + ",\"type\":\"accept\"},{" + lockAck
                        + ",\"type\":\"bogus\"}]}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/reset", "{\"topic\":\"sh-bad\",\"to\":\"yesterday\"}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/reset", "{\"to\":\"earliest\"}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/reset", "{\"topic\":\"sh-other\",\"to\":\"earliest\"}", 400, "INVALID_REQUEST"},
                {"POST", "/share-groups/sh-b/reset", "{\"topic\":\"sh-bad\",\"to\":\"earliest\"}", 409, "GROUP_NOT_EMPTY"},
                {"PATCH", "/share-groups/sh-b", "{}", 405, "METHOD_NOT_ALLOWED"},
                {"GET", "/share-groups/sh-b/fetch", null, 405, "METHOD_NOT_ALLOWED"},
        };
        for (Object[] c : cases) {
            Response r = api.send((String) c[0], (String) c[1], c[2] == null ? null
                    : ((String) c[2]).getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as("%s %s %s: %s", c[0], c[1], c[2], r.body()).isEqualTo(c[3]);
            assertThat(r.errorCode()).as("%s %s %s", c[0], c[1], c[2]).isEqualTo(c[4]);
            assertThat(api.get("/share-groups/sh-b").body()).as("%s %s %s changed nothing", c[0], c[1], c[2])
                    .isEqualTo(before);
        }
        assertThat(status(ack("sh-b", held, "accept"))).isEqualTo("OK");
    }
}
