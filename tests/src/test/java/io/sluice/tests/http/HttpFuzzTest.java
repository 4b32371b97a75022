package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and malformed requests against every route of the local stack. Whatever arrives: no 5xx, no
 * stack trace or class name in the body, a JSON body, and after a 4xx the log and the group are exactly
 * as they were.
 */
class HttpFuzzTest {

    private static final String TOPIC = "fz";
    private static final String GROUP = "fzg";
    private static final ObjectMapper JSON = new ObjectMapper();

    record FuzzRequest(String method, String path, byte[] body) {
        @Override
        public String toString() {
            return method + " " + path + " " + (body == null ? "(no body)"
                    : new String(body, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]", "?"));
        }
    }

    @BeforeContainer
    static void seed() {
        HttpApiClient api = LocalStackExtension.shared();
        api.post("/topics", "{\"name\":\"" + TOPIC + "\",\"partitions\":2}");
        api.post("/topics/" + TOPIC + "/records", "{\"records\":[{\"value\":\"AA==\",\"partition\":0}]}");
        api.post("/groups/" + GROUP + "/offsets", "{\"offsets\":[{\"topic\":\"" + TOPIC + "\",\"partition\":0,\"offset\":1}]}");
    }

    private static String snapshot(HttpApiClient api) {
        return api.get("/topics").body() + api.get("/topics/" + TOPIC).body()
                + api.get("/topics/" + TOPIC + "/partitions/0/records?offset=0").body()
                + api.get("/topics/" + TOPIC + "/partitions/1/records?offset=0").body()
                + api.get("/groups/" + GROUP).body();
    }

    @Property(tries = 500)
    void anyRequestIsAnsweredCleanlyAndA4xxChangesNothing(@ForAll("requests") FuzzRequest request) throws Exception {
        HttpApiClient api = LocalStackExtension.shared();
        String before = snapshot(api);
        Response response = api.send(request.method(), request.path(), request.body());
        assertThat(response.status()).as(response.body()).isLessThan(500);
        if (response.status() != 204) {
            assertThat(JSON.readTree(response.body())).as("a JSON body").isNotNull();
        }
        assertThat(response.body()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("io.sluice.")
                .doesNotContain("com.fasterxml");
        if (response.status() >= 400) {
            assertThat(response.body()).contains("\"error\"").contains("\"message\"");
            assertThat(snapshot(api)).as("state after %s", response.body()).isEqualTo(before);
        }
    }

    @Provide
    Arbitrary<FuzzRequest> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "GET", "POST");
        return Combinators.combine(method, paths(), queries(), bodies())
                .as((m, path, query, body) -> new FuzzRequest(m, path + query, body));
    }

    private static Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.of(TOPIC, GROUP, "nope", "x".repeat(250), "a.b-c_d", "%2F", "%00", "..", "-1", "0",
                        "%E2%82%AC", "t%20t"),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('.', '_', '-').ofMinLength(1)
                        .ofMaxLength(12));
    }

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(Arbitraries.of("0", "1", "-1", "2", "99999999999999999999", "1e3", "0x10", "",
                        "abc", "%20", "9223372036854775807", "-9223372036854775808"),
                Arbitraries.integers().between(-5, 5).map(Object::toString));
    }

    private Arbitrary<String> paths() {
        return Arbitraries.oneOf(
                Arbitraries.of("/topics", "/producers", "/maintenance", "/", "/nothing", "/topics/", "/groups", "/groups/"),
                names().map(n -> "/topics/" + n),
                names().map(n -> "/topics/" + n + "/records"),
                Combinators.combine(names(), numbers()).as((n, p) -> "/topics/" + n + "/partitions/" + p + "/records"),
                Combinators.combine(names(), numbers()).as((n, p) -> "/topics/" + n + "/partitions/" + p + "/offsets"),
                names().map(n -> "/groups/" + n),
                names().map(n -> "/groups/" + n + "/heartbeat"),
                names().map(n -> "/groups/" + n + "/offsets"),
                names().map(n -> "/groups/" + n + "/reset"));
    }

    private Arbitrary<String> queries() {
        Arbitrary<String> parameter = Combinators.combine(
                Arbitraries.of("offset", "maxBytes", "maxWaitMs", "at", "junk"),
                Arbitraries.oneOf(numbers(), Arbitraries.of("earliest", "latest", "5", "10", "50")))
                .as((k, v) -> k.equals("maxWaitMs") && v.matches("\\d{3,}") ? k + "=7" : k + "=" + v);
        return parameter.list().ofMaxSize(4).map(list -> list.isEmpty() ? "" : "?" + String.join("&", list));
    }

    private Arbitrary<byte[]> bodies() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.of("AA==", "not base64", "", "fz", "earliest", "latest"),
                Arbitraries.integers().between(-3, 1001).map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null),
                Arbitraries.doubles().map(d -> (Object) d));
        Arbitrary<String> field = Arbitraries.of("name", "partitions", "records", "value", "key", "partition",
                "offset", "offsets", "topic", "topics", "memberId", "memberEpoch", "sessionTimeoutMs", "to",
                "timestamp", "producerId", "producerEpoch", "sequences", "sequence", "headers", "retentionMs",
                "maxRecordBytes", "metadata", "colour");
        Arbitrary<Object> leaf = Arbitraries.oneOf(scalar,
                Combinators.combine(field, scalar).as((k, v) -> {
                    Map<String, Object> m = new java.util.HashMap<>();
                    m.put(k, v);
                    return (Object) m;
                }));
        Arbitrary<Object> list = leaf.list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> object = Combinators.combine(field.list().ofMaxSize(5), Arbitraries.oneOf(leaf, list).list().ofSize(5))
                .as((keys, values) -> {
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    for (int i = 0; i < keys.size(); i++) {
                        m.put(keys.get(i), values.get(i));
                    }
                    return (Object) m;
                });
        Arbitrary<byte[]> json = Arbitraries.oneOf(object, list, scalar).map(HttpFuzzTest::write);
        Arbitrary<byte[]> text = Arbitraries.strings().ofMaxLength(60).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(60);
        Arbitrary<byte[]> broken = object.map(HttpFuzzTest::write)
                .map(b -> java.util.Arrays.copyOf(b, Math.max(0, b.length - 2)));
        return Arbitraries.oneOf(json, json, text, raw, broken, Arbitraries.just(null));
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
