package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.tests.support.HttpApiClient.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's scenarios, written once against "a call as this identity" so they run on the handlers (with
 * principals injected into the request context, a clock moved by hand) and on the local stack under
 * {@code --auth iam} (signed requests, real waiting). Three identities: an admin, alice and bob.
 * Every route's required operation is checked by at least one allowed and one refused call.
 */
abstract class AclScenarios {

    static final String ADMIN = "arn:aws:iam::000000000000:user/admin";
    static final String ALICE = "arn:aws:iam::000000000000:user/alice";
    static final String BOB = "arn:aws:iam::000000000000:user/bob";

    private static final AtomicInteger RUN = new AtomicInteger();

    /** One request as {@code who} (an ARN above). */
    protected abstract Response call(String who, String method, String path, String body);

    /** Returns once every function's ACL cache has run out (the clock moved, or the cache time waited). */
    protected abstract void cacheExpires();

    /** Whether a warm function is sure to still answer from its cache right after a change (a clock by hand). */
    protected abstract boolean cacheTimeIsControlled();

    /** A name prefix of its own for each test, so that tests sharing one stack never meet. */
    protected final String p = "acl" + System.nanoTime() % 100_000 + "-" + RUN.incrementAndGet();

    // ---- helpers ----

    protected Response as(String who, String method, String path, String body) {
        return call(who, method, path, body);
    }

    static String acl(String principal, String type, String name, String pattern, String operation, String permission) {
        return "{\"principal\":\"" + principal + "\",\"resourceType\":\"" + type + "\",\"resourceName\":\"" + name
                + "\",\"patternType\":\"" + pattern + "\",\"operation\":\"" + operation + "\",\"permission\":\""
                + permission + "\"}";
    }

