package io.sluice.client.cli;

import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceShareConsumer;
import io.sluice.client.SluiceShareConsumer.AcknowledgeType;
import io.sluice.client.wire.ShareWire;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice queue}: share groups, the log as a work queue (issue 18). */
@Command(name = "queue", description = "Share groups: consume a topic as a work queue, with per-record locks.",
        subcommands = {QueueCommand.Consume.class, QueueCommand.Describe.class, QueueCommand.Config.class})
final class QueueCommand {

    @Command(name = "consume", description = "Take records from a share group: print and accept each, or run"
            + " --exec per record (the value on its stdin): exit 0 accepts, another code releases it for another try,"
            + " and at the group's delivery attempt limit it is rejected.")
    static final class Consume implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0", description = "The share group.") String group;
        @Option(names = "--exec", paramLabel = "CMD", description = "A shell command run per record.") String exec;
        @Option(names = "--count", description = "Stop after this many records.") Long count;
        @Option(names = "--idle-timeout-ms", defaultValue = "3000",
                description = "Stop when nothing arrives for this long (0 waits forever). Default: ${DEFAULT-VALUE}.")
        long idleTimeoutMs;
        @Option(names = "--max-records", defaultValue = "10", description = "Records per fetch. Default: ${DEFAULT-VALUE}.")
        int maxRecords;

        @Override
        public Integer call() throws Exception {
            SluiceHttp http = endpoint.http();
            int limit = http.get("/share-groups/" + group, ShareWire.Description.class).config().deliveryAttemptLimit();
            long done = 0;
            long idleSince = System.nanoTime();
            try (SluiceShareConsumer consumer = new SluiceShareConsumer(http,
                    SluiceShareConsumer.Config.forGroup(group).withMaxRecords(maxRecords))) {
                while (count == null || done < count) {
                    List<SluiceShareConsumer.Record> records = consumer.poll(Duration.ofSeconds(1));
                    if (records.isEmpty()) {
                        if (idleTimeoutMs > 0 && System.nanoTime() - idleSince > idleTimeoutMs * 1_000_000) {
                            break;
                        }
                        continue;
                    }
                    idleSince = System.nanoTime();
                    for (SluiceShareConsumer.Record r : records) {
                        if (count != null && done >= count) {
                            consumer.acknowledge(r, AcknowledgeType.RELEASE);
                            continue;
                        }
                        consumer.acknowledge(r, exec == null ? print(r) : run(r, limit));
                        done++;
                    }
                }
            }
            return 0;
        }

        private static AcknowledgeType print(SluiceShareConsumer.Record r) {
            System.out.println(new String(r.value(), StandardCharsets.UTF_8));
            return AcknowledgeType.ACCEPT;
        }

        private AcknowledgeType run(SluiceShareConsumer.Record r, int limit) throws IOException, InterruptedException {
            Process process = new ProcessBuilder("sh", "-c", exec).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(r.value());
            } catch (IOException e) {
                // The command did not read its stdin; its exit code still decides.
            }
            int exit = process.waitFor();
            if (exit == 0) {
                return AcknowledgeType.ACCEPT;
            }
            return r.deliveryCount() >= limit ? AcknowledgeType.REJECT : AcknowledgeType.RELEASE;
        }
    }

    @Command(name = "describe", description = "Show a share group's config and each partition's state.")
    static final class Describe implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0") String group;

        @Override
        public Integer call() {
            ShareWire.Description d = endpoint.http().get("/share-groups/" + group, ShareWire.Description.class);
            ShareWire.Config c = d.config();
            System.out.printf("Share group: %s  topics: %s  deliveryAttemptLimit: %d  lockDurationMs: %d"
                            + "  deadLetterTopic: %s  startAt: %s  ordering: %s%n", c.group(), String.join(",", c.topics()),
                    c.deliveryAttemptLimit(), c.lockDurationMs(), c.deadLetterTopic() == null ? "-" : c.deadLetterTopic(),
                    c.startAt(), c.ordering());
            System.out.printf("%-24s %-10s %-12s %-16s %-10s %-10s %-10s %-10s%n", "TOPIC", "PARTITION", "START",
                    "HIGH-WATERMARK", "AVAILABLE", "ACQUIRED", "ARCHIVED", "LAG");
            d.partitions().forEach(p -> System.out.printf("%-24s %-10d %-12d %-16d %-10d %-10d %-10d %-10d%n", p.topic(),
                    p.partition(), p.startOffset(), p.highWatermark(), p.available(), p.acquired(), p.archived(), p.lag()));
            System.out.printf("total: available %d, acquired %d, archived %d, lag %d; dead-lettered %d (pending %d)%n",
                    d.totals().available(), d.totals().acquired(), d.totals().archived(), d.totals().lag(),
                    d.deadLettered(), d.pendingDeadLetters());
            return 0;
        }
    }

    @Command(name = "config", description = "Create a share group or replace its config (unset options take defaults).")
    static final class Config implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0") String group;
        @Option(names = {"-t", "--topic"}, required = true, description = "A topic to consume (repeat for more).")
        List<String> topics;
        @Option(names = "--delivery-attempt-limit", description = "Default 5.") Integer deliveryAttemptLimit;
        @Option(names = "--lock-duration-ms", description = "Default 30000.") Long lockDurationMs;
        @Option(names = "--dead-letter-topic") String deadLetterTopic;
        @Option(names = "--start-at", description = "earliest (default) or latest.") String startAt;
        @Option(names = "--ordering", description = "none (default) or key.") String ordering;

        @Override
        public Integer call() {
            ShareWire.Config c = endpoint.http().send("PUT", "/share-groups/" + group, new ShareWire.ConfigRequest(topics,
                    deliveryAttemptLimit, lockDurationMs, deadLetterTopic, startAt, ordering), ShareWire.Config.class);
            System.out.printf("Share group %s consumes %s (deliveryAttemptLimit %d, lockDurationMs %d, deadLetterTopic %s,"
                            + " startAt %s, ordering %s).%n", c.group(), String.join(",", c.topics()),
                    c.deliveryAttemptLimit(), c.lockDurationMs(), c.deadLetterTopic() == null ? "-" : c.deadLetterTopic(),
                    c.startAt(), c.ordering());
            return 0;
        }
    }
}
