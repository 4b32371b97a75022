package io.sluice.tests.bench;

import com.sun.net.httpserver.HttpServer;
import io.sluice.LogServices;
import io.sluice.group.DynamoGroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchedRecord;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.maintenance.Maintenance;
import io.sluice.meta.DynamoMetadataStore;
import io.sluice.metrics.Metrics;
import io.sluice.share.ShareGroupStores;
import io.sluice.store.S3ObjectStore;
import io.sluice.subscription.Dispatcher;
import io.sluice.subscription.InProcessDispatch;
import io.sluice.subscription.SubscriptionService;
import io.sluice.subscription.SubscriptionWiring;
import io.sluice.subscription.Target;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Subscriptions under the latency model (issue 19): records per second delivered to an http target and
 * the latency from the start of each record's produce call to its arrival at the target (p50, p99), and,
 * in the same run on the same emulators and model, the baseline: a consumer polling each partition with
 * long-poll fetches, its records per second and produce-to-fetch latency. The trigger's Event invoke
 * and the dispatcher's start are in-process here: Lambda's own invoke latency is not modelled.
 */
final class SubscriptionBench {

    private final S3Client s3;
    private final DynamoDbClient dynamo;
    private final String bucket;
    private final String table;

    SubscriptionBench(S3Client s3, DynamoDbClient dynamo, String bucket, String table) {
        this.s3 = s3;
        this.dynamo = dynamo;
        this.bucket = bucket;
        this.table = table;
    }

    /** Pushes and polls {@code calls} produce calls of {@code perCall} records over {@code partitions}. */
    List<Map<String, Object>> run(int partitions, int calls, int perCall) throws Exception {
        ExecutorService dispatchers = Executors.newCachedThreadPool();
        ExecutorService triggers = Executors.newFixedThreadPool(4);
        InProcessDispatch invoker = new InProcessDispatch(dispatchers, Clock.systemUTC(), Duration.ofMinutes(5));
        DynamoGroupStore groups = new DynamoGroupStore(dynamo, table);
        SubscriptionWiring wiring = SubscriptionWiring.beside(groups).withInvoker(invoker).withTriggers(triggers)
                .withTargets(Duration.ofSeconds(30), true).withSettings(Dispatcher.Settings.DEFAULT);
        LogServices log = LogServices.create(new S3ObjectStore(s3, bucket), new DynamoMetadataStore(dynamo, table),
                groups, ShareGroupStores.beside(groups), Clock.systemUTC(), Backoff.exponentialJitter(5, 200),
                Metrics.NOOP, ProduceService.newPool(16), Maintenance.Settings.DEFAULT, wiring);
        String suffix = Long.toString(System.nanoTime(), 36);
        List<Map<String, Object>> lines = new ArrayList<>();
        try {
            // Baseline: a poller per partition, long-polling the fetch service.
            String pollTopic = "poll-" + suffix;
            log.topics().create(new CreateTopic(pollTopic, partitions, null, null, null));
            ConcurrentLinkedQueue<long[]> polled = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch pollersDone = new CountDownLatch(partitions);
            ExecutorService pollers = Executors.newFixedThreadPool(partitions);
            for (int p = 0; p < partitions; p++) {
                int partition = p;
                pollers.execute(() -> {
                    long offset = 0;
                    try {
                        while (!stop.get()) {
                            FetchResult r = log.fetcher().fetch(pollTopic, partition, offset, 1 << 20, 1_000, 1_000);
                            long now = System.nanoTime();
                            for (FetchedRecord f : r.records()) {
                                polled.add(new long[] {ByteBuffer.wrap(f.record().value()).getLong(), now});
                            }
                            offset = r.nextOffset();
                        }
                    } finally {
                        pollersDone.countDown();
                    }
                });
            }
            Thread.sleep(200);
            long pollStart = System.nanoTime();
            produce(log, pollTopic, partitions, calls, perCall);
            awaitCount(polled, calls * perCall);
            lines.add(summary("subscription_baseline_poll", polled, pollStart, partitions, calls, perCall));
            stop.set(true);
            pollersDone.await(10, TimeUnit.SECONDS);
            pollers.shutdownNow();

            // Push: a subscription to an http target in this process.
            ConcurrentLinkedQueue<long[]> pushed = new ConcurrentLinkedQueue<>();
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                long now = System.nanoTime();
                String json = new String(body, java.nio.charset.StandardCharsets.UTF_8);
                int at = 0;
                while ((at = json.indexOf("\"value\":\"", at)) >= 0) {
                    int end = json.indexOf('"', at + 9);
                    pushed.add(new long[] {ByteBuffer.wrap(Base64.getDecoder().decode(json.substring(at + 9, end))).getLong(),
                            now});
                    at = end;
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            try {
                String pushTopic = "push-" + suffix;
                log.topics().create(new CreateTopic(pushTopic, partitions, null, null, null));
                log.subscriptions().service().create(new SubscriptionService.Create("bench-" + suffix, pushTopic,
                        Target.http("http://127.0.0.1:" + server.getAddress().getPort() + "/", null), null, null,
                        null, null, null, null, null));
                long pushStart = System.nanoTime();
                produce(log, pushTopic, partitions, calls, perCall);
                awaitCount(pushed, calls * perCall);
                lines.add(summary("subscription_push_http", pushed, pushStart, partitions, calls, perCall));
            } finally {
                server.stop(0);
            }
            Map<String, Object> poll = lines.get(0);
            Map<String, Object> push = lines.get(1);
            Map<String, Object> ratios = new LinkedHashMap<>();
            ratios.put("pushToPollRecordsPerSecond", round((double) push.get("recordsPerSecond")
                    / (double) poll.get("recordsPerSecond")));
            ratios.put("pushToPollP50", round((double) push.get("p50Ms") / (double) poll.get("p50Ms")));
            ratios.put("pushToPollP99", round((double) push.get("p99Ms") / (double) poll.get("p99Ms")));
            lines.add(ratios);
        } finally {
            dispatchers.shutdownNow();
            triggers.shutdownNow();
        }
        return lines;
    }

    private static void produce(LogServices log, String topic, int partitions, int calls, int perCall) {
        for (int c = 0; c < calls; c++) {
            long started = System.nanoTime();
            List<ProduceRecord> records = new ArrayList<>();
            for (int i = 0; i < perCall; i++) {
                records.add(new ProduceRecord(null, ByteBuffer.allocate(8).putLong(started).array(), List.of(),
                        (c * perCall + i) % partitions, null));
            }
            log.producer().produce(topic, records);
        }
    }

    private static void awaitCount(ConcurrentLinkedQueue<long[]> arrived, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (arrived.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + arrived.size() + " of " + count + " records arrived");
            }
            Thread.sleep(2);
        }
    }

    private static Map<String, Object> summary(String name, ConcurrentLinkedQueue<long[]> arrived, long start,
                                               int partitions, int calls, int perCall) {
        double[] latencies = arrived.stream().mapToDouble(a -> (a[1] - a[0]) / 1e6).sorted().toArray();
        long last = arrived.stream().mapToLong(a -> a[1]).max().orElseThrow();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("measurement", name);
        line.put("records", latencies.length);
        line.put("partitions", partitions);
        line.put("produceCalls", calls);
        line.put("recordsPerCall", perCall);
        line.put("recordsPerSecond", round(latencies.length / ((last - start) / 1e9)));
        line.put("p50Ms", round(percentile(latencies, 0.50)));
        line.put("p99Ms", round(percentile(latencies, 0.99)));
        return line;
    }

    private static double percentile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String describe(List<Map<String, Object>> lines) {
        return Arrays.toString(lines.toArray());
    }
}