    void grant(String principal, String type, String name, String pattern, String operation) {
        Response r = as(ADMIN, "POST", "/acls", acl(principal, type, name, pattern, operation, "allow"));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    void deny(String principal, String type, String name, String pattern, String operation) {
        Response r = as(ADMIN, "POST", "/acls", acl(principal, type, name, pattern, operation, "deny"));
        assertThat(r.status()).as(r.body()).isIn(200, 201);
    }

    void revoke(String principal, String type, String name, String pattern, String operation) {
        Response r = as(ADMIN, "DELETE", "/acls", acl(principal, type, name, pattern, operation, "allow"));
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    void createTopic(String name, int partitions) {
        Response r = as(ADMIN, "POST", "/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static String record() {
        return "{\"records\":[{\"value\":\"AA==\",\"partition\":0}]}";
    }

    static void ok(Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
    }

    /** A refusal: 403 NOT_AUTHORIZED naming the operation and the resource. */
    static void refused(Response r, String operation, String resourceType, String resourceName) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("NOT_AUTHORIZED");
        assertThat(r.json().path("operation").asText()).isEqualTo(operation);
        assertThat(r.json().path("resourceType").asText()).isEqualTo(resourceType);
        assertThat(r.json().path("resourceName").asText()).isEqualTo(resourceName);
        assertThat(r.json().path("message").asText()).contains(operation).contains(resourceType + " " + resourceName)
                .doesNotContain("allow");
    }

    static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.path("name").asText()));
        return values;
    }

    // ---- the scenarios ----

    @Test
    void topicRoutesCheckTheirOperations() {
        String t = p + ".t";
        createTopic(t, 1);
        createTopic(p + ".hidden", 1);
        grant(ALICE, "topic", p + ".a-", "prefixed", "create");
        grant(ALICE, "topic", p + ".a-", "prefixed", "delete");
        grant(ALICE, "topic", t, "literal", "write");
        grant(ALICE, "topic", t, "literal", "read");
        grant(BOB, "topic", t, "literal", "describe");
        cacheExpires();

        ok(as(ALICE, "POST", "/topics", "{\"name\":\"" + p + ".a-new\",\"partitions\":1}"), 201);
        refused(as(BOB, "POST", "/topics", "{\"name\":\"" + p + ".a-bob\",\"partitions\":1}"), "create", "topic",
                p + ".a-bob");
        refused(as(ALICE, "POST", "/topics", "{\"name\":\"" + p + ".b-new\",\"partitions\":1}"), "create", "topic",
                p + ".b-new");

        List<String> aliceSees = texts(as(ALICE, "GET", "/topics", null).json().path("topics"));
        assertThat(aliceSees).contains(t, p + ".a-new").doesNotContain(p + ".hidden");
        List<String> bobSees = texts(as(BOB, "GET", "/topics", null).json().path("topics"));
        assertThat(bobSees).contains(t).doesNotContain(p + ".a-new", p + ".hidden");
        assertThat(texts(as(ADMIN, "GET", "/topics", null).json().path("topics"))).contains(p + ".hidden");

        ok(as(BOB, "GET", "/topics/" + t, null), 200);
        ok(as(ALICE, "GET", "/topics/" + t, null), 200);
        refused(as(BOB, "GET", "/topics/" + p + ".hidden", null), "describe", "topic", p + ".hidden");

        ok(as(ALICE, "POST", "/topics/" + t + "/records", record()), 200);
        refused(as(BOB, "POST", "/topics/" + t + "/records", record()), "write", "topic", t);

        ok(as(ALICE, "GET", "/topics/" + t + "/partitions/0/records?offset=0", null), 200);
        refused(as(BOB, "GET", "/topics/" + t + "/partitions/0/records?offset=0", null), "read", "topic", t);
        ok(as(ALICE, "GET", "/topics/" + t + "/partitions/0/offsets?at=latest", null), 200);
        refused(as(BOB, "GET", "/topics/" + t + "/partitions/0/offsets?at=latest", null), "read", "topic", t);

        refused(as(BOB, "DELETE", "/topics/" + p + ".a-new", null), "delete", "topic", p + ".a-new");
        ok(as(ALICE, "DELETE", "/topics/" + p + ".a-new", null), 204);
    }

    /** Grants on the cluster reach every topic: they are taken back at the end, for the tests that share the stack. */
    @Test
    void createAndDeleteOnTheClusterCoverEveryTopic() {
        grant(BOB, "cluster", "sluice-cluster", "literal", "create");
        try {
            cacheExpires();
            ok(as(BOB, "POST", "/topics", "{\"name\":\"" + p + ".bob\",\"partitions\":1}"), 201);
            refused(as(BOB, "DELETE", "/topics/" + p + ".bob", null), "delete", "topic", p + ".bob");
            grant(BOB, "cluster", "sluice-cluster", "literal", "delete");
            cacheExpires();
            ok(as(BOB, "DELETE", "/topics/" + p + ".bob", null), 204);
        } finally {
            revoke(BOB, "cluster", "sluice-cluster", "literal", "create");
            as(ADMIN, "DELETE", "/acls", acl(BOB, "cluster", "sluice-cluster", "literal", "delete", "allow"));
            cacheExpires();
        }
    }

    @Test
    void anUnknownTopicIs403ToWhoeverMayNotDescribeIt() {
        grant(ALICE, "topic", p + ".", "prefixed", "describe");
        cacheExpires();
        refused(as(BOB, "GET", "/topics/" + p + ".nope", null), "describe", "topic", p + ".nope");
        refused(as(BOB, "POST", "/topics/" + p + ".nope/records", record()), "write", "topic", p + ".nope");
        Response alice = as(ALICE, "GET", "/topics/" + p + ".nope", null);
        assertThat(alice.status()).isEqualTo(404);
        assertThat(alice.errorCode()).isEqualTo("UNKNOWN_TOPIC");
    }

    @Test
    void groupRoutesCheckTheGroupAndEachTopic() {
        String t = p + ".t";
        String secret = p + ".secret";
        String g = p + ".g";
        createTopic(t, 2);
        createTopic(secret, 1);
        grant(ALICE, "topic", t, "literal", "read");
        grant(ALICE, "group", g, "literal", "read");
        grant(ALICE, "group", g, "literal", "describe");
        grant(ALICE, "group", p + ".idle", "literal", "read");
        grant(ALICE, "group", p + ".idle", "literal", "alter");
        grant(BOB, "group", g, "literal", "read");
        grant(BOB, "topic", t, "literal", "describe");
        cacheExpires();

        Response joined = as(ALICE, "POST", "/groups/" + g + "/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"" + t + "\"]}");
        ok(joined, 200);
        String memberId = joined.json().path("memberId").asText();
        long memberEpoch = joined.json().path("memberEpoch").asLong();
        refused(as(ALICE, "POST", "/groups/" + g + "/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"" + secret + "\"]}"),
                "read", "topic", secret);
        refused(as(BOB, "POST", "/groups/" + p + ".other/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"" + t + "\"]}"),
                "read", "group", p + ".other");
        refused(as(BOB, "POST", "/groups/" + g + "/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"" + t + "\"]}"),
                "read", "topic", t);

        ok(as(ALICE, "POST", "/groups/" + p + ".idle/offsets",
                "{\"offsets\":[{\"topic\":\"" + t + "\",\"partition\":0,\"offset\":0}]}"), 200);
        refused(as(ALICE, "POST", "/groups/" + p + ".idle/offsets",
                "{\"offsets\":[{\"topic\":\"" + secret + "\",\"partition\":0,\"offset\":0}]}"), "read", "topic", secret);
        refused(as(BOB, "POST", "/groups/" + p + ".idle/offsets",
                "{\"offsets\":[{\"topic\":\"" + t + "\",\"partition\":0,\"offset\":0}]}"), "read", "group", p + ".idle");

        // describe: with describe on the group, members and epochs; with read only, neither
        JsonNode full = as(ALICE, "GET", "/groups/" + g, null).json();
        assertThat(full.path("members")).hasSize(1);
        assertThat(full.path("members").path(0).path("memberId").asText()).isEqualTo(memberId);
        Response reader = as(BOB, "GET", "/groups/" + g, null);
        ok(reader, 200);
        assertThat(reader.json().has("members")).as(reader.body()).isFalse();
        assertThat(reader.body()).doesNotContain(memberId);
        refused(as(BOB, "GET", "/groups/" + p + ".idle", null), "read", "group", p + ".idle");

        // GET /groups lists only what the caller may describe
        assertThat(texts(as(ALICE, "GET", "/groups", null).json().path("groups"))).contains(g)
                .doesNotContain(p + ".idle");
        assertThat(texts(as(BOB, "GET", "/groups", null).json().path("groups"))).doesNotContain(g, p + ".idle");
        assertThat(texts(as(ADMIN, "GET", "/groups", null).json().path("groups"))).contains(g, p + ".idle");

        ok(as(ALICE, "POST", "/groups/" + p + ".idle/reset", "{\"topic\":\"" + t + "\",\"to\":\"earliest\"}"), 200);
        refused(as(BOB, "POST", "/groups/" + g + "/reset", "{\"topic\":\"" + t + "\",\"to\":\"earliest\"}"), "alter",
                "group", g);

        ok(as(ALICE, "POST", "/groups/" + g + "/heartbeat", "{\"memberId\":\"" + memberId + "\",\"memberEpoch\":-1,"
                + "\"leaveEpoch\":" + memberEpoch + ",\"topics\":[\"" + t + "\"]}"), 200);
        assertThat(memberEpoch).isPositive();
    }

    @Test
    void shareGroupRoutesCheckTheirOperations() {
        String t = p + ".q";
        String sg = p + ".sg";
        createTopic(t, 1);
        ok(as(ADMIN, "POST", "/topics/" + t + "/records", record()), 200);
        grant(ALICE, "share-group", sg, "literal", "alter");
        grant(ALICE, "share-group", sg, "literal", "read");
        grant(ALICE, "share-group", sg, "literal", "delete");
        grant(ALICE, "topic", t, "literal", "read");
        grant(BOB, "share-group", sg, "literal", "describe");
        cacheExpires();

        refused(as(BOB, "PUT", "/share-groups/" + sg, "{\"topics\":[\"" + t + "\"]}"), "alter", "share-group", sg);
        refused(as(ALICE, "PUT", "/share-groups/" + p + ".other", "{\"topics\":[\"" + t + "\"]}"), "alter",
                "share-group", p + ".other");
        ok(as(ALICE, "PUT", "/share-groups/" + sg, "{\"topics\":[\"" + t + "\"]}"), 200);

        assertThat(texts(as(BOB, "GET", "/share-groups", null).json().path("shareGroups"))).contains(sg);
        assertThat(texts(as(ALICE, "GET", "/share-groups", null).json().path("shareGroups")))
                .as("alter, read and delete imply describe on a share group").contains(sg);
        grant(BOB, "share-group", sg, "literal", "describe");
        ok(as(BOB, "GET", "/share-groups/" + sg, null), 200);
        refused(as(BOB, "GET", "/share-groups/" + p + ".other", null), "describe", "share-group", p + ".other");

        Response fetched = as(ALICE, "POST", "/share-groups/" + sg + "/fetch", "{\"maxRecords\":1}");
        ok(fetched, 200);
        refused(as(BOB, "POST", "/share-groups/" + sg + "/fetch", "{\"maxRecords\":1}"), "read", "share-group", sg);
        JsonNode r = fetched.json().path("records").path(0);
        String ack = "{\"acks\":[{\"topic\":\"" + t + "\",\"partition\":0,\"offsets\":[" + r.path("offset").asLong()
                + "],\"lockToken\":\"" + r.path("lockToken").asText() + "\",\"type\":\"accept\"}]}";
        refused(as(BOB, "POST", "/share-groups/" + sg + "/acks", ack), "read", "share-group", sg);
        ok(as(ALICE, "POST", "/share-groups/" + sg + "/acks", ack), 200);

        refused(as(BOB, "POST", "/share-groups/" + sg + "/reset", "{\"topic\":\"" + t + "\",\"to\":\"earliest\"}"),
                "alter", "share-group", sg);
        ok(as(ALICE, "POST", "/share-groups/" + sg + "/reset", "{\"topic\":\"" + t + "\",\"to\":\"earliest\"}"), 200);
        refused(as(BOB, "DELETE", "/share-groups/" + sg, null), "delete", "share-group", sg);
        ok(as(ALICE, "DELETE", "/share-groups/" + sg, null), 204);
    }

    @Test
    void clusterRoutesNeedAlterOnTheCluster() {
        refused(as(BOB, "POST", "/acls", acl(BOB, "topic", "*", "literal", "all", "allow")), "alter", "cluster",
                "sluice-cluster");
        refused(as(BOB, "GET", "/acls", null), "alter", "cluster", "sluice-cluster");
        refused(as(BOB, "POST", "/maintenance", null), "alter", "cluster", "sluice-cluster");
        grant(ALICE, "cluster", "sluice-cluster", "literal", "alter");
        try {
            aliceAltersTheCluster();
        } finally {
            revoke(ALICE, "cluster", "sluice-cluster", "literal", "alter");
            cacheExpires();
        }
    }

    private void aliceAltersTheCluster() {
        cacheExpires();
        String extra = acl(BOB, "topic", p + ".x", "literal", "read", "allow");
        ok(as(ALICE, "POST", "/acls", extra), 201);
        JsonNode listed = as(ALICE, "GET", "/acls?principal=" + BOB + "&resourceType=topic&resourceName=" + p + ".x",
                null).json();
        assertThat(listed.path("acls")).hasSize(1);
        assertThat(listed.path("acls").path(0).path("operation").asText()).isEqualTo("read");
        refused(as(BOB, "DELETE", "/acls", extra), "alter", "cluster", "sluice-cluster");
        ok(as(ALICE, "DELETE", "/acls", extra), 204);
        Response again = as(ALICE, "DELETE", "/acls", extra);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("UNKNOWN_ACL");
        ok(as(ALICE, "POST", "/maintenance", null), 200);
    }

    @Test
    void badAclsAreRefusedWithTheFieldNamedAndChangeNothing() {
        String principal = "arn:aws:iam::000000000000:user/" + p;
        List<String[]> cases = List.of(
                new String[] {acl(principal, "broker", "x", "literal", "read", "allow"), "INVALID_ACL", "resourceType"},
                new String[] {acl(principal, "topic", "x", "glob", "read", "allow"), "INVALID_ACL", "patternType"},
                new String[] {acl(principal, "topic", "x", "literal", "produce", "allow"), "INVALID_ACL", "operation"},
                new String[] {acl(principal, "topic", "x", "literal", "read", "maybe"), "INVALID_ACL", "permission"},
                new String[] {acl(principal, "topic", "a/b", "literal", "read", "allow"), "INVALID_ACL", "resourceName"},
                new String[] {acl(principal, "cluster", "other", "literal", "alter", "allow"), "INVALID_ACL",
                        "sluice-cluster"},
                new String[] {acl("", "topic", "x", "literal", "read", "allow"), "INVALID_ACL", "principal"},
                new String[] {"{\"principal\":\"" + principal + "\",\"resourceType\":\"topic\"}", "INVALID_ACL",
                        "required"},
                new String[] {"{\"principal\":\"" + principal + "\",\"role\":\"admin\"}", "MALFORMED_JSON", "role"},
                new String[] {"not json", "MALFORMED_JSON", "JSON"});
        for (String[] c : cases) {
            Response r = as(ADMIN, "POST", "/acls", c[0]);
            assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
            assertThat(r.errorCode()).as(c[0]).isEqualTo(c[1]);
            assertThat(r.json().path("message").asText()).as(c[0]).contains(c[2]);
        }
        assertThat(as(ADMIN, "GET", "/acls?principal=" + principal, null).json().path("acls")).isEmpty();
        Response badFilter = as(ADMIN, "GET", "/acls?resourceType=broker", null);
        assertThat(badFilter.status()).isEqualTo(400);
        assertThat(badFilter.errorCode()).isEqualTo("INVALID_ACL");
        Response twice = as(ADMIN, "POST", "/acls", acl(principal, "topic", p, "literal", "read", "allow"));
        ok(twice, 201);
        assertThat(twice.json().path("created").asBoolean()).isTrue();
        Response again = as(ADMIN, "POST", "/acls", acl(principal, "topic", p, "literal", "read", "allow"));
        ok(again, 200);
        assertThat(again.json().path("created").asBoolean()).isFalse();
        assertThat(as(ADMIN, "GET", "/acls?principal=" + principal, null).json().path("acls")).hasSize(1);
    }

    @Test
    void literalPrefixedDenyAndStarBehaveAsDocumented() {
        for (String topic : List.of(".lit", ".lit2", ".team-x", ".team-secret", ".other", ".public")) {
            createTopic(p + topic, 1);
            ok(as(ADMIN, "POST", "/topics/" + p + topic + "/records", record()), 200);
        }
        grant(ALICE, "topic", p + ".lit", "literal", "read");
        grant(ALICE, "topic", p + ".team-", "prefixed", "read");
        deny(ALICE, "topic", p + ".team-secret", "literal", "read");
        grant("*", "topic", p + ".public", "literal", "read");
        cacheExpires();
        String fetch = "/partitions/0/records?offset=0";
        ok(as(ALICE, "GET", "/topics/" + p + ".lit" + fetch, null), 200);
        refused(as(ALICE, "GET", "/topics/" + p + ".lit2" + fetch, null), "read", "topic", p + ".lit2");
        ok(as(ALICE, "GET", "/topics/" + p + ".team-x" + fetch, null), 200);
        refused(as(ALICE, "GET", "/topics/" + p + ".team-secret" + fetch, null), "read", "topic", p + ".team-secret");
        refused(as(ALICE, "GET", "/topics/" + p + ".other" + fetch, null), "read", "topic", p + ".other");
        ok(as(BOB, "GET", "/topics/" + p + ".public" + fetch, null), 200);
        ok(as(ALICE, "GET", "/topics/" + p + ".public" + fetch, null), 200);
        refused(as(BOB, "GET", "/topics/" + p + ".team-x" + fetch, null), "read", "topic", p + ".team-x");
    }

    @Test
    void aChangeTakesEffectWithinTheCacheTime() {
        String t = p + ".t";
        createTopic(t, 1);
        String fetch = "/topics/" + t + "/partitions/0/records?offset=0";
        refused(as(BOB, "GET", fetch, null), "read", "topic", t);
        grant(BOB, "topic", t, "literal", "read");
        if (cacheTimeIsControlled()) {
            refused(as(BOB, "GET", fetch, null), "read", "topic", t);
        }
        cacheExpires();
        ok(as(BOB, "GET", fetch, null), 200);
        ok(as(ADMIN, "DELETE", "/acls", acl(BOB, "topic", t, "literal", "read", "allow")), 204);
        if (cacheTimeIsControlled()) {
            ok(as(BOB, "GET", fetch, null), 200);
        }
        cacheExpires();
        refused(as(BOB, "GET", fetch, null), "read", "topic", t);
    }

    /**
     * The hijack of issue 16, reproduced before ACLs: another principal inits the victim's producer name
     * (fencing it), then writes as its id with the next sequence. Both steps are now refused, and no
     * error tells the other principal the victim's epoch or sequence.
     */
    @Test
    void theProducerHijackIsRefused() {
        String t = p + ".t";
        String name = p + ".payments";
        createTopic(t, 1);
        grant(ALICE, "producer", name, "literal", "write");
        grant(ALICE, "topic", t, "literal", "write");
        grant(BOB, "producer", "*", "literal", "write");
        grant(BOB, "topic", t, "literal", "write");
        cacheExpires();

        Response init = as(ALICE, "POST", "/producers", "{\"name\":\"" + name + "\"}");
        ok(init, 200);
        long id = init.json().path("producerId").asLong();
        long epoch = init.json().path("producerEpoch").asLong();
        ok(as(ALICE, "POST", "/topics/" + t + "/records", idempotent(id, epoch, 0)), 200);

        refused(as(BOB, "POST", "/producers", "{\"name\":\"" + name + "\"}"), "write", "producer", name);
        refused(as(BOB, "POST", "/producers", "{\"name\":\"" + name + "\",\"producerId\":" + id + ",\"producerEpoch\":"
                + epoch + "}"), "write", "producer", name);
        for (long sequence : List.of(1L, 5L, 0L)) {
            Response hijack = as(BOB, "POST", "/topics/" + t + "/records", idempotent(id, epoch, sequence));
            refused(hijack, "write", "producer", Long.toString(id));
            assertThat(hijack.body()).doesNotContainIgnoringCase("sequence").doesNotContainIgnoringCase("epoch")
                    .doesNotContain("expected");
        }
        Response next = as(ALICE, "POST", "/topics/" + t + "/records", idempotent(id, epoch, 1));
        ok(next, 200);
        assertThat(next.json().path("offsets").path(0).path("offset").asLong()).as("nothing of bob's got in")
                .isEqualTo(1);

        // bob's own producers are his: unnamed ids from a cryptographic generator, never another's
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            Response own = as(BOB, "POST", "/producers", null);
            ok(own, 200);
            ids.add(own.json().path("producerId").asLong());
        }
        assertThat(ids).hasSize(10).doesNotContain(id);
        long bobs = ids.iterator().next();
        ok(as(BOB, "POST", "/topics/" + t + "/records", idempotent(bobs, 0, 0)), 200);
        refused(as(ALICE, "POST", "/topics/" + t + "/records", idempotent(bobs, 0, 1)), "write", "producer",
                Long.toString(bobs));
        // an admin may take a producer over (for an operator's recovery), which fences its owner
        ok(as(ADMIN, "POST", "/producers", "{\"name\":\"" + name + "\"}"), 200);
    }

    static String idempotent(long producerId, long epoch, long sequence) {
        return "{\"records\":[{\"value\":\"AQ==\",\"partition\":0}],\"producerId\":" + producerId + ",\"producerEpoch\":"
                + epoch + ",\"sequences\":[{\"partition\":0,\"sequence\":" + sequence + "}]}";
    }
}
