package io.sluice.tests.group;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.LogServices;
import io.sluice.api.ApiRequest;
import io.sluice.api.ApiResponse;
import io.sluice.api.HttpApi;
import io.sluice.api.Route;
import io.sluice.group.GroupItem;
import io.sluice.group.GroupService;
import io.sluice.group.GroupState;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.group.Member;
import io.sluice.log.Backoff;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.MutableClock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's consumer-group holes (confirmed problems 5 and 6, and the unbounded commit), each as a test
 * named after it, through the HTTP API in process: what a caller sends is what these send.
 */
class GroupHardeningTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final InMemoryGroupStore groupStore = new InMemoryGroupStore();
    private LogServices log;
    private HttpApi api;

    @BeforeEach
    void setUp() {
        log = LogServices.create(new InMemoryObjectStore(clock), new InMemoryMetadataStore(), groupStore, clock,
                Backoff.NONE);
        api = new HttpApi(log, EnumSet.allOf(Route.class), (id, request, error) -> {
            throw new AssertionError("unexpected failure", error);
        });
        log.topics().create(new CreateTopic("t", 2, null, null, null));
        for (int i = 0; i < 3; i++) {
            log.producer().produce("t", List.of(new ProduceRecord(null, ("v" + i).getBytes(UTF_8), List.of(), 0, null)));
        }
    }

    private ApiResponse call(String method, String template, String path, String body) {
        return api.handle(new ApiRequest(method, method + " " + template, null, path, Map.of(),
                body == null ? null : body.getBytes(UTF_8)));
    }

    private ApiResponse heartbeat(String body) {
        return call("POST", "/groups/{group}/heartbeat", "/groups/g/heartbeat", body);
    }

    private ApiResponse commit(String body) {
        return call("POST", "/groups/{group}/offsets", "/groups/g/offsets", body);
    }

    private JsonNode describe() {
        return json(call("GET", "/groups/{group}", "/groups/g", null));
    }

    private static JsonNode json(ApiResponse response) {
        try {
            return JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(response.body(), e);
        }
    }

    private static void assertRefused(ApiResponse response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(json(response).path("error").asText()).as(response.body()).isEqualTo(code);
        assertThat(json(response).path("message").asText()).isNotBlank();
    }

    private JsonNode join(String topics) {
        ApiResponse joined = heartbeat("{\"memberEpoch\":0,\"topics\":" + topics + "}");
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        return json(joined);
    }

    // ---- problem 5: anyone can take over a consumer group member ----

    @Test
    void aJoinCannotTakeOverAnExistingMember() {
        JsonNode victim = join("[\"t\"]");
        String id = victim.path("memberId").asText();
        long epoch = victim.path("memberEpoch").asLong();
        assertThat(UUID.fromString(id)).as("the server's id is a random UUID").isNotNull();
        JsonNode before = describe();

        assertRefused(heartbeat("{\"memberId\":\"" + id + "\",\"memberEpoch\":0,\"topics\":[\"t\"]}"), 400,
                "INVALID_MEMBER_ID");
        assertRefused(heartbeat("{\"memberId\":\"chosen-by-me\",\"memberEpoch\":0,\"topics\":[\"t\"]}"), 400,
                "INVALID_MEMBER_ID");
        assertThat(describe()).as("nothing changed: the victim keeps its id, epoch and partitions").isEqualTo(before);

        ApiResponse beat = heartbeat("{\"memberId\":\"" + id + "\",\"memberEpoch\":" + epoch + ",\"topics\":[\"t\"]}");
        assertThat(beat.status()).as("the victim heartbeats on at its epoch").isEqualTo(200);
        assertThat(json(beat).path("assignment").get(0).path("partitions").toString()).isEqualTo("[0,1]");
    }

    @Test
    void aLeaveWithoutTheEpochIsRefused() {
        JsonNode member = join("[\"t\"]");
        String id = member.path("memberId").asText();
        long epoch = member.path("memberEpoch").asLong();
        JsonNode before = describe();

        assertRefused(heartbeat("{\"memberId\":\"" + id + "\",\"memberEpoch\":-1}"), 400, "INVALID_REQUEST");
        assertRefused(heartbeat("{\"memberId\":\"" + id + "\",\"memberEpoch\":-1,\"leaveEpoch\":" + (epoch + 1) + "}"),
                409, "FENCED");
        assertRefused(heartbeat("{\"memberId\":\"" + id + "\",\"memberEpoch\":-1,\"leaveEpoch\":0}"), 409,
                "FENCED"); // the epoch before its first: anyone's guess
        assertRefused(commit("{\"memberId\":\"" + id + "\",\"memberEpoch\":0,\"offsets\":[{\"topic\":\"t\","
                + "\"partition\":0,\"offset\":1}]}"), 409, "FENCED");
        assertRefused(heartbeat("{\"memberId\":\"someone-else\",\"memberEpoch\":-1,\"leaveEpoch\":" + epoch + "}"),
                409, "FENCED");
        assertThat(describe()).as("the member is still there, unchanged").isEqualTo(before);

        ApiResponse left = heartbeat("{\"memberId\":\"" + id + "\",\"memberEpoch\":-1,\"leaveEpoch\":" + epoch + "}");
        assertThat(left.status()).as(left.body()).isEqualTo(200);
        assertThat(describe().path("members")).isEmpty();
    }

    @Test
    void aCommitAboveTheHighWatermarkIsRefused() {
        JsonNode member = join("[\"t\"]");
        String as = "\"memberId\":\"" + member.path("memberId").asText() + "\",\"memberEpoch\":"
                + member.path("memberEpoch").asLong() + ",";
        for (String offset : List.of("4", Long.toString(Long.MAX_VALUE))) {
            ApiResponse refused = commit("{" + as + "\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offset\":0},"
                    + "{\"topic\":\"t\",\"partition\":0,\"offset\":" + offset + "}]}");
            assertRefused(refused, 416, "OFFSET_OUT_OF_RANGE");
            assertThat(json(refused).path("highWatermark").asLong()).isEqualTo(3);
            assertThat(json(refused).path("logStartOffset").asLong()).isZero();
        }
        assertThat(describe().path("offsets")).as("nothing was written, not even the partition in range").isEmpty();

        ApiResponse atTheEnd = commit("{" + as + "\"offsets\":[{\"topic\":\"t\",\"partition\":0,\"offset\":3}]}");
        assertThat(atTheEnd.status()).as("every record read: the high watermark itself").isEqualTo(200);
        assertThat(describe().path("offsets").get(0).path("lag").asLong()).isZero();

        ApiResponse left = heartbeat("{\"memberId\":\"" + member.path("memberId").asText() + "\",\"memberEpoch\":-1,"
                + "\"leaveEpoch\":" + member.path("memberEpoch").asLong() + "}");
        assertThat(left.status()).isEqualTo(200);
        assertRefused(commit("{\"offsets\":[{\"topic\":\"t\",\"partition\":1,\"offset\":1}]}"), 416,
                "OFFSET_OUT_OF_RANGE");
    }

    // ---- problem 6: a group item can be filled to DynamoDB's 400 KB limit ----

    @Test
    void aSubscriptionToAnUnknownTopicIsRefused() {
        assertRefused(heartbeat("{\"memberEpoch\":0,\"topics\":[\"t\",\"" + "x".repeat(249) + "\"]}"), 404,
                "UNKNOWN_TOPIC");
        assertRefused(call("GET", "/groups/{group}", "/groups/g", null), 404, "UNKNOWN_GROUP");
        assertThat(json(call("GET", "/groups", "/groups", null)).path("groups")).as("no group was created").isEmpty();

        JsonNode member = join("[\"t\"]");
        JsonNode before = describe();
        assertRefused(heartbeat("{\"memberId\":\"" + member.path("memberId").asText() + "\",\"memberEpoch\":"
                + member.path("memberEpoch").asLong() + ",\"topics\":[\"t\",\"nope\"]}"), 404, "UNKNOWN_TOPIC");
        assertThat(describe()).isEqualTo(before);
        assertThat(groupStore.getGroup("g").orElseThrow().members().values()).singleElement()
                .satisfies(m -> assertThat(m.topics()).containsExactly("t"));
    }

    /** The attack: 100 names of 249 characters. Refused by size, even when every topic exists. */
    @Test
    void aSubscriptionIsBoundedSoNoHeartbeatCanFillTheGroupItem() {
        List<String> longNames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = String.format("%03d", i) + "x".repeat(246);
            log.topics().create(new CreateTopic(name, 1, null, null, null));
            longNames.add(name);
        }
        ApiResponse refused = heartbeat("{\"memberEpoch\":0,\"topics\":" + toJson(longNames) + "}");
        assertRefused(refused, 400, "INVALID_REQUEST");
        assertThat(json(refused).path("maxSubscriptionChars").asInt()).isEqualTo(GroupService.MAX_SUBSCRIPTION_CHARS);
        assertThat(groupStore.getGroup("g")).as("nothing written").isEmpty();

        int fit = GroupService.MAX_SUBSCRIPTION_CHARS / 249;
        join(toJson(longNames.subList(0, fit)));
        assertRefused(heartbeat("{\"memberEpoch\":0,\"topics\":" + toJson(longNames.subList(0, fit + 1)) + "}"), 400,
                "INVALID_REQUEST");
        join("[\"t\"]"); // a legitimate join still gets in

        // What the largest subscription costs in the group item: a member with 100 names of 25 characters
        // (2,500 characters, the most framing) and with 10 of 249, neither holding a partition.
        for (List<String> topics : List.of(names(100, 25), names(10, 249))) {
            Member worst = new Member(UUID.randomUUID().toString(), Long.MAX_VALUE, Long.MAX_VALUE, topics,
                    GroupService.MAX_SESSION_TIMEOUT_MS, Long.MAX_VALUE, List.of(), List.of());
            int empty = GroupItem.bytes(new GroupState("g", 1, 1, Map.of(), Map.of()));
            int withMember = GroupItem.bytes(new GroupState("g", 1, 1, Map.of(worst.memberId(), worst),
                    Map.of(worst.memberId(), List.of())));
            int memberBytes = withMember - empty;
            System.out.printf("a member subscribed to %d topics of %d characters takes %,d bytes of the group item"
                    + " (%.2f%% of its %,d); %d such members fit%n", topics.size(), topics.get(0).length(), memberBytes,
                    100.0 * memberBytes / GroupItem.MAX_BYTES, GroupItem.MAX_BYTES, GroupItem.MAX_BYTES / memberBytes);
            assertThat(memberBytes).as("at most 1%% of the item").isLessThanOrEqualTo(GroupItem.MAX_BYTES / 100);
        }
    }

    @Test
    void aCommitsOffsetsListIsBounded() {
        log.topics().create(new CreateTopic("wide", GroupService.MAX_OFFSETS_PER_COMMIT + 1, null, null, null));
        StringBuilder offsets = new StringBuilder();
        for (int p = 0; p <= GroupService.MAX_OFFSETS_PER_COMMIT; p++) {
            offsets.append(p == 0 ? "" : ",").append("{\"topic\":\"wide\",\"partition\":").append(p)
                    .append(",\"offset\":0}");
        }
        ApiResponse refused = commit("{\"offsets\":[" + offsets + "]}");
        assertRefused(refused, 400, "INVALID_REQUEST");
        assertThat(json(refused).path("maxOffsetsPerCommit").asInt()).isEqualTo(GroupService.MAX_OFFSETS_PER_COMMIT);
        assertThat(groupStore.checkpoints("g")).as("nothing written").isEmpty();

        int last = offsets.lastIndexOf(",{");
        assertThat(commit("{\"offsets\":[" + offsets.substring(0, last) + "]}").status()).isEqualTo(200);
        assertThat(groupStore.checkpoints("g")).hasSize(GroupService.MAX_OFFSETS_PER_COMMIT);
    }

    private static List<String> names(int count, int length) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(String.format("%03d", i) + "n".repeat(length - 3));
        }
        return names;
    }

    private static String toJson(List<String> names) {
        try {
            return JSON.writeValueAsString(names);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
