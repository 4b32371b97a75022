package io.sluice.tests.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LocalStackExtension;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each bad request answers its 4xx with a JSON error and a stable code, never a stack trace, and leaves
 * the log exactly as it was: the topic list and every partition's offsets are compared before and after.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private static final String TOPIC = "bad-input";
    private static final String SMALL = "bad-input-small";

    private final HttpApiClient api;

    BadInputTest(HttpApiClient api) {
        this.api = api;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }

    @BeforeAll
    void seed() {
        assertThat(api.post("/topics", "{\"name\":\"" + TOPIC + "\",\"partitions\":2}").status()).isEqualTo(201);
        assertThat(api.post("/topics", "{\"name\":\"" + SMALL + "\",\"partitions\":1,\"maxRecordBytes\":16}").status())
                .isEqualTo(201);
        assertThat(api.post("/topics/" + TOPIC + "/records",
                "{\"records\":[{\"value\":\"" + b64("seed") + "\",\"partition\":0}]}").status()).isEqualTo(200);
    }

    record Case(String name, String method, String path, byte[] body, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, String method, String path, String body, int status, String code) {
        return new Case(name, method, path, body == null ? null : body.getBytes(UTF_8), status, code);
    }

    static Stream<Arguments> cases() {
        String records = "/topics/" + TOPIC + "/records";
        String fetch = "/topics/" + TOPIC + "/partitions/0/records";
        List<Case> cases = new ArrayList<>(List.of(
                c("malformed JSON", "POST", records, "{\"records\": [", 400, "MALFORMED_JSON"),
                c("JSON of the wrong shape", "POST", records, "[1,2,3]", 400, "MALFORMED_JSON"),
                c("unknown field", "POST", records, "{\"records\":[{\"value\":\"" + b64("x") + "\",\"colour\":1}]}",
                        400, "MALFORMED_JSON"),
                c("empty body", "POST", records, "", 400, "MALFORMED_JSON"),
                c("a missing value", "POST", records, "{\"records\":[{\"key\":\"" + b64("k") + "\"}]}", 400,
                        "INVALID_RECORD"),
                c("bad base64", "POST", records, "{\"records\":[{\"value\":\"not base64!!\"}]}", 400,
                        "INVALID_RECORD"),
                c("bad base64 in a header", "POST", records, "{\"records\":[{\"value\":\"" + b64("x")
                        + "\",\"headers\":[{\"key\":\"h\",\"value\":\"%%%\"}]}]}", 400, "INVALID_RECORD"),
                c("no records", "POST", records, "{\"records\":[]}", 400, "INVALID_RECORD"),
                c("a negative timestamp", "POST", records, "{\"records\":[{\"value\":\"" + b64("x")
                        + "\",\"timestamp\":-1}]}", 400, "INVALID_RECORD"),
                c("an invalid topic name", "POST", "/topics", "{\"name\":\"no/slashes\",\"partitions\":1}", 400,
                        "INVALID_TOPIC_NAME"),
                c("the topic name '.'", "POST", "/topics", "{\"name\":\".\",\"partitions\":1}", 400,
                        "INVALID_TOPIC_NAME"),
                c("the topic name '..'", "POST", "/topics", "{\"name\":\"..\",\"partitions\":1}", 400,
                        "INVALID_TOPIC_NAME"),
                c("a topic name too long", "POST", "/topics", "{\"name\":\"" + "x".repeat(250) + "\",\"partitions\":1}",
                        400, "INVALID_TOPIC_NAME"),
                c("zero partitions", "POST", "/topics", "{\"name\":\"zero\",\"partitions\":0}", 400,
                        "INVALID_PARTITION_COUNT"),
                c("an unknown compression", "POST", "/topics",
                        "{\"name\":\"snappy\",\"partitions\":1,\"compression\":\"snappy\"}", 400, "INVALID_CONFIG"),
                c("partitions as a string", "POST", "/topics", "{\"name\":\"str\",\"partitions\":\"3\"}", 400,
                        "MALFORMED_JSON"),
                c("a topic that exists", "POST", "/topics", "{\"name\":\"" + TOPIC + "\",\"partitions\":5}", 409,
                        "TOPIC_EXISTS"),
                c("an unknown topic", "POST", "/topics/nope/records", "{\"records\":[{\"value\":\"" + b64("x")
                        + "\"}]}", 404, "UNKNOWN_TOPIC"),
                c("describe an unknown topic", "GET", "/topics/nope", null, 404, "UNKNOWN_TOPIC"),
                c("a partition out of range (produce)", "POST", records, "{\"records\":[{\"value\":\"" + b64("x")
                        + "\",\"partition\":2}]}", 404, "UNKNOWN_PARTITION"),
                c("a partition out of range (fetch)", "GET", "/topics/" + TOPIC + "/partitions/9/records?offset=0",
                        null, 404, "UNKNOWN_PARTITION"),
                c("a negative offset", "GET", fetch + "?offset=-1", null, 400, "INVALID_OFFSET"),
                c("an offset past the high watermark", "GET", fetch + "?offset=2", null, 416, "OFFSET_OUT_OF_RANGE"),
                c("a record over the size limit", "POST", "/topics/" + SMALL + "/records", "{\"records\":[{\"value\":\""
                        + b64("x".repeat(17)) + "\"}]}", 413, "RECORD_TOO_LARGE"),
                c("a wrong method", "PUT", "/topics", "{}", 405, "METHOD_NOT_ALLOWED"),
                c("a wrong method on records", "DELETE", records, null, 405, "METHOD_NOT_ALLOWED"),
                c("an unknown route", "GET", "/brokers", null, 404, "ROUTE_NOT_FOUND"),
                c("a non-numeric offset", "GET", fetch + "?offset=abc", null, 400, "INVALID_REQUEST"),
                c("a missing offset", "GET", fetch, null, 400, "INVALID_REQUEST"),
                c("a non-numeric partition", "GET", "/topics/" + TOPIC + "/partitions/zero/records?offset=0", null,
                        400, "INVALID_REQUEST"),
                c("a non-numeric maxBytes", "GET", fetch + "?offset=0&maxBytes=lots", null, 400, "INVALID_REQUEST"),
                c("maxBytes of zero", "GET", fetch + "?offset=0&maxBytes=0", null, 400, "INVALID_REQUEST"),
                c("maxRecords of zero", "GET", fetch + "?offset=0&maxRecords=0", null, 400, "INVALID_REQUEST"),
                c("maxRecords over 10,000", "GET", fetch + "?offset=0&maxRecords=10001", null, 400,
                        "INVALID_REQUEST"),
                c("a timestamp far in the future", "POST", records, "{\"records\":[{\"value\":\"" + b64("x")
                        + "\",\"timestamp\":" + Long.MAX_VALUE + "}]}", 400, "INVALID_TIMESTAMP"),
                c("65 headers", "POST", records, "{\"records\":[{\"value\":\"" + b64("x") + "\",\"headers\":["
                        + String.join(",", java.util.Collections.nCopies(65, "{\"key\":\"h\"}")) + "]}]}", 400,
                        "INVALID_RECORD"),
                c("a header key over 256 bytes", "POST", records, "{\"records\":[{\"value\":\"" + b64("x")
                        + "\",\"headers\":[{\"key\":\"" + "k".repeat(257) + "\"}]}]}", 400, "INVALID_RECORD"),
                c("offsets without at", "GET", "/topics/" + TOPIC + "/partitions/0/offsets", null, 400,
                        "INVALID_REQUEST"),
                c("offsets at a bad value", "GET", "/topics/" + TOPIC + "/partitions/0/offsets?at=soon", null, 400,
                        "INVALID_REQUEST")));
        byte[] huge = new byte[6 * 1024 * 1024 + 100];
        byte[] prefix = ("{\"records\":[{\"value\":\"").getBytes(UTF_8);
        System.arraycopy(prefix, 0, huge, 0, prefix.length);
        java.util.Arrays.fill(huge, prefix.length, huge.length - 4, (byte) 'A');
        System.arraycopy("\"}]}".getBytes(UTF_8), 0, huge, huge.length - 4, 4);
        cases.add(new Case("a request over 6 MB", "POST", records, huge, 413, "REQUEST_TOO_LARGE"));
        return cases.stream().map(Arguments::of);
    }

    /** Everything a client can see of the log's state. */
    private String snapshot() {
        StringBuilder state = new StringBuilder(api.get("/topics").body());
        for (String topic : List.of(TOPIC, SMALL)) {
            state.append(api.get("/topics/" + topic).body());
            state.append(api.get("/topics/" + topic + "/partitions/0/records?offset=0").body());
        }
        return state.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAClear4xxAndChangesNothing(Case bad) {
        String before = snapshot();
        Response response = api.send(bad.method(), bad.path(), bad.body());
        assertThat(response.status()).as(response.body()).isEqualTo(bad.status());
        assertThat(response.json()).as("a JSON body").isNotNull();
        assertThat(response.errorCode()).isEqualTo(bad.code());
        assertThat(response.json().path("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.sluice.");
        if (bad.status() == 416) {
            assertThat(response.json().path("logStartOffset").asLong()).isZero();
            assertThat(response.json().path("highWatermark").asLong()).isEqualTo(1);
        }
        assertThat(snapshot()).as("the log is unchanged").isEqualTo(before);
    }
}
