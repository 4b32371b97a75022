package io.sluice.tests.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.auth.SigV4;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local stack's SigV4 computation ({@link SigV4}, what {@code sluice-local --auth iam} checks every
 * request with) against AWS's published Signature Version 4 test suite: service "service", us-east-1,
 * AKIDEXAMPLE, 2015-08-30T12:36:00Z. Each case is the suite's request as a server receives it (the header
 * values untrimmed, a repeated header as several values) and the signature the suite gives for it. The
 * path-normalization cases are left out: API Gateway receives the path the client sent, as sent.
 */
class SigV4TestSuiteVerifierTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String STS_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwA"
            + "eMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0"
            + "wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9"
            + "FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    record Vector(String name, String method, String pathAndQuery, Map<String, List<String>> headers, String body,
                  String signedHeaders, String signature) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() {
        return List.of(
                new Vector("get-vanilla", "GET", "/", Map.of(), "", "host;x-amz-date",
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                new Vector("get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", Map.of(), "",
                        "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
                new Vector("get-vanilla-query-unreserved", "GET",
                        "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                + "=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        Map.of(), "", "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
                new Vector("get-vanilla-utf8-query", "GET", "/?%E1%88%B4=bar", Map.of(), "", "host;x-amz-date",
                        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
                new Vector("get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        Map.of(), "", "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
                new Vector("get-header-key-duplicate", "GET", "/",
                        Map.of("My-Header1", List.of("value2", "value2", "value1")), "", "host;my-header1;x-amz-date",
                        "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
                new Vector("get-header-value-trim", "GET", "/",
                        headers("My-Header1", " value1", "My-Header2", " \"a   b   c\""), "",
                        "host;my-header1;my-header2;x-amz-date",
                        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
                new Vector("post-vanilla", "POST", "/", Map.of(), "", "host;x-amz-date",
                        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
                new Vector("post-vanilla-empty-query-value", "POST", "/?Param1=value1", Map.of(), "", "host;x-amz-date",
                        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
                new Vector("post-header-value-case", "POST", "/", Map.of("My-Header1", List.of("VALUE1")), "",
                        "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
                new Vector("post-x-www-form-urlencoded", "POST", "/",
                        Map.of("Content-Type", List.of("application/x-www-form-urlencoded")), "Param1=value1",
                        "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
                new Vector("post-sts-header-before", "POST", "/", Map.of("X-Amz-Security-Token", List.of(STS_TOKEN)), "",
                        "host;x-amz-date;x-amz-security-token",
                        "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"));
    }

    private static Map<String, List<String>> headers(String n1, String v1, String n2, String v2) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(n1, List.of(v1));
        headers.put(n2, List.of(v2));
        return headers;
    }

    static String signature(Vector vector, String secret) {
        Map<String, List<String>> received = new TreeMap<>();
        received.put("host", List.of("example.amazonaws.com"));
        received.put("x-amz-date", List.of("20150830T123600Z"));
        vector.headers().forEach((name, values) -> received.put(name.toLowerCase(Locale.ROOT), values));
        URI uri = URI.create("https://example.amazonaws.com" + vector.pathAndQuery());
        byte[] body = vector.body().getBytes(StandardCharsets.UTF_8);
        String canonical = SigV4.canonicalRequest(vector.method(), uri.getRawPath(), uri.getRawQuery(), received,
                List.of(vector.signedHeaders().split(";")), SigV4.hex(SigV4.sha256(body)));
        String stringToSign = SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request",
                canonical);
        return SigV4.signature(secret, "20150830", "us-east-1", "service", stringToSign);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theLocalStacksVerifierComputesTheSuitesSignature(Vector vector) {
        assertThat(signature(vector, SECRET)).isEqualTo(vector.signature());
        assertThat(signature(vector, SECRET.replace('K', 'k'))).as("another secret").isNotEqualTo(vector.signature());
    }
}
