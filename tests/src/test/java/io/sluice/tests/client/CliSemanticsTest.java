package io.sluice.tests.client;

import static io.sluice.tests.client.ConsumerSemanticsTest.waitFor;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.client.cli.SluiceCli;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The command-line problems of issue 22 (4 and the CLI's part of 13), each reproduced against the local
 * stack and named after the problem. The tool runs in this JVM with System.in, System.out and System.err
 * replaced, except for Ctrl-C, which needs a process of its own to signal.
 */
@ExtendWith(LocalStackExtension.class)
class CliSemanticsTest {

    private final HttpApiClient api;
    private final String endpoint;

    CliSemanticsTest(HttpApiClient api) {
        this.api = api;
        this.endpoint = api.endpoint().toString();
    }

    @Test
    void problem4_consumeWithAGroupAndCountOneCommitsOneRecord() {
        String topic = createTopic("cli4-count", 1);
        produce(topic, 0, 10);
        Run run = run(null, "consume", topic, "--group", "cli4-count-group", "--count", "1", "-e", endpoint);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("value-0\n");
        assertThat(committed("cli4-count-group", topic, 0)).as("only the printed record is committed").isEqualTo(1);
    }

    @Test
    void problem4_aBrokenStdoutCommitsNothingThatWasNotPrinted() {
        String topic = createTopic("cli4-pipe", 1);
        produce(topic, 0, 10);
        // "value-0\n" is 8 bytes: the reader (head -2) takes two records and closes the pipe.
        BrokenPipe pipe = new BrokenPipe(16);
        PrintStream original = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(pipe, false, UTF_8));
            exit = SluiceCli.run("consume", topic, "--group", "cli4-pipe-group", "--idle-timeout-ms", "1000",
                    "-e", endpoint);
        } finally {
            System.setOut(original);
        }
        assertThat(pipe.broken).as("the pipe broke").isTrue();
        long committed = committed("cli4-pipe-group", topic, 0);
        System.out.printf("broken pipe: exit %d, %d bytes taken, committed %d%n", exit, pipe.taken, committed);
        assertThat(committed).as("nothing past what the reader took is committed").isLessThanOrEqualTo(2);
        assertThat(exit).as("a broken pipe is not a success").isNotZero();
    }

    @Test
    void problem6_consumeFromTheBeginningWithAGroupTwiceInOneProcess() {
        String topic = createTopic("cli6-twice", 1);
        produce(topic, 0, 10);
        Run first = run(null, "consume", topic, "--group", "cli6-group", "--from-beginning", "--count", "10",
                "-e", endpoint);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(committed("cli6-group", topic, 0)).isEqualTo(10);
        Run second = run(null, "consume", topic, "--group", "cli6-group", "--from-beginning", "--count", "3",
                "-e", endpoint);
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo("value-0\nvalue-1\nvalue-2\n");
        assertThat(committed("cli6-group", topic, 0)).as("the group read 3 records from the beginning").isEqualTo(3);
    }

    @Test
    void problem13_produceSendsEachLineAsItArrivesWhileStdinStaysOpen() throws Exception {
        String topic = createTopic("cli13-stream", 1);
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(writer);
        InputStream originalIn = System.in;
        System.setIn(stdin);
        CompletableFuture<Integer> produce;
        try {
            produce = CompletableFuture.supplyAsync(() -> SluiceCli.run("produce", topic, "-e", endpoint));
            writer.write("first\n".getBytes(UTF_8));
            writer.flush();
            waitFor(Duration.ofSeconds(10), () -> highWatermark(topic, 0) >= 1, "the first line is in the log");
            writer.write("second\n".getBytes(UTF_8));
            writer.flush();
            waitFor(Duration.ofSeconds(10), () -> highWatermark(topic, 0) >= 2, "the second line is in the log");
            writer.close();
            assertThat(produce.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            writer.close();
            System.setIn(originalIn);
        }
        assertThat(highWatermark(topic, 0)).isEqualTo(2);
    }

    @Test
    void topicsCreateSetsTheCodecAndDescribeShowsIt() {
        Run created = run(null, "topics", "create", "cli-lz4", "--partitions", "2", "--compression", "lz4", "-e", endpoint);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("compressed with lz4");
        assertThat(api.get("/topics/cli-lz4").json().path("compression").asText()).isEqualTo("lz4");
        Run described = run(null, "topics", "describe", "cli-lz4", "-e", endpoint);
        assertThat(described.out()).contains("compression: lz4");

        Run refused = run(null, "topics", "create", "cli-brotli", "--partitions", "1", "--compression", "brotli", "-e", endpoint);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("INVALID_CONFIG").doesNotContain("Exception");
        assertThat(api.get("/topics/cli-brotli").status()).as("nothing was created").isEqualTo(404);
    }

    @Test
    void problem13_errorsPrintTheServersCodeAndMessage() {
        Run run = run("x\n", "produce", "cli13-no-such-topic", "-e", endpoint);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("UNKNOWN_TOPIC").doesNotContain("Exception");
        Run consume = run(null, "consume", "cli13-no-such-topic", "-e", endpoint);
        assertThat(consume.exit()).isEqualTo(1);
        assertThat(consume.err()).contains("UNKNOWN_TOPIC").doesNotContain("Exception");
    }

    @Test
    void problem13_ctrlCLeavesTheGroup() throws Exception {
        String topic = createTopic("cli13-ctrl-c", 1);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path output = Files.createTempFile("sluice-ctrl-c", ".log");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SluiceCli.class.getName(), "consume", topic, "--group", "cli13-ctrl-c-group", "--idle-timeout-ms", "0",
                "-e", endpoint).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            waitFor(Duration.ofSeconds(60), () -> {
                HttpApiClient.Response d = api.get("/groups/cli13-ctrl-c-group");
                return d.status() == 200 && d.json().path("members").size() == 1;
            }, "the tool joins the group");
            process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // The session is 10 s: a member that did not leave would still be listed now.
            assertThat(api.get("/groups/cli13-ctrl-c-group").json().path("members"))
                    .as("left the group on the signal; output: " + Files.readString(output)).isEmpty();
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    // ---- helpers ----

    /** Accepts {@code limit} bytes, then fails every write as a closed pipe does. */
    static final class BrokenPipe extends OutputStream {
        private final int limit;
        volatile int taken;
        volatile boolean broken;

        BrokenPipe(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (taken + len > limit) {
                taken = limit;
                broken = true;
                throw new IOException("Broken pipe");
            }
            taken += len;
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run run(String stdin, String... args) {
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
                System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(UTF_8)));
            }
            exit = SluiceCli.run(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            System.setIn(originalIn);
        }
        return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    private String createTopic(String name, int partitions) {
        HttpApiClient.Response created = api.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    private void produce(String topic, int partition, int count) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add("{\"value\":\"" + Base64.getEncoder().encodeToString(("value-" + i).getBytes(UTF_8))
                    + "\",\"partition\":" + partition + "}");
        }
        HttpApiClient.Response produced = api.post("/topics/" + topic + "/records",
                "{\"records\":[" + String.join(",", records) + "]}");
        assertThat(produced.status()).as(produced.body()).isEqualTo(200);
    }

    private long highWatermark(String topic, int partition) {
        return api.get("/topics/" + topic + "/partitions/" + partition + "/offsets?at=latest").json().path("offset").asLong();
    }

    private long committed(String group, String topic, int partition) {
        HttpApiClient.Response described = api.get("/groups/" + group);
        assertThat(described.status()).as(described.body()).isEqualTo(200);
        for (JsonNode o : described.json().path("offsets")) {
            if (o.path("topic").asText().equals(topic) && o.path("partition").asInt() == partition) {
                return o.path("committed").asLong();
            }
        }
        return -1;
    }
}
