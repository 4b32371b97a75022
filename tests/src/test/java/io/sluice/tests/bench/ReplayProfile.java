package io.sluice.tests.bench;

import io.sluice.LogServices;
import io.sluice.format.ObjectFormat;
import io.sluice.group.DynamoGroupStore;
import io.sluice.infra.Dynalite;
import io.sluice.infra.EmbeddedS3;
import io.sluice.infra.LocalAws;
import io.sluice.infra.SamTemplate;
import io.sluice.log.Backoff;
import io.sluice.log.FetchResult;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.DynamoMetadataStore;
import io.sluice.metrics.Metrics;
import io.sluice.store.S3ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where a replay's time goes without the latency model (issue 17): the benchmark's replay (a 64 MiB topic of
 * 1 MiB produce calls, read back at 3 MiB a fetch) against raw GETs of 1 MiB objects, on the same emulators,
 * with the time each SDK request took, split between the fetching thread (on the fetch's critical path) and
 * the read-ahead threads, and the CPU cost of decoding. Not part of the suite: run its main with the
 * benchmark's classpath ({@code tests/bin/benchmark} builds it), e.g. under {@code -XX:StartFlightRecording}.
 */
public final class ReplayProfile {

    private static final int MIB = 1 << 20;

    /** Wall time of each SDK operation, by operation and by whether the fetching thread made it. */
    static final class Timer implements ExecutionInterceptor {
        private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("sluice.profile.started");
        final Map<String, AtomicLong> nanos = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        volatile Thread fetcher;

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            long took = System.nanoTime() - attributes.getAttribute(STARTED);
            String name = (Thread.currentThread() == fetcher ? "fetch thread " : "read-ahead ")
                    + attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            nanos.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(took);
            counts.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
        }

        void reset() {
            nanos.clear();
            counts.clear();
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path infra = Path.of(System.getProperty("sluice.infra.dir", "infra")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sluice-profile");
        Timer timer = new Timer();
        try (EmbeddedS3 s3Server = EmbeddedS3.onDisk(work.resolve("s3"), "127.0.0.1", 0);
             Dynalite dynalite = Dynalite.start(infra, null, "127.0.0.1", 0)) {
            S3Client s3 = LocalAws.s3(s3Server.endpoint(), List.of(timer));
            DynamoDbClient dynamo = LocalAws.dynamo(dynalite.endpoint(), List.of(timer));
            LocalAws.createBucket(s3, "bench");
            LocalAws.createTable(dynamo, "bench", SamTemplate.load(infra.resolve("../template.yaml")).tables().get(0));
            S3ObjectStore objects = new S3ObjectStore(s3, "bench");
            LogServices admin = log(s3, dynamo);
            admin.topics().create(new CreateTopic("replay", 1, null, null, null));
            byte[] value = new byte[1024];
            new Random(1).nextBytes(value);
            List<ProduceRecord> batch = new ArrayList<>();
            for (int i = 0; i < 1024; i++) {
                batch.add(new ProduceRecord(null, value, List.of(), 0, null));
            }
            for (int c = 0; c < 64; c++) {
                int n = c;
                admin.producer().produce("replay", batch);
                s3.putObject(b -> b.bucket("bench").key("raw/" + n), software.amazon.awssdk.core.sync.RequestBody
                        .fromBytes(new byte[MIB]));
            }
            for (int round = 0; round < rounds + 2; round++) {
                boolean warmup = round < 2;
                timer.fetcher = Thread.currentThread();
                timer.reset();
                long[] cpu = cpuNanos();
                long start = System.nanoTime();
                for (int c = 0; c < 64; c++) {
                    int n = c;
                    s3.getObjectAsBytes(b -> b.bucket("bench").key("raw/" + n)).asByteArray();
                }
                long raw = System.nanoTime() - start;
                long[] rawCpu = since(cpu);
                // The same objects by ranged GETs, all but the first 5 bytes, read as the object store reads a range.
                cpu = cpuNanos();
                start = System.nanoTime();
                for (int c = 0; c < 64; c++) {
                    objects.getRange("raw/" + c, 5, MIB - 5);
                }
                long ranged = System.nanoTime() - start;
                long[] rangedCpu = since(cpu);
                Map<String, Long> rawNanos = snapshot(timer.nanos);
                timer.reset();
                LogServices log = log(s3, dynamo);
                cpu = cpuNanos();
                long offset = 0;
                long bytes = 0;
                int fetches = 0;
                start = System.nanoTime();
                while (true) {
                    FetchResult r = log.fetcher().fetch("replay", 0, offset, 3 * MIB);
                    fetches++;
                    if (r.records().isEmpty()) {
                        break;
                    }
                    for (var rec : r.records()) {
                        bytes += rec.record().value().length;
                    }
                    offset = r.nextOffset();
                }
                long replay = System.nanoTime() - start;
                long[] replayCpu = since(cpu);
                // The same replay by a fetcher with the same cache but no read pool: one GET after another.
                DynamoMetadataStore store = new DynamoMetadataStore(dynamo, "bench");
                io.sluice.log.FetchService sequential = new io.sluice.log.FetchService(objects, store,
                        new io.sluice.log.TopicCache(store, Clock.systemUTC(), java.time.Duration.ofSeconds(30)),
                        Clock.systemUTC(), io.sluice.log.Sleeper.SYSTEM, Metrics.NOOP,
                        io.sluice.log.ReadCache.forGracePeriod(Clock.systemUTC(), 15 * 60_000), null);
                cpu = cpuNanos();
                start = System.nanoTime();
                for (long at = 0; ; ) {
                    FetchResult r = sequential.fetch("replay", 0, at, 3 * MIB);
                    if (r.records().isEmpty()) {
                        break;
                    }
                    at = r.nextOffset();
                }
                long oneByOne = System.nanoTime() - start;
                long[] oneByOneCpu = since(cpu);
                Map<String, Long> replayNanos = snapshot(timer.nanos);
                Map<String, Long> replayCounts = snapshot(timer.counts);
                int fetchCount = fetches;
                double mib = bytes / (double) MIB;
                // Decoding alone: every 1 MiB range of the topic, decoded as a fetch does, from memory.
                List<byte[]> ranges = new ArrayList<>();
                for (var entry : new DynamoMetadataStore(dynamo, "bench").entriesFrom("replay", 0,
                        admin.topics().describe("replay").config().topicId(), 0, 64)) {
                    ranges.add(objects.getRange(entry.objectKey(), entry.byteStart(), entry.byteLength()));
                }
                start = System.nanoTime();
                long decoded = 0;
                for (byte[] range : ranges) {
                    decoded += ObjectFormat.decodeBatches("k", 0, range).size();
                }
                long decode = System.nanoTime() - start;
                if (warmup) {
                    continue;
                }
                System.out.printf(java.util.Locale.ROOT,
                        "round %d: raw GET %.2f ms/MiB (%.0f MiB/s); replay %.2f ms/MiB (%.0f MiB/s), ratio %.2f;"
                                + " %d fetches, %.2f MiB a fetch; decoding %.2f ms/MiB (%d batches, %d ranges)%n",
                        round - 1, raw / 1e6 / 64, 64 / (raw / 1e9), replay / 1e6 / mib, mib / (replay / 1e9),
                        (double) raw / replay, fetches, mib / fetches, decode / 1e6 / ranges.size(), decoded,
                        ranges.size());
                System.out.printf(java.util.Locale.ROOT, "  CPU ms a MiB: raw GET: JVM %.2f, dynalite %.2f;"
                                + " ranged GET (S3ObjectStore): JVM %.2f (%.2f ms a MiB of wall time);"
                                + " replay: JVM %.2f, dynalite %.2f%n", rawCpu[0] / 1e6 / 64, rawCpu[1] / 1e6 / 64,
                        rangedCpu[0] / 1e6 / 64, ranged / 1e6 / 64, replayCpu[0] / 1e6 / mib, replayCpu[1] / 1e6 / mib);
                System.out.printf(java.util.Locale.ROOT, "  without read-ahead: %.2f ms a MiB, CPU JVM %.2f, dynalite %.2f%n",
                        oneByOne / 1e6 / mib, oneByOneCpu[0] / 1e6 / mib, oneByOneCpu[1] / 1e6 / mib);
                rawNanos.forEach((op, n) -> System.out.printf(java.util.Locale.ROOT, "  raw     %-32s %7.2f ms/MiB%n",
                        op, n / 1e6 / 64));
                replayNanos.forEach((op, n) -> System.out.printf(java.util.Locale.ROOT,
                        "  replay  %-32s %7.2f ms/MiB, %5.2f ms each, %.2f a fetch%n", op, n / 1e6 / mib,
                        n / 1e6 / replayCounts.get(op), replayCounts.get(op) / (double) fetchCount));
            }
        }
    }

    /** CPU time so far of this JVM (s3proxy runs in it) and of its child processes (dynalite). */
    private static long[] cpuNanos() {
        long jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
        long children = ProcessHandle.current().descendants()
                .mapToLong(p -> p.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L)).sum();
        return new long[] {jvm, children};
    }

    private static long[] since(long[] before) {
        long[] now = cpuNanos();
        return new long[] {now[0] - before[0], now[1] - before[1]};
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> map) {
        Map<String, Long> copy = new TreeMap<>();
        map.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    private static LogServices log(S3Client s3, DynamoDbClient dynamo) {
        return LogServices.create(new S3ObjectStore(s3, "bench"), new DynamoMetadataStore(dynamo, "bench"),
                new DynamoGroupStore(dynamo, "bench"), Clock.systemUTC(), Backoff.adaptiveJitter(5, 500), Metrics.NOOP,
                ProduceService.newPool(ProduceService.DEFAULT_COMMIT_THREADS));
    }
}
