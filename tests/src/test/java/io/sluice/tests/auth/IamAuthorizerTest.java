package io.sluice.tests.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.sluice.infra.auth.AuthDecision;
import io.sluice.infra.auth.AuthRequest;
import io.sluice.infra.auth.IamAuthorizer;
import io.sluice.infra.auth.IamCredentials;
import io.sluice.infra.auth.IamIdentity;
import io.sluice.tests.support.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The local IAM authorizer, request by request, with requests signed by the AWS SDK's own signer: what it
 * accepts, what API Gateway's answer is to each thing it refuses, and the identity it hands the function.
 */
class IamAuthorizerTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    private static final String ROLE = "arn:aws:sts::210987654321:assumed-role/Consumers/worker-1";
    private static final IamCredentials CREDENTIALS = IamCredentials.of(List.of(
            new IamIdentity("AKIAALICE00000000001", "alice-secret", ALICE),
            new IamIdentity("ASIAROLE000000000002", "role-secret", ROLE)));

    private final MutableClock clock = new MutableClock(NOW.toEpochMilli());
    private final IamAuthorizer authorizer = new IamAuthorizer(CREDENTIALS, "eu-west-1", clock);

    /** {@code method uri} with {@code body}, signed as the SDK signs it, as the gateway receives it. */
    static AuthRequest signed(String method, String uri, String body, String accessKey, String secret, String region,
                              String service, Instant at) {
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(uri));
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) {
            request.putHeader("content-type", "application/json");
        }
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(accessKey, secret)).request(request.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
        URI u = URI.create(uri);
        return new AuthRequest(method, u.getRawPath(), u.getRawQuery(), signed.headers(), payload);
    }

    private AuthRequest alice(String method, String uri, String body) {
        return signed(method, uri, body, "AKIAALICE00000000001", "alice-secret", "eu-west-1", "execute-api", NOW);
    }

    private static AuthRequest with(AuthRequest request, String header, String... values) {
        Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
        if (values.length == 0) {
            headers.remove(header);
        } else {
            headers.put(header, List.of(values));
        }
        return new AuthRequest(request.method(), request.rawPath(), request.rawQuery(), headers, request.body());
    }

    private void setClock(Instant at) {
        clock.advance(at.toEpochMilli() - clock.millis());
    }

    private static AuthDecision.Refused refused(AuthDecision decision) {
        assertThat(decision).isInstanceOf(AuthDecision.Refused.class);
        AuthDecision.Refused refused = (AuthDecision.Refused) decision;
        assertThat(refused.status()).isEqualTo(403);
        return refused;
    }

    @Test
    void everyMethodSignedByTheSdkIsAcceptedAndNamesTheCallerAsApiGatewayDoes() {
        List<AuthRequest> requests = List.of(
                alice("GET", "http://127.0.0.1:7070/topics", ""),
                alice("GET", "http://127.0.0.1:7070/topics/t/partitions/0/records?offset=0&maxBytes=1048576", ""),
                alice("GET", "http://127.0.0.1:7070/topics/t/partitions/0/records?maxBytes=1&offset=5&offset=6", ""),
                alice("DELETE", "http://127.0.0.1:7070/topics/t", ""),
                alice("POST", "http://127.0.0.1:7070/topics", "{\"name\":\"t\",\"partitions\":1}"),
                alice("POST", "http://127.0.0.1:7070/producers", ""),
                alice("GET", "http://127.0.0.1:7070/topics/a%20b%2Fc", ""));
        for (AuthRequest request : requests) {
            AuthDecision decision = authorizer.authorize(request, "GET /topics");
            assertThat(decision).as(request.method() + " " + request.rawPath() + "?" + request.rawQuery())
                    .isInstanceOf(AuthDecision.Allowed.class);
            APIGatewayV2HTTPEvent.RequestContext.IAM iam = ((AuthDecision.Allowed) decision).authorizer().getIam();
            assertThat(iam.getUserArn()).isEqualTo(ALICE);
            assertThat(iam.getAccessKey()).isEqualTo("AKIAALICE00000000001");
            assertThat(iam.getAccountId()).isEqualTo("123456789012");
            assertThat(iam.getUserId()).startsWith("AIDA").hasSize(21).isEqualTo(iam.getCallerId());
            assertThat(iam.getCognitoIdentity()).isNull();
            assertThat(iam.getPrincipalOrgId()).isNull();
        }
        AuthDecision role = authorizer.authorize(signed("GET", "http://127.0.0.1:7070/topics", "",
                "ASIAROLE000000000002", "role-secret", "eu-west-1", "execute-api", NOW), "GET /topics");
        APIGatewayV2HTTPEvent.RequestContext.IAM iam = ((AuthDecision.Allowed) role).authorizer().getIam();
        assertThat(iam.getUserArn()).isEqualTo(ROLE);
        assertThat(iam.getAccountId()).isEqualTo("210987654321");
        assertThat(iam.getUserId()).startsWith("AROA").endsWith(":worker-1");
    }

    @Test
    void noSignatureIsForbidden() {
        AuthRequest request = with(alice("GET", "http://127.0.0.1:7070/topics", ""), "authorization");
        AuthDecision.Refused refused = refused(authorizer.authorize(request, "GET /topics"));
        assertThat(refused.message()).isEqualTo("Forbidden");
        assertThat(refused.headers()).containsEntry("x-amzn-ErrorType", "MissingAuthenticationTokenException");
    }

    @Test
    void aWrongSecretOrAnythingChangedAfterSigningIsASignatureMismatch() {
        String mismatch = "The request signature we calculated does not match the signature you provided. Check your "
                + "AWS Secret Access Key and signing method. Consult the service documentation for details.";
        AuthRequest wrongSecret = signed("POST", "http://127.0.0.1:7070/topics", "{\"name\":\"t\"}",
                "AKIAALICE00000000001", "not-alice-secret", "eu-west-1", "execute-api", NOW);
        assertThat(refused(authorizer.authorize(wrongSecret, "POST /topics")).message()).isEqualTo(mismatch);

        AuthRequest good = alice("POST", "http://127.0.0.1:7070/topics?x=1", "{\"name\":\"t\",\"partitions\":1}");
        List<AuthRequest> tampered = new ArrayList<>();
        tampered.add(new AuthRequest("POST", good.rawPath(), good.rawQuery(), good.headers(),
                "{\"name\":\"u\",\"partitions\":1}".getBytes(StandardCharsets.UTF_8)));
        tampered.add(new AuthRequest("POST", good.rawPath(), "x=2", good.headers(), good.body()));
        tampered.add(new AuthRequest("POST", "/topics/", good.rawQuery(), good.headers(), good.body()));
        tampered.add(new AuthRequest("PUT", good.rawPath(), good.rawQuery(), good.headers(), good.body()));
        tampered.add(with(good, "content-type", "text/plain"));
        tampered.add(with(good, "content-type"));
        tampered.add(with(good, "host", "127.0.0.1:7071"));
        String authorization = good.header("authorization");
        char last = authorization.charAt(authorization.length() - 1);
        tampered.add(with(good, "authorization",
                authorization.substring(0, authorization.length() - 1) + (last == '0' ? '1' : '0')));
        for (AuthRequest request : tampered) {
            assertThat(refused(authorizer.authorize(request, "POST /topics")).message())
                    .as(request.method() + " " + request.rawPath() + "?" + request.rawQuery() + " " + request.headers())
                    .isEqualTo(mismatch);
        }
        assertThat(authorizer.authorize(good, "POST /topics")).isInstanceOf(AuthDecision.Allowed.class);
    }

    @Test
    void aSignatureMoreThanFiveMinutesOffIsExpiredOrNotYetCurrent() {
        AuthRequest request = alice("GET", "http://127.0.0.1:7070/topics", "");
        setClock(NOW.plus(Duration.ofMinutes(5)));
        assertThat(authorizer.authorize(request, "GET /topics")).as("exactly 5 minutes old")
                .isInstanceOf(AuthDecision.Allowed.class);
        setClock(NOW.plus(Duration.ofMinutes(5)).plusSeconds(1));
        assertThat(refused(authorizer.authorize(request, "GET /topics")).message())
                .isEqualTo("Signature expired: 20260301T100000Z is now earlier than 20260301T100001Z "
                        + "(20260301T100501Z - 5 min.)");
        setClock(NOW.minus(Duration.ofMinutes(5)).minusSeconds(1));
        assertThat(refused(authorizer.authorize(request, "GET /topics")).message())
                .isEqualTo("Signature not yet current: 20260301T100000Z is still later than 20260301T095959Z "
                        + "(20260301T095459Z + 5 min.)");
    }

    @Test
    void anUnknownKeyAnotherRegionOrServiceAndMalformedHeadersAreRefused() {
        AuthRequest unknown = signed("GET", "http://127.0.0.1:7070/topics", "", "AKIAUNKNOWN000000000", "x",
                "eu-west-1", "execute-api", NOW);
        assertThat(refused(authorizer.authorize(unknown, "GET /topics")).message())
                .isEqualTo("The security token included in the request is invalid.");
        AuthRequest otherRegion = signed("GET", "http://127.0.0.1:7070/topics", "", "AKIAALICE00000000001",
                "alice-secret", "us-east-1", "execute-api", NOW);
        assertThat(refused(authorizer.authorize(otherRegion, "GET /topics")).message())
                .startsWith("Credential should be scoped to a valid region");
        AuthRequest otherService = signed("GET", "http://127.0.0.1:7070/topics", "", "AKIAALICE00000000001",
                "alice-secret", "eu-west-1", "s3", NOW);
        assertThat(refused(authorizer.authorize(otherService, "GET /topics")).message())
                .isEqualTo("Credential should be scoped to correct service: 'execute-api'. ");
        AuthRequest good = alice("GET", "http://127.0.0.1:7070/topics", "");
        assertThat(refused(authorizer.authorize(with(good, "authorization", "Bearer abc"), "GET /topics")).message())
                .isEqualTo("Unsupported AWS 'algorithm': 'Bearer'");
        assertThat(refused(authorizer.authorize(with(good, "authorization", "AWS4-HMAC-SHA256 Credential=x"),
                "GET /topics")).message()).startsWith("Authorization header requires 'Signature' parameter. "
                + "Authorization header requires 'SignedHeaders' parameter.");
        assertThat(refused(authorizer.authorize(with(good, "x-amz-date"), "GET /topics")).message())
                .contains("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        assertThat(refused(authorizer.authorize(with(good, "x-amz-date", "yesterday"), "GET /topics")).message())
                .startsWith("Date must be in ISO-8601 'basic format'.");
        assertThat(refused(authorizer.authorize(with(good, "authorization", good.header("authorization"),
                good.header("authorization")), "GET /topics")).message()).contains("more than once");
        assertThat(refused(authorizer.authorize(with(good, "x-amz-security-token", "stolen"), "GET /topics"))
                .message()).isEqualTo("The security token included in the request is invalid.");
    }

    @Test
    void theBodyHashHeaderMustBeTheBodysHash() {
        AuthRequest good = alice("POST", "http://127.0.0.1:7070/topics", "{\"name\":\"t\"}");
        assertThat(good.header("x-amz-content-sha256")).as("the SDK signs the body's hash").isNotNull();
        AuthRequest lying = new AuthRequest("POST", good.rawPath(), good.rawQuery(), good.headers(),
                "{\"name\":\"evil\"}".getBytes(StandardCharsets.UTF_8));
        refused(authorizer.authorize(lying, "POST /topics"));
        refused(authorizer.authorize(with(good, "x-amz-content-sha256", "UNSIGNED-PAYLOAD"), "POST /topics"));
    }
}
