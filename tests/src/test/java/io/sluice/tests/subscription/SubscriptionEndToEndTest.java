package io.sluice.tests.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.sluice.infra.LocalStack;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.HttpApiClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Subscriptions end to end on the local stack (issue 19): the produce function triggers the dispatcher
 * function through the local Lambda Invoke API, which delivers to a target and commits through the
 * group. Each scenario runs twice: against an http target (a small server in this test) and against a
 * Lambda target resolved through the stack's target mapping file to {@link RecordingTargetFunction}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionEndToEndTest {

    private static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:sluice-target-recorder";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final TargetScript httpScript = new TargetScript();
    private HttpServer server;
    private LocalStack stack;
    private HttpApiClient api;

    @BeforeAll
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            TargetScript.Answer answer = httpScript.receive(exchange.getRequestBody().readAllBytes());
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        Path dir = Files.createTempDirectory("sluice-subscriptions");
        Path targets = Files.writeString(dir.resolve("targets.txt"),
                "# functionArn className [timeoutSeconds]\n" + FUNCTION_ARN + " "
                        + RecordingTargetFunction.class.getName() + " 10\n");
        Path classes = Path.of(RecordingTargetFunction.class.getProtectionDomain().getCodeSource().getLocation()
                .getPath());
        stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dir.resolve("data"),
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir())
                .withTargets(targets, List.of(classes)));
        api = new HttpApiClient(stack.endpoint());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private TargetScript script(String type) {
        return type.equals("http") ? httpScript : RecordingTargetFunction.SCRIPT;
    }

    private String target(String type) {
        return type.equals("http")
                ? "{\"type\":\"http\",\"url\":\"http://127.0.0.1:" + server.getAddress().getPort() + "/hook\",\"secret\":\"s3cret\"}"
                : "{\"type\":\"lambda\",\"functionArn\":\"" + FUNCTION_ARN + "\"}";
    }

    private void topic(String name, int partitions) {
        HttpApiClient.Response r = api.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private void subscribe(String name, String topic, String type, String extra) {
        HttpApiClient.Response r = api.post("/subscriptions", "{\"name\":\"" + name + "\",\"topic\":\"" + topic
                + "\",\"target\":" + target(type) + extra + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().path("group").asText()).isEqualTo("sub." + name);
        assertThat(r.body()).doesNotContain("s3cret");
    }

    /** Produces {@code values} to one partition in one call. */
    private void produce(String topic, int partition, List<String> values) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < values.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"partition\":").append(partition).append(",\"value\":\"")
                    .append(Base64.getEncoder().encodeToString(values.get(i).getBytes(StandardCharsets.UTF_8)))
                    .append("\"}");
        }
        HttpApiClient.Response r = api.post("/topics/" + topic + "/records", body.append("]}").toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private JsonNode describe(String name) {
        HttpApiClient.Response r = api.get("/subscriptions/" + name);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "lambda"})
    void everyRecordArrivesInOffsetOrderPerPartition(String type) throws Exception {
        String topic = "order-" + type;
        String name = "order-" + type;
        topic(topic, 3);
        subscribe(name, topic, type, ",\"batchSize\":7");
        for (int call = 0; call < 6; call++) {
            for (int p = 0; p < 3; p++) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    values.add("p" + p + "-c" + call + "-" + i);
                }
                produce(topic, p, values);
            }
        }
        TargetScript script = script(type);
        await("30 records reach each partition", () -> LongStream.range(0, 3)
                .allMatch(p -> script.offsets(name, (int) p).size() >= 30));
        for (int p = 0; p < 3; p++) {
            assertThat(script.offsets(name, p)).as("partition %d in order, each once", p).isEqualTo(range(0, 30));
        }
        assertThat(script.received(name)).allMatch(b -> b.offsets().size() <= 7);
        await("the group commits every partition", () -> describe(name).path("lag").asLong() == 0);
        JsonNode group = api.get("/groups/sub." + name).json();
        assertThat(group.path("offsets")).hasSize(3).allMatch(o -> o.path("committed").asLong() == 30);
        assertThat(describe(name).path("delivered").asLong()).isEqualTo(90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "lambda"})
    void aTargetThatFailsThreeTimesGetsTheBatchFourTimesAndNothingIsSkipped(String type) throws Exception {
        String name = "retry-" + type;
        topic(name, 1);
        subscribe(name, name, type, "");
        TargetScript script = script(type);
        script.script(name, TargetScript.Answer.fail(), TargetScript.Answer.fail(), TargetScript.Answer.fail());
        produce(name, 0, List.of("a", "b", "c", "d", "e"));
        await("four calls", () -> script.received(name).size() >= 4);
        await("the group commits", () -> describe(name).path("lag").asLong() == 0);
        List<TargetScript.Batch> batches = script.received(name);
        assertThat(batches).hasSize(4).allMatch(b -> b.offsets().equals(range(0, 5)));
        assertThat(batches.get(3).values()).containsExactly("a", "b", "c", "d", "e");
        JsonNode d = describe(name);
        assertThat(d.path("failed").asLong()).isEqualTo(3);
        assertThat(d.path("delivered").asLong()).isEqualTo(5);
        assertThat(d.path("partitions").get(0).path("committed").asLong()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "lambda"})
    void aPartialBatchResponseResumesAtTheFailedOffset(String type) throws Exception {
        String name = "partial-" + type;
        topic(name, 1);
        subscribe(name, name, type, "");
        TargetScript script = script(type);
        script.script(name, TargetScript.Answer.partial(2));
        produce(name, 0, List.of("a", "b", "c", "d", "e"));
        await("two calls", () -> script.received(name).size() >= 2);
        await("the group commits", () -> describe(name).path("lag").asLong() == 0);
        List<TargetScript.Batch> batches = script.received(name);
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0).offsets()).isEqualTo(range(0, 5));
        assertThat(batches.get(1).offsets()).isEqualTo(range(2, 5));
        assertThat(describe(name).path("delivered").asLong()).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "lambda"})
    void exhaustedRecordsLandInTheDeadLetterTopicExactlyOnce(String type) throws Exception {
        String name = "dlq-" + type;
        String dead = "dlq-" + type + "-dead";
        topic(name, 1);
        topic(dead, 1);
        subscribe(name, name, type, ",\"maximumRetryAttempts\":1,\"deadLetterTopic\":\"" + dead + "\"");
        TargetScript script = script(type);
        script.failAlways(name);
        produce(name, 0, List.of("x", "y", "z"));
        await("dead-lettered", () -> describe(name).path("deadLettered").asLong() == 3);
        script.succeedFromNowOn(name);
        produce(name, 0, List.of("ok"));
        await("the next record is delivered", () -> describe(name).path("delivered").asLong() == 1);
        assertThat(script.received(name)).hasSize(3);
        assertThat(script.received(name).get(2).offsets()).containsExactly(3L);
        JsonNode records = api.get("/topics/" + dead + "/partitions/0/records?offset=0").json();
        assertThat(records.path("highWatermark").asLong()).as("each failed record once").isEqualTo(3);
        List<String> values = new ArrayList<>();
        records.path("records").forEach(r -> values.add(new String(Base64.getDecoder().decode(r.path("value").asText()),
                StandardCharsets.UTF_8)));
        assertThat(values).containsExactly("x", "y", "z");
        List<String> origin = new ArrayList<>();
        records.path("records").get(1).path("headers").forEach(h -> origin.add(h.path("key").asText() + "="
                + new String(Base64.getDecoder().decode(h.path("value").asText()), StandardCharsets.UTF_8)));
        assertThat(origin).contains("sluice.subscription.topic=" + name, "sluice.subscription.partition=0",
                "sluice.subscription.offset=1", "sluice.subscription.name=" + name);
        assertThat(describe(name).path("lag").asLong()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "lambda"})
    void aPausedSubscriptionDeliversNothingAndAResumedOneCatchesUp(String type) throws Exception {
        String name = "pause-" + type;
        topic(name, 1);
        subscribe(name, name, type, "");
        assertThat(api.post("/subscriptions/" + name + "/pause", null).json().path("state").asText()).isEqualTo("PAUSED");
        produce(name, 0, List.of("a", "b"));
        produce(name, 0, List.of("c", "d"));
        Thread.sleep(1_500);
        TargetScript script = script(type);
        assertThat(script.received(name)).isEmpty();
        assertThat(describe(name).path("lag").asLong()).isEqualTo(4);
        assertThat(api.post("/subscriptions/" + name + "/resume", null).json().path("state").asText())
                .isEqualTo("ACTIVE");
        await("caught up", () -> script.offsets(name, 0).size() >= 4);
        assertThat(script.offsets(name, 0)).isEqualTo(range(0, 4));
        await("the group commits", () -> describe(name).path("lag").asLong() == 0);
    }

    /**
     * A dispatcher killed mid-batch loses nothing: its successor redelivers. On a stack of its own whose
     * leases are short (a 5 s target timeout with a -4 s margin: a 1 s lease) and whose sweep runs every
     * 300 ms, the target holds the first batch of partition 0 past the lease, as a dispatcher frozen or
     * killed mid-delivery would. The sweep re-triggers the lane, a new dispatcher redelivers the same batch
     * and commits; only then is the first answered, and its late acknowledgement must change nothing.
     */
    @org.junit.jupiter.api.Test
    void aDispatcherKilledMidBatchLosesNothingAndTheNextOneRedelivers() throws Exception {
        String name = "killed";
        java.util.Map<Integer, List<List<Long>>> deliveries = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.CountDownLatch committed = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch lateAnswered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool();
        target.setExecutor(handlers);
        target.createContext("/", exchange -> {
            JsonNode batch = json.readTree(exchange.getRequestBody().readAllBytes());
            int partition = batch.path("partition").asInt();
            List<Long> offsets = new ArrayList<>();
            batch.path("records").forEach(r -> offsets.add(r.path("offset").asLong()));
            deliveries.computeIfAbsent(partition, p -> java.util.Collections.synchronizedList(new ArrayList<>()))
                    .add(offsets);
            boolean first = partition == 0 && held.compareAndSet(false, true);
            if (first) {
                try {
                    // Past the lease, until the successor has committed (bounded below the 5 s target timeout).
                    committed.await(4, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
            if (first) {
                lateAnswered.countDown();
            }
        });
        target.start();
        Path dir = Files.createTempDirectory("sluice-subscriptions-killed");
        try (LocalStack killStack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dir.resolve("data"),
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir())
                .withOverrides(java.util.Map.of("SUBSCRIPTION_TARGET_TIMEOUT_MS", "5000",
                                "SUBSCRIPTION_LEASE_MARGIN_MS", "-4000"),
                        java.util.Map.of("SubscriptionSweepFunction", Duration.ofMillis(300))))) {
            HttpApiClient kill = new HttpApiClient(killStack.endpoint());
            assertThat(kill.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":2}").status()).isEqualTo(201);
            HttpApiClient.Response created = kill.post("/subscriptions", "{\"name\":\"" + name + "\",\"topic\":\""
                    + name + "\",\"target\":{\"type\":\"http\",\"url\":\"http://127.0.0.1:"
                    + target.getAddress().getPort() + "/hook\"},\"batchSize\":10}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            for (int p = 0; p < 2; p++) {
                StringBuilder body = new StringBuilder("{\"records\":[");
                for (int i = 0; i < 5; i++) {
                    body.append(i == 0 ? "" : ",").append("{\"partition\":").append(p).append(",\"value\":\"")
                            .append(Base64.getEncoder().encodeToString(("p" + p + "-" + i).getBytes(StandardCharsets.UTF_8)))
                            .append("\"}");
                }
                HttpApiClient.Response r = kill.post("/topics/" + name + "/records", body.append("]}").toString());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            long[] highWatermarks = new long[2];
            for (int p = 0; p < 2; p++) {
                highWatermarks[p] = kill.get("/topics/" + name + "/partitions/" + p + "/records?offset=0").json()
                        .path("highWatermark").asLong();
                assertThat(highWatermarks[p]).isEqualTo(5);
            }
            java.util.function.Supplier<long[]> commits = () -> {
                long[] c = {-1, -1};
                HttpApiClient.Response g = kill.get("/groups/sub." + name);
                if (g.status() == 200) {
                    g.json().path("offsets").forEach(o -> c[o.path("partition").asInt()] = o.path("committed").asLong());
                }
                return c;
            };
            long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            while (!java.util.Arrays.equals(commits.get(), highWatermarks)) {
                assertThat(System.nanoTime()).as("the sweep re-triggers the lapsed lane and a new dispatcher commits "
                        + "up to the high watermark; deliveries so far: %s", deliveries).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(lateAnswered.getCount()).as("the first dispatcher is still held when its successor commits")
                    .isEqualTo(1);
            committed.countDown();
            assertThat(lateAnswered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Thread.sleep(1_500); // time for the late dispatcher's settle and commit attempt

            assertThat(deliveries.get(0)).as("partition 0: the held batch, then the same batch redelivered")
                    .containsExactly(range(0, 5), range(0, 5));
            for (int p = 0; p < 2; p++) {
                List<Long> seen = new ArrayList<>();
                deliveries.get(p).forEach(seen::addAll);
                assertThat(new java.util.TreeSet<>(seen)).as("partition %d: every record, none skipped", p)
                        .containsExactlyElementsOf(range(0, 5));
                for (List<Long> batch : deliveries.get(p)) {
                    assertThat(batch).as("partition %d: one batch in offset order", p).isSorted()
                            .isEqualTo(range(batch.get(0), batch.get(0) + batch.size()));
                }
            }
            assertThat(commits.get()).as("the late first dispatcher did not move the position back")
                    .containsExactly(highWatermarks);
            JsonNode described = kill.get("/subscriptions/" + name).json();
            assertThat(described.path("lag").asLong()).isZero();
            assertThat(described.path("delivered").asLong()).as("the late acknowledgement is not counted twice")
                    .isEqualTo(10);
            described.path("partitions").forEach(p -> assertThat(p.path("committed").asLong()).isEqualTo(5));
        } finally {
            target.stop(0);
            handlers.shutdownNow();
        }
    }

    @org.junit.jupiter.api.Test
    void badInputGetsAClear4xxAndChangesNothing() {
        topic("bad-input", 1);
        subscribe("bad-ok", "bad-input", "http", "");
        String before = api.get("/subscriptions").body();
        String http = target("http");
        for (String[] c : new String[][] {
                {"{\"topic\":\"bad-input\",\"target\":" + http + "}", "400", "INVALID_CONFIG"},
                {"{\"name\":\"bad name\",\"topic\":\"bad-input\",\"target\":" + http + "}", "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\"}", "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":{\"type\":\"smtp\"}}", "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":{\"type\":\"http\",\"url\":\"http://example.com/x\"}}",
                        "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":{\"type\":\"http\",\"url\":\"https://169.254.169.254/x\"}}",
                        "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":{\"type\":\"lambda\",\"functionArn\":\"no spaces\"}}",
                        "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":" + http + ",\"batchSize\":0}", "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":" + http + ",\"maxBatchingWindowMs\":300001}",
                        "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":" + http + ",\"parallelizationFactor\":11}",
                        "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":" + http + ",\"startAt\":\"middle\"}",
                        "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":" + http + ",\"deadLetterTopic\":\"bad-input\"}",
                        "400", "INVALID_CONFIG"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":" + http + ",\"colour\":1}", "400", "MALFORMED_JSON"},
                {"{\"name\":\"b1\",\"topic\":\"no-such-topic\",\"target\":" + http + "}", "404", "UNKNOWN_TOPIC"},
                {"{\"name\":\"b1\",\"topic\":\"bad-input\",\"target\":" + http + ",\"deadLetterTopic\":\"nope\"}",
                        "404", "UNKNOWN_TOPIC"},
                {"{\"name\":\"bad-ok\",\"topic\":\"bad-input\",\"target\":" + http + "}", "409", "SUBSCRIPTION_EXISTS"},
        }) {
            HttpApiClient.Response r = api.post("/subscriptions", c[0]);
            assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(Integer.parseInt(c[1]));
            assertThat(r.errorCode()).as(c[0]).isEqualTo(c[2]);
        }
        assertThat(api.get("/subscriptions/nope").errorCode()).isEqualTo("UNKNOWN_SUBSCRIPTION");
        assertThat(api.post("/subscriptions/nope/pause", null).status()).isEqualTo(404);
        assertThat(api.send("DELETE", "/subscriptions/nope", null).errorCode()).isEqualTo("UNKNOWN_SUBSCRIPTION");
        assertThat(api.get("/subscriptions").body()).as("nothing changed").isEqualTo(before);
        assertThat(api.get("/groups/sub.b1").status()).as("no group was made").isEqualTo(404);
    }

    @org.junit.jupiter.api.Test
    void theCliCreatesListsDescribesPausesResumesAndDeletes() {
        topic("cli-subs", 2);
        String e = stack.endpoint().toString();
        assertThat(cli("subscriptions", "create", "cli-sub", "-t", "cli-subs", "--url",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/hook", "--batch-size", "10", "-e", e))
                .contains("Created subscription cli-sub on cli-subs (group sub.cli-sub)");
        assertThat(cli("subscriptions", "list", "-e", e)).contains("cli-sub").contains("ACTIVE");
        assertThat(cli("subscriptions", "pause", "cli-sub", "-e", e)).contains("paused");
        assertThat(cli("subscriptions", "describe", "cli-sub", "-e", e)).contains("state: PAUSED")
                .contains("Delivered: 0");
        assertThat(cli("subscriptions", "resume", "cli-sub", "-e", e)).contains("active");
        assertThat(cli("subscriptions", "delete", "cli-sub", "-e", e)).contains("Deleted subscription cli-sub");
        assertThat(api.get("/subscriptions/cli-sub").status()).isEqualTo(404);
    }

    private static String cli(String... args) {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            exit = io.sluice.client.cli.SluiceCli.run(args);
        } finally {
            System.setOut(original);
        }
        assertThat(exit).as(String.join(" ", args) + ": " + out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
