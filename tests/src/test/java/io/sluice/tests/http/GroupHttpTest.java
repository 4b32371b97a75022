package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LocalStackExtension;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer groups over HTTP against the local stack: heartbeat, commit, describe with lag, reset, fencing. */
@ExtendWith(LocalStackExtension.class)
class GroupHttpTest {

    private final HttpApiClient api;

    GroupHttpTest(HttpApiClient api) {
        this.api = api;
    }

    @Test
    void heartbeatCommitDescribeResetAndAZombieIsFenced() {
        assertThat(api.post("/topics", "{\"name\":\"grp-topic\",\"partitions\":2}").status()).isEqualTo(201);
        String value = Base64.getEncoder().encodeToString("x".getBytes());
        for (int i = 0; i < 3; i++) {
            api.post("/topics/grp-topic/records", "{\"records\":[{\"value\":\"" + value + "\",\"partition\":0,"
                    + "\"timestamp\":" + (1000 * (i + 1)) + "}]}");
        }

        Response joined = api.post("/groups/web/heartbeat",
                "{\"memberEpoch\":0,\"topics\":[\"grp-topic\"],\"sessionTimeoutMs\":30000}");
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        String memberId = joined.json().path("memberId").asText();
        long epoch = joined.json().path("memberEpoch").asLong();
        assertThat(joined.json().path("heartbeatIntervalMs").asInt()).isEqualTo(5000);
        assertThat(joined.json().path("assignment").get(0).path("partitions").toString()).isEqualTo("[0,1]");

        Response committed = api.post("/groups/web/offsets", "{\"memberId\":\"" + memberId + "\",\"memberEpoch\":"
                + epoch + ",\"offsets\":[{\"topic\":\"grp-topic\",\"partition\":0,\"offset\":1}]}");
        assertThat(committed.status()).as(committed.body()).isEqualTo(200);

        Response stale = api.post("/groups/web/offsets", "{\"memberId\":\"" + memberId + "\",\"memberEpoch\":"
                + (epoch + 7) + ",\"offsets\":[{\"topic\":\"grp-topic\",\"partition\":0,\"offset\":3}]}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.errorCode()).isEqualTo("FENCED");

        JsonNode described = api.get("/groups/web").json();
        assertThat(described.path("members")).hasSize(1);
        assertThat(described.path("members").get(0).path("memberId").asText()).isEqualTo(memberId);
        JsonNode offset = described.path("offsets").get(0);
        assertThat(offset.path("committed").asLong()).as("the stale commit changed nothing").isEqualTo(1);
        assertThat(offset.path("highWatermark").asLong()).isEqualTo(3);
        assertThat(offset.path("lag").asLong()).isEqualTo(2);

        Response busy = api.post("/groups/web/reset", "{\"topic\":\"grp-topic\",\"to\":\"earliest\"}");
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.errorCode()).isEqualTo("GROUP_NOT_EMPTY");

        Response left = api.post("/groups/web/heartbeat", "{\"memberId\":\"" + memberId + "\",\"memberEpoch\":-1,"
                + "\"leaveEpoch\":" + epoch + "}");
        assertThat(left.json().path("memberEpoch").asLong()).isEqualTo(-1);

        Response reset = api.post("/groups/web/reset", "{\"topic\":\"grp-topic\",\"to\":{\"timestamp\":2000}}");
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.json().path("offsets").get(0).path("offset").asLong()).isEqualTo(1);
        assertThat(api.post("/groups/web/reset", "{\"topic\":\"grp-topic\",\"to\":\"latest\"}").json()
                .path("offsets").get(0).path("offset").asLong()).isEqualTo(3);
        assertThat(api.get("/groups/web").json().path("offsets").get(0).path("lag").asLong()).isZero();

        Response manual = api.post("/groups/web/offsets",
                "{\"offsets\":[{\"topic\":\"grp-topic\",\"partition\":1,\"offset\":0}]}");
        assertThat(manual.status()).as("a commit without membership, the group being empty").isEqualTo(200);

        Response zombie = api.post("/groups/web/offsets", "{\"memberId\":\"" + memberId + "\",\"memberEpoch\":"
                + epoch + ",\"offsets\":[{\"topic\":\"grp-topic\",\"partition\":0,\"offset\":2}]}");
        assertThat(zombie.status()).isEqualTo(409);
        assertThat(zombie.errorCode()).isEqualTo("FENCED");
    }

    @Test
    void badGroupRequestsAnswerClearErrors() {
        assertThat(api.post("/groups/bad%2Fname/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"t\"]}").errorCode())
                .isEqualTo("INVALID_GROUP_NAME");
        assertThat(api.post("/groups/g2/heartbeat", "{\"topics\":[\"t\"]}").errorCode()).isEqualTo("INVALID_REQUEST");
        assertThat(api.post("/groups/g2/heartbeat", "{\"memberEpoch\":\"zero\",\"topics\":[\"t\"]}").errorCode())
                .isEqualTo("MALFORMED_JSON");
        assertThat(api.post("/groups/g2/reset", "{\"topic\":\"nope\",\"to\":\"earliest\"}").errorCode())
                .isEqualTo("UNKNOWN_TOPIC");
        assertThat(api.post("/groups/g2/reset", "{\"topic\":\"grp-x\",\"to\":\"yesterday\"}").status()).isIn(400, 404);
        assertThat(api.get("/groups/never-seen").errorCode()).isEqualTo("UNKNOWN_GROUP");
        assertThat(api.send("DELETE", "/groups/g2", null).errorCode()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Test
    void aJoinThatWouldMakeTheGroupTooLargeAnswers413AndChangesNothing() {
        for (String topic : new String[] {"wide-eu", "wide-us", "wide-ap"}) {
            assertThat(api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":1000}").status()).isEqualTo(201);
        }
        Response small = api.post("/groups/wide/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"wide-eu\"]}");
        assertThat(small.status()).as(small.body()).isEqualTo(200);

        Response refused = api.post("/groups/wide/heartbeat",
                "{\"memberEpoch\":0,\"topics\":[\"wide-eu\",\"wide-us\",\"wide-ap\"]}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(413);
        assertThat(refused.errorCode()).isEqualTo("GROUP_TOO_LARGE");
        assertThat(refused.json().path("maxGroupBytes").asInt()).isEqualTo(393_216);
        assertThat(refused.json().path("message").asText()).contains("limit of 393,216 bytes");

        JsonNode described = api.get("/groups/wide").json();
        assertThat(described.path("members")).as("nothing was changed").hasSize(1);
        assertThat(described.path("members").get(0).path("memberId").asText())
                .isEqualTo(small.json().path("memberId").asText());
    }
}
