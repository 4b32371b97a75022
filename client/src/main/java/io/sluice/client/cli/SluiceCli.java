package io.sluice.client.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.client.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice}: the command-line tool, like kcat and kafka-console-*. Exit codes: 0 success, 1 the
 * server refused or could not be reached (the error code and message go to stderr), 2 bad usage.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Talk to a Sluice log: topics, produce, consume, groups, subscriptions.",
        subcommands = {SluiceCli.Topics.class, SluiceCli.Produce.class, SluiceCli.Consume.class, SluiceCli.Groups.class,
                QueueCommand.class, SubscriptionsCommand.class, AclsCommand.class})
public final class SluiceCli {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The endpoint option every command takes. */
    static final class Endpoint {
        @Option(names = {"-e", "--endpoint"}, defaultValue = "${env:SLUICE_ENDPOINT:-http://127.0.0.1:7070}",
                description = "The Sluice API URL (env SLUICE_ENDPOINT). Requests to AWS are signed with SigV4 "
                        + "using the default credential chain. Default: ${DEFAULT-VALUE}.")
        URI endpoint;

        @Option(names = "--token", defaultValue = "${env:SLUICE_TOKEN}", paramLabel = "JWT",
                description = "A bearer token for a stack's JWT API (JwtApiUrl), sent instead of a SigV4 signature. "
                        + "Prefer the env SLUICE_TOKEN: a command-line argument shows in the process list.")
        String token;

        @Option(names = "--sigv4", defaultValue = "${env:SLUICE_SIGV4:-false}",
                description = "Sign with SigV4 (default credential chain, AWS_REGION) even a local endpoint, for "
                        + "`sluice-local --auth iam` (env SLUICE_SIGV4=true). Requests to AWS are always signed.")
        boolean sigv4;

