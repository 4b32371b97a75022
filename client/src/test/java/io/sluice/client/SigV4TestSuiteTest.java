package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Issue 15: the client's signing held to AWS's published Signature Version 4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html,
 * service "service", us-east-1, AKIDEXAMPLE, 2015-08-30T12:36:00Z), for the cases that apply to a client
 * of an HTTP API: plain GET and POST, query ordering, unreserved and UTF-8 query characters, an empty query
 * value, a signed content type with a body, header value trimming, case and repetition, and a session
 * token signed with the request. (The path-normalization cases do not apply: the SDK encodes a path twice
 * for execute-api, while the suite's paths are unencoded.)
 */
class SigV4TestSuiteTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String STS_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwA"
            + "eMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0"
            + "wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9"
            + "FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
    private static final Clock SUITE_TIME = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

    /** One case of the suite: the request, and the Authorization header the suite gives for it. */
    record Vector(String name, String method, String pathAndQuery, Map<String, List<String>> headers, String body,
                  boolean sessionToken, String signedHeaders, String signature) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> vectors() {
        return List.of(
                new Vector("get-vanilla", "GET", "/", Map.of(), "", false, "host;x-amz-date",
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
                new Vector("get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", Map.of(), "",
                        false, "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
                new Vector("get-vanilla-query-unreserved", "GET",
                        "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                + "=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                        Map.of(), "", false, "host;x-amz-date",
                        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"),
                new Vector("get-vanilla-utf8-query", "GET", "/?%E1%88%B4=bar", Map.of(), "", false, "host;x-amz-date",
                        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"),
                new Vector("get-header-key-duplicate", "GET", "/",
                        Map.of("My-Header1", List.of("value2", "value2", "value1")), "", false,
                        "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"),
                new Vector("get-header-value-trim", "GET", "/",
                        orderedHeaders("My-Header1", " value1", "My-Header2", " \"a   b   c\""), "", false,
                        "host;my-header1;my-header2;x-amz-date",
                        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
                new Vector("post-vanilla", "POST", "/", Map.of(), "", false, "host;x-amz-date",
                        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
                new Vector("post-vanilla-empty-query-value", "POST", "/?Param1=value1", Map.of(), "", false,
                        "host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"),
                new Vector("post-header-value-case", "POST", "/", Map.of("My-Header1", List.of("VALUE1")), "", false,
                        "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"),
                new Vector("post-x-www-form-urlencoded", "POST", "/",
                        Map.of("Content-Type", List.of("application/x-www-form-urlencoded")), "Param1=value1", false,
                        "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
                new Vector("post-sts-header-before", "POST", "/", Map.of(), "", true,
                        "host;x-amz-date;x-amz-security-token",
                        "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"));
    }

    private static Map<String, List<String>> orderedHeaders(String n1, String v1, String n2, String v2) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put(n1, List.of(v1));
        headers.put(n2, List.of(v2));
        return headers;
    }

    /** The independent, test-only verifier computes exactly the signature the suite publishes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theVerifierReproducesTheSuite(Vector vector) {
        Map<String, List<String>> headers = new java.util.TreeMap<>();
        headers.put("host", List.of("example.amazonaws.com"));
        headers.put("x-amz-date", List.of("20150830T123600Z"));
        if (vector.sessionToken()) {
            headers.put("x-amz-security-token", List.of(STS_TOKEN));
        }
        vector.headers().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), values));
        URI uri = URI.create("https://example.amazonaws.com" + vector.pathAndQuery());
        assertThat(SigV4Verifier.signature(vector.method(), uri.getRawPath(), uri.getRawQuery(), headers,
                vector.signedHeaders().split(";"), vector.body().getBytes(StandardCharsets.UTF_8), SECRET, "20150830",
                "us-east-1", "service", "20150830T123600Z")).isEqualTo(vector.signature());
    }

    /**
     * The SDK signer, given the suite's request, key and time, signs the suite's headers plus the one it
     * always adds for a SigV4 request, x-amz-content-sha256 (the body's SHA-256), so its signature cannot be
     * the suite's byte for byte; it is the one the verifier above, held to the suite, computes over what
     * the SDK sends.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theSdkSignerSignsTheSuitesRequestsVerifiably(Vector vector) {
        byte[] body = vector.body().getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(vector.method()))
                .uri(URI.create("https://example.amazonaws.com" + vector.pathAndQuery()));
        vector.headers().forEach(request::putHeader);
        AwsCredentialsIdentity identity = vector.sessionToken()
                ? AwsSessionCredentialsIdentity.create("AKIDEXAMPLE", SECRET, STS_TOKEN)
                : AwsCredentialsIdentity.create("AKIDEXAMPLE", SECRET);
        SdkHttpRequest signed = SluiceHttp.sign(request.build(), body, identity, "us-east-1", "service", SUITE_TIME);

        assertThat(signed.firstMatchingHeader("X-Amz-Date")).contains("20150830T123600Z");
        assertThat(signed.firstMatchingHeader("x-amz-content-sha256"))
                .contains(java.util.HexFormat.of().formatHex(sha256(body)));
        List<String> expectedSigned = new java.util.ArrayList<>(List.of(vector.signedHeaders().split(";")));
        expectedSigned.add("x-amz-content-sha256");
        java.util.Collections.sort(expectedSigned);
        assertThat(signed.firstMatchingHeader("Authorization").orElseThrow())
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=" + String.join(";", expectedSigned) + ", Signature=");
        SigV4Verifier.verify(new SigV4Verifier.Received(vector.method(), signed.encodedPath(),
                signed.getUri().getRawQuery(), signed.headers(), body), "AKIDEXAMPLE", SECRET, "us-east-1", "service");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
