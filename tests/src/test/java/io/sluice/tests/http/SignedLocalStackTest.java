package io.sluice.tests.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.client.cli.SluiceCli;
import io.sluice.client.wire.Wire;
import io.sluice.infra.LocalApiGateway;
import io.sluice.infra.LocalStack;
import io.sluice.infra.SamTemplate;
import io.sluice.infra.auth.AuthConfig;
import io.sluice.infra.auth.IamAuthorizer;
import io.sluice.infra.auth.IamCredentials;
import io.sluice.infra.auth.IamIdentity;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Issue 15, "what must show": the SDK (producer, consumer, admin) and the CLI, signed, against the local
 * stack started in this JVM as {@code sluice-local --auth iam --credentials FILE}. Every method (GET, POST,
 * DELETE, with and without a body, with a query string) goes through when signed; a wrong secret, a missing
 * signature and a replayed signature older than 5 minutes are each refused with 403 and change nothing.
 * The stack's clock is a test clock, so "older than 5 minutes" needs no waiting.
 */
class SignedLocalStackTest {

    private static final String PRODUCER_KEY = "AKIASIGNEDPRODUCER01";
    private static final String PRODUCER_SECRET = "producer-secret-0001";
    private static final String PRODUCER_ARN = "arn:aws:iam::111122223333:user/producer";
    private static final String OPERATOR_KEY = "AKIASIGNEDOPERATOR02";
    private static final String OPERATOR_SECRET = "operator-secret-0002";
    private static final String MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for "
            + "details.";
    /** The region the CLI signs for (SluiceHttp.Config.of reads it so); the stack is told the same. */
    private static final String REGION = System.getenv().getOrDefault("AWS_REGION",
            System.getenv().getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));

    @TempDir
    static Path dir;

    private static MutableClock stackClock;
    private static LocalStack stack;
    private static URI endpoint;
    private final HttpClient raw = HttpClient.newHttpClient();

    @BeforeAll
    static void startSignedStack() throws Exception {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, "# identities of the signed local stack\n"
                + PRODUCER_KEY + " " + PRODUCER_SECRET + " " + PRODUCER_ARN + "\n\n"
                + OPERATOR_KEY + "\t" + OPERATOR_SECRET + "\tarn:aws:iam::111122223333:role/operator\n");
        stackClock = new MutableClock(System.currentTimeMillis());
        stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dir.resolve("data"),
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir())
                .withAuth(AuthConfig.iam(credentials, Map.of("AWS_REGION", REGION), stackClock))
                // both identities are admins (issue 16's ACLs are not what this test is about)
                .with(new LocalStack.Access(List.of(PRODUCER_ARN, "arn:aws:iam::111122223333:role/operator"), null)));
        endpoint = stack.endpoint();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void stackClockIsNow() {
        stackClock.advance(System.currentTimeMillis() - stackClock.millis());
    }

    private static SluiceHttp signed(String accessKey, String secret) {
        return new SluiceHttp(new SluiceHttp.Config(endpoint, REGION, Duration.ofSeconds(30), null)
                .withSigV4(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret))));
    }

    private static SluiceAdmin operator() {
        return new SluiceAdmin(signed(OPERATOR_KEY, OPERATOR_SECRET));
    }

    private static long highWatermark(String topic) {
        return operator().offset(topic, 0, "latest");
    }

    /** A request signed by the SDK's signer as of {@code at}, sent as is (so it can be sent again). */
    private HttpResponse<String> sendSignedAt(Instant at, String method, String pathAndQuery, String body)
            throws Exception {
        URI uri = endpoint.resolve(pathAndQuery);
        byte[] payload = body.getBytes(UTF_8);
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (payload.length > 0) {
            unsigned.putHeader("content-type", "application/json");
        }
        SdkHttpRequest signedRequest = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(PRODUCER_KEY, PRODUCER_SECRET)).request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC))).request();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, payload.length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload));
        signedRequest.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return raw.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String oneRecord(String value) {
        return "{\"records\":[{\"value\":\"" + java.util.Base64.getEncoder().encodeToString(value.getBytes(UTF_8))
                + "\",\"partition\":0}]}";
    }

    @Test
    void theSdkSignedGoesThroughOnEveryMethod() throws Exception {
        SluiceHttp producerHttp = signed(PRODUCER_KEY, PRODUCER_SECRET);
        SluiceAdmin admin = operator();
        // POST with a body; GET without a query; GET of a path parameter
        assertThat(admin.createTopic("signed-sdk", 1, null, null, null).name()).isEqualTo("signed-sdk");
        assertThat(admin.listTopics()).extracting(Wire.Topic::name).contains("signed-sdk");
        assertThat(admin.describeTopic("signed-sdk").partitions()).isEqualTo(1);
        // POST without a body
        assertThat(producerHttp.post("/producers", null, Map.class)).isNotNull();
        // the producer's own requests: POST of records
        SluiceProducer producer = new SluiceProducer(producerHttp, SluiceProducer.Config.defaults());
        try {
            for (int i = 0; i < 3; i++) {
                SluiceProducer.Metadata sent = producer.send(new SluiceProducer.Record("signed-sdk", null,
                        ("v" + i).getBytes(UTF_8), Map.of(), 0, null)).get();
                assertThat(sent.offset()).isEqualTo(i);
            }
        } finally {
            producer.close();
        }
        // GET with a query string
        assertThat(highWatermark("signed-sdk")).isEqualTo(3);
        // the consumer: group heartbeats and commits (POST with bodies), fetches (GET with a query string)
        SluiceConsumer consumer = new SluiceConsumer(signed(PRODUCER_KEY, PRODUCER_SECRET),
                SluiceConsumer.Config.forGroup("signed-group").withAutoCommit(false).withAutoOffsetReset("earliest"));
        List<String> values = new ArrayList<>();
        try {
            consumer.subscribe(List.of("signed-sdk"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(new String(r.value(), UTF_8)));
            }
            consumer.commitSync();
        } finally {
            consumer.close();
        }
        assertThat(values).containsExactly("v0", "v1", "v2");
        assertThat(admin.listGroups()).contains("signed-group");
        assertThat(admin.describeGroup("signed-group")).isNotNull();
        // DELETE
        admin.deleteTopic("signed-sdk");
        assertThat(admin.listTopics()).extracting(Wire.Topic::name).doesNotContain("signed-sdk");
    }

    @Test
    void theCliSignedGoesThroughAndUnsignedIsForbidden() {
        String e = endpoint.toString();
        String previousKey = System.getProperty("aws.accessKeyId");
        String previousSecret = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", OPERATOR_KEY);
        System.setProperty("aws.secretAccessKey", OPERATOR_SECRET);
        try {
            assertThat(cli(null, "topics", "create", "signed-cli", "-p", "1", "-e", e, "--sigv4").exit()).isZero();
            assertThat(cli(null, "topics", "list", "-e", e, "--sigv4").out()).contains("signed-cli");
            assertThat(cli(null, "topics", "describe", "signed-cli", "-e", e, "--sigv4").exit()).isZero();
            assertThat(cli("one\ntwo\n", "produce", "signed-cli", "-e", e, "--sigv4").exit()).isZero();
            Run consumed = cli(null, "consume", "signed-cli", "-n", "2", "--from-beginning", "-e", e, "--sigv4");
            assertThat(consumed.exit()).as(consumed.err()).isZero();
            assertThat(consumed.out()).isEqualTo("one\ntwo\n");

            Run unsigned = cli(null, "topics", "delete", "signed-cli", "-e", e);
            assertThat(unsigned.exit()).isEqualTo(1);
            assertThat(unsigned.err()).contains("Forbidden");
            assertThat(highWatermark("signed-cli")).as("the unsigned delete changed nothing").isEqualTo(2);

            assertThat(cli(null, "topics", "delete", "signed-cli", "-e", e, "--sigv4").exit()).isZero();
        } finally {
            restore("aws.accessKeyId", previousKey);
            restore("aws.secretAccessKey", previousSecret);
        }
    }

    @Test
    void aWrongSecretIsRefusedWith403AndChangesNothing() {
        operator().createTopic("wrong-secret", 1, null, null, null);
        SluiceHttp forger = signed(PRODUCER_KEY, "not-the-producer-secret");
        assertThatThrownBy(() -> new SluiceAdmin(forger).createTopic("forged-topic", 1, null, null, null))
                .isInstanceOfSatisfying(SluiceClientException.class, ex -> {
                    assertThat(ex.status()).isEqualTo(403);
                    assertThat(ex.getMessage()).contains(MISMATCH);
                });
        assertThatThrownBy(() -> forger.postJson("/topics/wrong-secret/records", oneRecord("forged").getBytes(UTF_8),
                Map.class)).isInstanceOfSatisfying(SluiceClientException.class, ex -> assertThat(ex.status()).isEqualTo(403));
        assertThatThrownBy(() -> new SluiceAdmin(forger).deleteTopic("wrong-secret"))
                .isInstanceOfSatisfying(SluiceClientException.class, ex -> assertThat(ex.status()).isEqualTo(403));
        assertThatThrownBy(() -> new SluiceAdmin(forger).listTopics())
                .isInstanceOfSatisfying(SluiceClientException.class, ex -> assertThat(ex.status()).isEqualTo(403));
        assertThat(operator().listTopics()).extracting(Wire.Topic::name).contains("wrong-secret")
                .doesNotContain("forged-topic");
        assertThat(highWatermark("wrong-secret")).isZero();
        SluiceHttp unknownKey = signed("AKIANOBODYKNOWSTHIS0", PRODUCER_SECRET);
        assertThatThrownBy(() -> new SluiceAdmin(unknownKey).deleteTopic("wrong-secret"))
                .isInstanceOfSatisfying(SluiceClientException.class, ex -> {
                    assertThat(ex.status()).isEqualTo(403);
                    assertThat(ex.getMessage()).contains("The security token included in the request is invalid.");
                });
        assertThat(operator().listTopics()).extracting(Wire.Topic::name).contains("wrong-secret");
    }

    @Test
    void aMissingSignatureIsRefusedWith403AndChangesNothing() throws Exception {
        operator().createTopic("unsigned", 1, null, null, null);
        SluiceHttp unsigned = new SluiceHttp(SluiceHttp.Config.of(endpoint));
        assertThatThrownBy(() -> new SluiceAdmin(unsigned).createTopic("unsigned-topic", 1, null, null, null))
                .isInstanceOfSatisfying(SluiceClientException.class, ex -> {
                    assertThat(ex.status()).isEqualTo(403);
                    assertThat(ex.getMessage()).isEqualTo("HTTP_403: Forbidden");
                });
        HttpResponse<String> produce = raw.send(HttpRequest.newBuilder(endpoint.resolve("/topics/unsigned/records"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(oneRecord("x")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(produce.statusCode()).isEqualTo(403);
        assertThat(produce.body()).isEqualTo("{\"message\":\"Forbidden\"}");
        HttpResponse<String> delete = raw.send(HttpRequest.newBuilder(endpoint.resolve("/topics/unsigned")).DELETE()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(403);
        HttpResponse<String> unmatched = raw.send(HttpRequest.newBuilder(endpoint.resolve("/no/such/route")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unmatched.statusCode()).as("the $default route is behind the authorizer too").isEqualTo(403);
        assertThat(operator().listTopics()).extracting(Wire.Topic::name).contains("unsigned")
                .doesNotContain("unsigned-topic");
        assertThat(highWatermark("unsigned")).isZero();
    }

    @Test
    void aSignatureReplayedMoreThanFiveMinutesLaterIsRefusedWith403AndChangesNothing() throws Exception {
        operator().createTopic("replayed", 1, null, null, null);
        Instant signedAt = stackClock.instant();
        HttpResponse<String> first = sendSignedAt(signedAt, "POST", "/topics/replayed/records", oneRecord("once"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

        stackClock.advance(Duration.ofMinutes(5).plusSeconds(1).toMillis());
        HttpResponse<String> replay = sendSignedAt(signedAt, "POST", "/topics/replayed/records", oneRecord("once"));
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(replay.body()).startsWith("{\"message\":\"Signature expired: ");
        assertThat(replay.headers().firstValue("x-amzn-ErrorType")).contains("InvalidSignatureException");
        HttpResponse<String> oldDelete = sendSignedAt(signedAt, "DELETE", "/topics/replayed", "");
        assertThat(oldDelete.statusCode()).isEqualTo(403);

        stackClockIsNow();
        assertThat(highWatermark("replayed")).as("only the first produce took").isEqualTo(1);
        assertThat(operator().listTopics()).extracting(Wire.Topic::name).contains("replayed");
    }

    /**
     * The function of a verified request learns who called, as API Gateway tells it: requestContext.authorizer.iam
     * with the credentials file's principal as userArn (what the ACLs of issue 16 key on).
     */
    @Test
    void aVerifiedRequestsEventNamesTheCallerAsApiGatewayDoes() throws Exception {
        List<APIGatewayV2HTTPEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        LocalApiGateway.Binding whoami = new LocalApiGateway.Binding(new SamTemplate.HttpRoute("GET", "/whoami"),
                "Whoami", (event, context) -> {
                    seen.add(event);
                    return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("{}").build();
                });
        IamAuthorizer authorizer = new IamAuthorizer(IamCredentials.of(List.of(
                new IamIdentity(PRODUCER_KEY, PRODUCER_SECRET, PRODUCER_ARN))), REGION, Clock.systemUTC());
        try (LocalApiGateway gateway = new LocalApiGateway("127.0.0.1", 0, List.of(whoami), Duration.ofSeconds(30),
                authorizer)) {
            SluiceHttp http = new SluiceHttp(new SluiceHttp.Config(gateway.endpoint(), REGION, Duration.ofSeconds(10),
                    null).withSigV4(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(PRODUCER_KEY, PRODUCER_SECRET))));
            http.get("/whoami?x=1", Map.class);
            assertThatThrownBy(() -> new SluiceHttp(SluiceHttp.Config.of(gateway.endpoint())).get("/whoami", Map.class))
                    .isInstanceOf(SluiceClientException.class);
        }
        assertThat(seen).hasSize(1);
        APIGatewayV2HTTPEvent.RequestContext.IAM iam = seen.get(0).getRequestContext().getAuthorizer().getIam();
        assertThat(iam.getUserArn()).isEqualTo(PRODUCER_ARN);
        assertThat(iam.getAccessKey()).isEqualTo(PRODUCER_KEY);
        assertThat(iam.getAccountId()).isEqualTo("111122223333");
        assertThat(iam.getUserId()).startsWith("AIDA").isEqualTo(iam.getCallerId());
        assertThat(iam.getCognitoIdentity()).isNull();
        assertThat(iam.getPrincipalOrgId()).isNull();
        assertThat(seen.get(0).getRequestContext().getAuthorizer().getJwt()).isNull();
    }

    record Run(int exit, String out, String err) {
    }

    private static Run cli(String stdin, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        InputStream originalIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, UTF_8));
            System.setErr(new PrintStream(err, true, UTF_8));
            if (stdin != null) {
                System.setIn(new ByteArrayInputStream(stdin.getBytes(UTF_8)));
            }
            exit = SluiceCli.run(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            System.setIn(originalIn);
        }
        return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }
}