        SluiceHttp http() {
            SluiceHttp.Config config = SluiceHttp.Config.of(endpoint);
            if (token != null && !token.isBlank()) {
                if (sigv4) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            "--sigv4 and a bearer token (--token, SLUICE_TOKEN) exclude each other");
                }
                config = config.withBearerToken(token);
            } else if (sigv4) {
                config = config.withSigV4(null);
            }
            return new SluiceHttp(config);
        }
    }

    // ---- topics ----

    @Command(name = "topics", description = "Create, list, describe and delete topics.",
            subcommands = {TopicsCreate.class, TopicsList.class, TopicsDescribe.class, TopicsDelete.class})
    static final class Topics {
    }

    @Command(name = "create", description = "Create a topic.")
    static final class TopicsCreate implements Callable<Integer> {
        @Mixin Endpoint endpoint;
        @Parameters(index = "0", description = "Topic name, [a-zA-Z0-9._-]{1,249}.") String name;
        @Option(names = {"-p", "--partitions"}, required = true, description = "1 to 1000.") int partitions;
        @Option(names = "--retention-ms", description = "Keep records this long (default: forever).") Long retentionMs;
        @Option(names = "--retention-bytes", description = "Keep this many bytes per partition (default: no limit).")
        Long retentionBytes;
        @Option(names = "--max-record-bytes", description = "Largest record (default 1 MiB).") Integer maxRecordBytes;
        @Option(names = "--compression", paramLabel = "CODEC",
                description = "How batches are stored: none (default), gzip, lz4 or zstd. Fixed for the topic's life.")
        String compression;

        @Override
        public Integer call() throws Exception {
            Wire.Topic topic = new SluiceAdmin(endpoint.http()).createTopic(new Wire.CreateTopicRequest(name, partitions,
                    retentionMs, retentionBytes, maxRecordBytes, null, compression));
            System.out.println("Created topic " + topic.name() + " with " + topic.partitions() + " partitions"
                    + (topic.compression() == null || topic.compression().equals("none") ? "."
                            : ", compressed with " + topic.compression() + "."));
            return 0;
        }
    }

    @Command(name = "list", description = "List topics.")
    static final class TopicsList implements Callable<Integer> {
        @Mixin Endpoint endpoint;

        @Override
        public Integer call() {
            new SluiceAdmin(endpoint.http()).listTopics().forEach(t -> System.out.println(t.name()));
            return 0;
        }
    }

    @Command(name = "describe", description = "Show a topic's settings and each partition's offsets.")
    static final class TopicsDescribe implements Callable<Integer> {
        @Mixin Endpoint endpoint;
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            Wire.TopicDescription d = new SluiceAdmin(endpoint.http()).describeTopic(name);
            System.out.printf(
                    "Topic: %s  partitions: %d  retention.ms: %s  retention.bytes: %s  max.record.bytes: %d  compression: %s%n",
                    d.name(), d.partitions(), d.retentionMs() < 0 ? "forever" : d.retentionMs(),
                    d.retentionBytes() < 0 ? "unlimited" : d.retentionBytes(), d.maxRecordBytes(),
                    d.compression() == null ? "none" : d.compression());
            System.out.printf("%-10s %-16s %-16s%n", "PARTITION", "LOG-START", "HIGH-WATERMARK");
            d.partitionStates().forEach(p -> System.out.printf("%-10d %-16d %-16d%n", p.partition(), p.logStartOffset(),
                    p.highWatermark()));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a topic.")
    static final class TopicsDelete implements Callable<Integer> {
        @Mixin Endpoint endpoint;
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            new SluiceAdmin(endpoint.http()).deleteTopic(name);
            System.out.println("Deleted topic " + name + ".");
            return 0;
        }
    }

    // ---- produce ----

    @Command(name = "produce", description = "Produce one record per line of stdin, or one record per file. "
            + "Bytes are sent as they are (binary-safe); lines are split on \\n only.")
    static final class Produce implements Callable<Integer> {
        @Mixin Endpoint endpoint;
        @Parameters(index = "0", description = "Topic.") String topic;
        @Parameters(index = "1..*", arity = "0..*", description = "Files: each file's bytes are one record's value.")
        List<Path> files = new ArrayList<>();
        @Option(names = {"-K", "--key-separator"}, description = "Split each line at the first SEP into key and value.")
        String keySeparator;
        @Option(names = {"-p", "--partition"}, description = "Send every record to this partition.") Integer partition;
        @Option(names = "--linger-ms", defaultValue = "5", description = "Batch for up to this long. Default: ${DEFAULT-VALUE}.")
        long lingerMs;

        /** Bytes of keys and values sent but not yet acknowledged before reading more of stdin. */
        static final long MAX_IN_FLIGHT_BYTES = 64L << 20;

        @Option(names = "--max-in-flight", defaultValue = "10000", hidden = true,
                description = "Records sent but not yet acknowledged before reading more of stdin.")
        int maxInFlight;
        @Option(names = "--progress", description = "Show the count sent on stderr (default: when stderr is a terminal).")
        Boolean progress;

        /**
         * Sends each line as it arrives (the producer's linger batches what arrives together), holding at
         * most {@code --max-in-flight} unacknowledged records and 64 MiB of their keys and values (plus the
         * one being sent), so memory stays bounded and
         * {@code tail -f | sluice produce} sends as lines come. Stops at the first failed record.
         */
        @Override
        public Integer call() throws Exception {
            boolean showProgress = progress != null ? progress : System.console() != null;
            ArrayDeque<CompletableFuture<SluiceProducer.Metadata>> inFlight = new ArrayDeque<>();
            ArrayDeque<Integer> inFlightSizes = new ArrayDeque<>();
            long inFlightBytes = 0;
            long sent = 0;
            long lastProgress = System.nanoTime();
            SluiceProducer producer = new SluiceProducer(endpoint.http(),
                    SluiceProducer.Config.defaults().withLinger(Duration.ofMillis(lingerMs)));
            try {
                LineReader lines = files.isEmpty() ? new LineReader(System.in) : null;
                int fileIndex = 0;
                while (true) {
                    byte[] value;
                    byte[] key = null;
                    if (lines == null) {
                        if (fileIndex == files.size()) {
                            break;
                        }
                        value = Files.readAllBytes(files.get(fileIndex++));
                    } else {
                        byte[] line = lines.next();
                        if (line == null) {
                            break;
                        }
                        value = line;
                        if (keySeparator != null) {
                            byte[] separator = keySeparator.getBytes(StandardCharsets.UTF_8);
                            int at = indexOf(line, separator);
                            if (at >= 0) {
                                key = Arrays.copyOfRange(line, 0, at);
                                value = Arrays.copyOfRange(line, at + separator.length, line.length);
                            }
                        }
                    }
                    inFlight.add(producer.send(new SluiceProducer.Record(topic, key, value, null, partition, null)));
                    int size = value.length + (key == null ? 0 : key.length);
                    inFlightSizes.add(size);
                    inFlightBytes += size;
                    sent++;
                    while (!inFlight.isEmpty() && (inFlight.peek().isDone() || inFlight.size() > maxInFlight
                            || inFlightBytes > MAX_IN_FLIGHT_BYTES)) {
                        await(inFlight.poll());
                        inFlightBytes -= inFlightSizes.poll();
                    }
                    if (showProgress && System.nanoTime() - lastProgress > 500_000_000L) {
                        lastProgress = System.nanoTime();
                        System.err.printf("\r%,d records sent, %,d awaiting acknowledgement   ", sent, inFlight.size());
                    }
                }
                producer.flush();
                while (!inFlight.isEmpty()) {
                    await(inFlight.poll());
                }
            } finally {
                producer.close();
            }
            System.err.println((showProgress ? "\n" : "") + "Produced " + sent + (sent == 1 ? " record" : " records")
                    + " to " + topic + ".");
            return 0;
        }

        /** Waits for one record's acknowledgement; its failure is thrown as the server's error, unwrapped. */
        private static void await(CompletableFuture<SluiceProducer.Metadata> future) throws Exception {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw unwrap(e);
            }
        }

        /** Lines of a stream split on \n only, read as they arrive: one line in memory at a time. */
        static final class LineReader {
            private final InputStream in;
            private final byte[] buffer = new byte[64 * 1024];
            private int position;
            private int limit;

            LineReader(InputStream in) {
                this.in = in;
            }

            /** The next line without its \n, or null at the end of the stream. */
            byte[] next() throws IOException {
                ByteArrayOutputStream line = null;
                while (true) {
                    if (position == limit) {
                        // read() returns what is available, so a line is sent as soon as its \n arrives
                        limit = in.read(buffer, 0, buffer.length);
                        position = 0;
                        if (limit <= 0) {
                            limit = 0;
                            return line == null ? null : line.toByteArray();
                        }
                    }
                    for (int i = position; i < limit; i++) {
                        if (buffer[i] == '\n') {
                            byte[] result = concat(line, position, i);
                            position = i + 1;
                            return result;
                        }
                    }
                    if (line == null) {
                        line = new ByteArrayOutputStream();
                    }
                    line.write(buffer, position, limit - position);
                    position = limit;
                }
            }

            private byte[] concat(ByteArrayOutputStream head, int from, int to) {
                if (head == null) {
                    return Arrays.copyOfRange(buffer, from, to);
                }
                head.write(buffer, from, to - from);
                return head.toByteArray();
            }
        }

        static int indexOf(byte[] data, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= data.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (data[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    // ---- consume ----

    @Command(name = "consume", description = "Print records: values one per line (text), or one JSON object per line.")
    static final class Consume implements Callable<Integer> {
        @Mixin Endpoint endpoint;
        @Parameters(index = "0", description = "Topic.") String topic;
        @ArgGroup(exclusive = true) Start start = new Start();
        @Option(names = {"-p", "--partition"}, description = "Only this partition.") Integer partition;
        @Option(names = {"-g", "--group"}, description = "Consume as a member of this group, committing as it goes.")
        String group;
        @Option(names = {"-n", "--count"}, description = "Stop after this many records.") Long count;
        @Option(names = {"-f", "--format"}, defaultValue = "text", description = "text or json. Default: ${DEFAULT-VALUE}.")
        String format;
        @Option(names = "--print-key", description = "In text format, print KEY<separator>VALUE.") boolean printKey;
        @Option(names = {"-K", "--key-separator"}, defaultValue = "\t", description = "Separator for --print-key.")
        String keySeparator;
        @Option(names = "--idle-timeout-ms", defaultValue = "3000",
                description = "Stop when nothing arrives for this long (0: never). Default: ${DEFAULT-VALUE}.")
        long idleTimeoutMs;
        @Option(names = "--progress", description = "Show rate and lag on stderr (default: when stderr is a terminal).")
        Boolean progress;

        static final class Start {
            @Option(names = "--from-beginning", description = "Start at the earliest offset (the default without a group).")
            boolean fromBeginning;
            @Option(names = "--offset", description = "Start at this offset (needs --partition).") Long offset;
            @Option(names = "--from-timestamp", description = "Start at the first record at or after this epoch-millis time.")
            Long fromTimestamp;
        }

        /** Exit status after stdout was closed by its reader (| head): 128 + SIGPIPE, as a shell shows. */
        static final int BROKEN_PIPE = 141;

        /**
         * Prints records and, with a group, commits exactly what was printed and flushed: each batch is
         * written and flushed, stdout is checked for errors, and only then are the printed records'
         * offsets committed. If stdout fails (the reader went away), nothing of that batch is committed
         * and the tool exits quietly with 141. Ctrl-C (SIGINT, SIGTERM) stops the loop and leaves the group.
         */
        @Override
        public Integer call() throws Exception {
            if (!format.equals("text") && !format.equals("json")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--format must be text or json");
            }
            if (start.offset != null && partition == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--offset needs --partition");
            }
            SluiceHttp http = endpoint.http();
            Wire.TopicDescription topicInfo = new SluiceAdmin(http).describeTopic(topic);
            // Never auto-commit: the tool commits what it has printed, and nothing else.
            SluiceConsumer.Config config = (group == null ? SluiceConsumer.Config.withoutGroup()
                    : SluiceConsumer.Config.forGroup(group)).withAutoCommit(false);
            PrintStream out = System.out;
            boolean showProgress = progress != null ? progress : System.console() != null;
            long printed = 0;
            long started = System.nanoTime();
            long lastProgress = started;
            boolean broken = false;
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.set(true);
                try {
                    finished.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sluice-consume-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try (SluiceConsumer consumer = new SluiceConsumer(http, config)) {
                List<SluiceConsumer.TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < topicInfo.partitions(); p++) {
                    if (partition == null || partition == p) {
                        partitions.add(new SluiceConsumer.TopicPartition(topic, p));
                    }
                }
                if (group == null || start.offset != null || start.fromTimestamp != null || start.fromBeginning) {
                    // Without membership: a seek here is committed as a rewind, since the operator asked for it.
                    consumer.assign(partitions);
                    for (SluiceConsumer.TopicPartition tp : partitions) {
                        if (start.offset != null) {
                            consumer.seek(tp, start.offset);
                        } else if (start.fromTimestamp != null) {
                            consumer.seekToTimestamp(tp, start.fromTimestamp);
                        } else if (start.fromBeginning || group == null) {
                            consumer.seekToBeginning(tp);
                        }
                    }
                } else {
                    consumer.subscribe(List.of(topic));
                }
                long idleSince = System.nanoTime();
                while (!stop.get() && (count == null || printed < count)) {
                    List<SluiceConsumer.Record> records = consumer.poll(Duration.ofMillis(200));
                    Map<SluiceConsumer.TopicPartition, Long> done = new LinkedHashMap<>();
                    for (SluiceConsumer.Record r : records) {
                        if (count != null && printed >= count) {
                            break;
                        }
                        print(out, r);
                        printed++;
                        done.put(new SluiceConsumer.TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                    }
                    out.flush();
                    if (out.checkError()) {
                        broken = true; // the batch may be partly out: commit none of it, it is read again next time
                        break;
                    }
                    if (group != null && !done.isEmpty()) {
                        consumer.commitSync(done);
                    }
                    long now = System.nanoTime();
                    if (!records.isEmpty()) {
                        idleSince = now;
                    } else if (idleTimeoutMs > 0 && now - idleSince >= TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs)) {
                        break;
                    }
                    if (showProgress && now - lastProgress >= 500_000_000L) {
                        lastProgress = now;
                        progress(consumer, printed, TimeUnit.NANOSECONDS.toMillis(now - started));
                    }
                }
            } finally {
                finished.countDown();
                if (!stop.get()) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is exiting; the hook is already running
                    }
                }
            }
            if (broken) {
                return BROKEN_PIPE;
            }
            if (showProgress) {
                System.err.printf("%nConsumed %d records in %.1f s.%n", printed,
                        (System.nanoTime() - started) / 1e9);
            }
            return 0;
        }

        private void print(PrintStream out, SluiceConsumer.Record r) throws IOException {
            if (format.equals("json")) {
                ObjectNode node = JsonNodeFactory.instance.objectNode();
                node.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset())
                        .put("timestamp", r.timestamp());
                node.put("key", r.key() == null ? null : Base64.getEncoder().encodeToString(r.key()));
                node.put("value", Base64.getEncoder().encodeToString(r.value()));
                out.println(JSON.writeValueAsString(node));
                return;
            }
            if (printKey) {
                if (r.key() != null) {
                    out.write(r.key());
                }
                out.write(keySeparator.getBytes(StandardCharsets.UTF_8));
            }
            out.write(r.value());
            out.write('\n');
        }

        private void progress(SluiceConsumer consumer, long printed, long elapsedMs) {
            long lag = 0;
            for (var end : consumer.endOffsets(consumer.assignment()).entrySet()) {
                lag += Math.max(0, end.getValue() - consumer.position(end.getKey()));
            }
            System.err.printf("\r%,d records  %,.0f records/s  lag %,d   ", printed,
                    printed * 1000.0 / Math.max(1, elapsedMs), lag);
        }
    }

    // ---- groups ----

    @Command(name = "groups", description = "List, describe and reset consumer groups.",
            subcommands = {GroupsList.class, GroupsDescribe.class, GroupsReset.class})
    static final class Groups {
    }

    @Command(name = "list", description = "List consumer groups.")
    static final class GroupsList implements Callable<Integer> {
        @Mixin Endpoint endpoint;

        @Override
        public Integer call() {
            new SluiceAdmin(endpoint.http()).listGroups().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "describe", description = "Show a group's members, committed offsets and lag.")
    static final class GroupsDescribe implements Callable<Integer> {
        @Mixin Endpoint endpoint;
        @Parameters(index = "0") String group;

        @Override
        public Integer call() {
            Wire.GroupDescription d = new SluiceAdmin(endpoint.http()).describeGroup(group);
            if (d.members() == null) {
                // members are shown only to callers with describe on the group (issue 16)
                System.out.printf("Group: %s  epoch: %d  members: (not shown: needs describe on the group)%n",
                        d.group(), d.groupEpoch());
            } else {
                System.out.printf("Group: %s  epoch: %d  members: %d%n", d.group(), d.groupEpoch(), d.members().size());
            }
            (d.members() == null ? List.<Wire.GroupMember>of() : d.members()).forEach(m -> System.out.printf("  member %s (epoch %d): %s%n", m.memberId(), m.memberEpoch(),
                    m.assignment().stream().map(a -> a.topic() + a.partitions()).toList()));
            System.out.printf("%-24s %-10s %-12s %-16s %-10s%n", "TOPIC", "PARTITION", "COMMITTED", "HIGH-WATERMARK", "LAG");
            d.offsets().forEach(o -> System.out.printf("%-24s %-10d %-12d %-16d %-10d%n", o.topic(), o.partition(),
                    o.committed(), o.highWatermark(), o.lag()));
            return 0;
        }
    }

    @Command(name = "reset", description = "Move a group's committed offsets (the group must have no live members).")
    static final class GroupsReset implements Callable<Integer> {
        @Mixin Endpoint endpoint;
        @Parameters(index = "0") String group;
        @Option(names = {"-t", "--topic"}, required = true) String topic;
        @Option(names = {"-p", "--partition"}, description = "Only this partition.") Integer partition;
        @ArgGroup(exclusive = true, multiplicity = "1") To to;

        static final class To {
            @Option(names = "--to-earliest") boolean earliest;
            @Option(names = "--to-latest") boolean latest;
            @Option(names = "--to-timestamp", description = "Epoch millis.") Long timestamp;
            @Option(names = "--to-offset") Long offset;
        }

        @Override
        public Integer call() {
            com.fasterxml.jackson.databind.JsonNode target = to.earliest ? JsonNodeFactory.instance.textNode("earliest")
                    : to.latest ? JsonNodeFactory.instance.textNode("latest")
                    : to.timestamp != null ? JsonNodeFactory.instance.objectNode().put("timestamp", to.timestamp)
                    : JsonNodeFactory.instance.objectNode().put("offset", to.offset);
            new SluiceAdmin(endpoint.http()).resetGroup(group, topic, partition, target).forEach(o ->
                    System.out.printf("%s/%d -> %d%n", o.topic(), o.partition(), o.offset()));
            return 0;
        }
    }

    /** The failure inside CompletionException and ExecutionException wrappers. */
    static Exception unwrap(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof Exception exception) {
            return exception;
        }
        return new RuntimeException(cause.toString(), cause);
    }

    /** Runs the tool; answers its exit code. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new SluiceCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = unwrap(e);
            if (cause instanceof SluiceClientException s) {
                // CODE: message, as the server said it (or UNREACHABLE when there was no answer)
                cmd.getErr().println("sluice: " + s.getMessage());
            } else {
                cmd.getErr().println("sluice: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
            }
            return 1;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
