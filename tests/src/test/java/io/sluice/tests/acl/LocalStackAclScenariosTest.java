package io.sluice.tests.acl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.cli.SluiceCli;
import io.sluice.infra.LocalStack;
import io.sluice.infra.auth.AuthConfig;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.HttpApiClient.Response;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Issue 16's "what must show": the ACL scenarios on the local stack started in this JVM as
 * {@code sluice-local --auth iam --credentials FILE --admin ADMIN}, with three identities (admin, alice,
 * bob) whose requests are SigV4-signed, so each function derives its principal from the request context
 * exactly as in AWS. Authorization is the template's default, acl. The functions' ACL cache lives 1 s
 * here (30 s in AWS), so "a change takes effect within the cache time" is waited for, not simulated.
 */
class LocalStackAclScenariosTest extends AclScenarios {

    private static final String REGION = "us-east-1";
    private static final long CACHE_MS = 1_000;
    private static final Map<String, String[]> KEYS = Map.of(
            ADMIN, new String[] {"AKIAACLADMIN00000001", "admin-secret-0001"},
            ALICE, new String[] {"AKIAACLALICE00000002", "alice-secret-0002"},
            BOB, new String[] {"AKIAACLBOB0000000003", "bob-secret-00003"});
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static LocalStack stack;
    private static URI endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() throws Exception {
        StringBuilder file = new StringBuilder("# admin, alice and bob\n");
        KEYS.forEach((arn, key) -> file.append(key[0]).append(' ').append(key[1]).append(' ').append(arn).append('\n'));
        Path credentials = Files.writeString(dir.resolve("credentials"), file);
        stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dir.resolve("data"),
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir())
                .withAuth(AuthConfig.iam(credentials, Map.of("AWS_REGION", REGION), Clock.systemUTC()))
                .with(new LocalStack.Access(List.of(ADMIN), CACHE_MS)));
        endpoint = stack.endpoint();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Override
    protected Response call(String who, String method, String path, String body) {
        URI uri = endpoint.resolve(path.replace("arn:aws:iam::000000000000:user/", "arn%3Aaws%3Aiam%3A%3A000000000000"
                + "%3Auser%2F"));
        byte[] payload = body == null ? new byte[0] : body.getBytes(UTF_8);
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (payload.length > 0) {
            unsigned.putHeader("content-type", "application/json");
        }
        String[] key = KEYS.get(who);
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(key[0], key[1])).request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION)).request();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(method, payload.length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload));
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Response(response.statusCode(), text, text == null || text.isEmpty() ? null : JSON.readTree(text));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void cacheExpires() {
        try {
            Thread.sleep(CACHE_MS + 100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected boolean cacheTimeIsControlled() {
        return false;
    }

    private record Run(int exit, String out, String err) {
    }

    private static synchronized Run cli(String who, String... args) {
        String[] key = KEYS.get(who);
        String previousKey = System.getProperty("aws.accessKeyId");
        String previousSecret = System.getProperty("aws.secretAccessKey");
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setProperty("aws.accessKeyId", key[0]);
        System.setProperty("aws.secretAccessKey", key[1]);
        try {
            System.setOut(new PrintStream(stdout, true, UTF_8));
            System.setErr(new PrintStream(stderr, true, UTF_8));
            String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                    java.util.stream.Stream.of("-e", endpoint.toString(), "--sigv4")).toArray(String[]::new);
            int exit = SluiceCli.run(all);
            return new Run(exit, stdout.toString(UTF_8), stderr.toString(UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            restore("aws.accessKeyId", previousKey);
            restore("aws.secretAccessKey", previousSecret);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    @Test
    void theCliAddsListsAndRemovesAclsAndARefusalPrintsItsCodeAndExits1() {
        String topic = p + ".cli";
        createTopic(topic, 1);
        Run refused = cli(BOB, "acls", "add", "--principal", BOB, "--resource-type", "topic", "--resource-name", topic,
                "--operation", "read");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("NOT_AUTHORIZED").contains("alter cluster sluice-cluster");

        Run added = cli(ADMIN, "acls", "add", "--principal", BOB, "--resource-type", "topic", "--resource-name",
                p + ".", "--pattern", "prefixed", "--operation", "read");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added");
        Run listed = cli(ADMIN, "acls", "list", "--principal", BOB);
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out()).contains(p + ".").contains("prefixed").contains("read");

        cacheExpires();
        Run consumed = cli(BOB, "topics", "describe", topic);
        assertThat(consumed.exit()).as(consumed.err()).isZero();
        Run notAllowed = cli(BOB, "topics", "delete", topic);
        assertThat(notAllowed.exit()).isEqualTo(1);
        assertThat(notAllowed.err()).contains("NOT_AUTHORIZED").contains("delete topic " + topic);

        Run removed = cli(ADMIN, "acls", "remove", "--principal", BOB, "--resource-type", "topic", "--resource-name",
                p + ".", "--pattern", "prefixed", "--operation", "read");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(cli(ADMIN, "acls", "list", "--principal", BOB).out()).doesNotContain(p + ".");
        Run bad = cli(ADMIN, "acls", "add", "--principal", BOB, "--resource-type", "broker", "--resource-name", "x",
                "--operation", "read");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("INVALID_ACL").contains("resourceType");
    }
}
