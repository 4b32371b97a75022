package io.sluice.client.cli;

import io.sluice.client.SluiceAdmin;
import io.sluice.client.wire.SubscriptionWire;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice subscriptions create|list|describe|pause|resume|delete} (issue 19). */
@Command(name = "subscriptions", description = "Push a topic's records to a Lambda function or an HTTPS endpoint.",
        subcommands = {SubscriptionsCommand.Create.class, SubscriptionsCommand.List.class,
                SubscriptionsCommand.Describe.class, SubscriptionsCommand.Pause.class, SubscriptionsCommand.Resume.class,
                SubscriptionsCommand.Delete.class})
final class SubscriptionsCommand {

    @Command(name = "create", description = "Create a subscription; Sluice manages its consumer group sub.<name>.")
    static final class Create implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0", description = "Subscription name, [a-zA-Z0-9._-]{1,245}.") String name;
        @Option(names = {"-t", "--topic"}, required = true) String topic;

        @ArgGroup(exclusive = true, multiplicity = "1")
        TargetChoice target;

        static final class TargetChoice {
            @Option(names = "--function", paramLabel = "ARN", description = "A Lambda function's name or ARN.")
            String functionArn;
            @Option(names = "--url", paramLabel = "URL", description = "An https endpoint, POSTed each batch.")
            String url;
        }

        @Option(names = "--secret", description = "Sign http batches with HMAC-SHA256 under this secret "
                + "(header X-Sluice-Signature). Prefer the env SLUICE_TARGET_SECRET.",
                defaultValue = "${env:SLUICE_TARGET_SECRET}")
        String secret;
        @Option(names = "--batch-size", description = "Records per batch, 1 to 10000 (default 100).") Integer batchSize;
        @Option(names = "--max-batching-window-ms", description = "Wait up to this long to fill a batch (default 0).")
        Long window;
        @Option(names = "--maximum-retry-attempts", description = "Retries of a failing batch (default 3; -1 forever).")
        Integer retries;
        @Option(names = "--bisect-batch-on-error", description = "Split a failing batch in two and retry the halves.")
        Boolean bisect;
        @Option(names = "--dead-letter-topic", description = "Where exhausted records go; without it the "
                + "subscription stops instead.") String deadLetterTopic;
        @Option(names = "--start-at", description = "earliest or latest (default latest).") String startAt;
        @Option(names = "--parallelization-factor", description = "Batches in flight per partition, by key hash, 1 to 10.")
        Integer parallelizationFactor;

        @Override
        public Integer call() {
            if (target.url == null && secret != null && !secret.isBlank()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--secret goes with --url");
            }
            SubscriptionWire.Target t = target.url != null
                    ? new SubscriptionWire.Target("http", null, target.url, secret == null || secret.isBlank() ? null : secret)
                    : new SubscriptionWire.Target("lambda", target.functionArn, null, null);
            SubscriptionWire.Subscription s = new SluiceAdmin(endpoint.http()).createSubscription(
                    new SubscriptionWire.CreateRequest(name, topic, t, batchSize, window, retries, bisect, deadLetterTopic,
                            startAt, parallelizationFactor));
            System.out.println("Created subscription " + s.name() + " on " + s.topic() + " (group " + s.group() + ").");
            return 0;
        }
    }

    @Command(name = "list", description = "List subscriptions.")
    static final class List implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;

        @Override
        public Integer call() {
            System.out.printf("%-24s %-24s %-8s %s%n", "NAME", "TOPIC", "STATE", "TARGET");
            new SluiceAdmin(endpoint.http()).listSubscriptions().forEach(s -> System.out.printf("%-24s %-24s %-8s %s%n",
                    s.name(), s.topic(), s.state(), target(s.target())));
            return 0;
        }
    }

    @Command(name = "describe", description = "Show a subscription's state, lag per partition, last error and counts.")
    static final class Describe implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            SubscriptionWire.Description d = new SluiceAdmin(endpoint.http()).describeSubscription(name);
            SubscriptionWire.Subscription s = d.subscription();
            System.out.printf("Subscription: %s  topic: %s  group: %s  state: %s%n", s.name(), s.topic(), s.group(),
                    s.state());
            System.out.printf("Target: %s  batch: %d  retries: %d  dead letters: %s%n", target(s.target()),
                    s.batchSize(), s.maximumRetryAttempts(), s.deadLetterTopic() == null ? "none (stops)" : s.deadLetterTopic());
            System.out.printf("Delivered: %d  failed attempts: %d  dead-lettered: %d  lag: %d%n", d.delivered(),
                    d.failed(), d.deadLettered(), d.lag());
            if (d.lastError() != null) {
                System.out.println("Last error: " + d.lastError());
            }
            System.out.printf("%-10s %-12s %-16s %-10s %s%n", "PARTITION", "COMMITTED", "HIGH-WATERMARK", "LAG", "DISPATCHING");
            d.partitions().forEach(p -> System.out.printf("%-10d %-12d %-16d %-10d %s%n", p.partition(), p.committed(),
                    p.highWatermark(), p.lag(), p.dispatching() ? "yes" : "no"));
            return 0;
        }
    }

    @Command(name = "pause", description = "Stop delivering until resumed (records keep arriving; nothing is skipped).")
    static final class Pause implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            System.out.println("Subscription " + new SluiceAdmin(endpoint.http()).pauseSubscription(name).name()
                    + " is paused.");
            return 0;
        }
    }

    @Command(name = "resume", description = "Deliver again from where it stopped (a stopped one gets its retries back).")
    static final class Resume implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            System.out.println("Subscription " + new SluiceAdmin(endpoint.http()).resumeSubscription(name).name()
                    + " is active.");
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a subscription (its group's offsets stay).")
    static final class Delete implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            new SluiceAdmin(endpoint.http()).deleteSubscription(name);
            System.out.println("Deleted subscription " + name + ".");
            return 0;
        }
    }

    private static String target(SubscriptionWire.Target t) {
        return t.functionArn() != null ? "lambda " + t.functionArn() : "http " + t.url();
    }
}
