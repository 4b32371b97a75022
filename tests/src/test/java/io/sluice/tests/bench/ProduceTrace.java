package io.sluice.tests.bench;

import io.sluice.LogServices;
import io.sluice.group.DynamoGroupStore;
import io.sluice.infra.Dynalite;
import io.sluice.infra.EmbeddedS3;
import io.sluice.infra.LocalAws;
import io.sluice.infra.SamTemplate;
import io.sluice.log.Backoff;
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
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Diagnostics for the 16-partition produce target: 1 MiB produce calls to 1 and to 16 partitions under the
 * latency model, each request's timeline ({@link LatencyModel.Span}) collected, and per call where the time
 * went: the object's PUT, the head reads and index puts, the head updates, the emulator's own time against the
 * drawn latency, the commit pool's queueing, and the CPU a call costs the JVM, its threads and dynalite. Two
 * rounds of 1 and 16 partitions; the second is warm. Build as {@code tests/bin/benchmark} does, then run it on
 * the benchmark's classpath from the project root:
 * {@code java -Dsluice.infra.dir=$PWD/infra -cp "tests/target/test-classes:$(cat tests/target/bench-classpath.txt)"
 * io.sluice.tests.bench.ProduceTrace [calls [none]]}; {@code -Dtrace.detail=1} prints the last two calls of
 * each kind request by request, {@code -Dtrace.slowMs=N} every call whose replay takes longer than N ms,
 * {@code -Dtrace.emulator=1} times dynalite alone serving 1 and 16 concurrent UpdateItems. Not part of the suite.
 */
public final class ProduceTrace {

    private static final int MIB = 1 << 20;

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 24;
        boolean modelOn = args.length <= 1 || !args[1].equals("none");
        Path infra = Path.of(System.getProperty("sluice.infra.dir", "infra")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("sluice-trace");
        LatencyModel model = LatencyModel.aws(17, modelOn);
        List<LatencyModel.Span> spans = new ArrayList<>();
        model.listener(span -> {
            synchronized (spans) {
                spans.add(span);
            }
        });
        try (EmbeddedS3 s3Server = EmbeddedS3.onDisk(work.resolve("s3"), "127.0.0.1", 0);
             Dynalite dynalite = Dynalite.start(infra, null, "127.0.0.1", 0)) {
            S3Client s3 = LocalAws.s3(s3Server.endpoint(), List.of(model));
            DynamoDbClient dynamo = LocalAws.dynamo(dynalite.endpoint(), List.of(model));
            LocalAws.createBucket(s3, "trace");
            LocalAws.createTable(dynamo, "trace", SamTemplate.load(infra.resolve("../template.yaml")).tables().get(0));
            ExecutorService pool = ProduceService.newPool(ProduceService.DEFAULT_COMMIT_THREADS);
            if (System.getProperty("trace.emulator") != null) {
                emulator(dynamo, pool);
                return;
            }
            // Each pool task's submission and start, to see the commit pool's queueing and wake-up.
            List<long[]> tasks = new ArrayList<>();
            java.util.concurrent.Executor timed = task -> {
                long submitted = System.nanoTime();
                pool.execute(() -> {
                    long began = System.nanoTime();
                    synchronized (tasks) {
                        tasks.add(new long[] {submitted, began});
                    }
                    task.run();
                });
            };
            LogServices log = LogServices.create(new S3ObjectStore(s3, "trace"), new DynamoMetadataStore(dynamo, "trace"),
                    new DynamoGroupStore(dynamo, "trace"), Clock.systemUTC(), Backoff.adaptiveJitter(5, 500), Metrics.NOOP,
                    timed);
            for (int round = 0; round < 2; round++) {
                for (int partitions : new int[] {1, 16}) {
                    String topic = "t" + partitions + "r" + round;
                    log.topics().create(new CreateTopic(topic, partitions, null, null, null));
                    List<ProduceRecord> records = new ArrayList<>();
                    byte[] value = new byte[1024];
                    new Random(partitions).nextBytes(value);
                    for (int i = 0; i < 1024; i++) {
                        records.add(new ProduceRecord(null, value, List.of(), i % partitions, null));
                    }
                    log.producer().produce(topic, records); // warm: every later call indexes its predecessor
                    List<double[]> rows = new ArrayList<>();
                    long node = ProcessHandle.current().children().filter(p -> p.info().command().orElse("")
                            .contains("node")).findFirst().orElseThrow().pid();
                    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                            .getOperatingSystemMXBean();
                    long jvmCpu0 = os.getProcessCpuTime();
                    long poolCpu0 = threadCpu("sluice-produce-commit");
                    long mainCpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    List<Long> replayed = new ArrayList<>();
                    long nodeCpu0 = cpuMillis(node);
                    for (int c = 0; c < calls; c++) {
                        synchronized (spans) {
                            spans.clear();
                        }
                        synchronized (tasks) {
                            tasks.clear();
                        }
                        long t0 = System.nanoTime();
                        log.producer().produce(topic, records);
                        long t1 = System.nanoTime();
                        List<LatencyModel.Span> mine;
                        synchronized (spans) {
                            mine = new ArrayList<>(spans);
                        }
                        double[] r = row(mine, t0, t1);
                        long putEnd = mine.stream().filter(x -> x.operation().equals("S3:PutObject"))
                                .mapToLong(LatencyModel.Span::released).max().orElse(t0);
                        List<long[]> commitTasks;
                        synchronized (tasks) {
                            commitTasks = tasks.stream().filter(x -> x[0] >= putEnd).toList();
                        }
                        double firstSubmit = ms(commitTasks.stream().mapToLong(x -> x[0]).min().orElse(putEnd) - putEnd);
                        double lastSubmit = ms(commitTasks.stream().mapToLong(x -> x[0]).max().orElse(putEnd) - putEnd);
                        double maxWait = ms(commitTasks.stream().mapToLong(x -> x[1] - x[0]).max().orElse(0));
                        double lastBegin = ms(commitTasks.stream().mapToLong(x -> x[1]).max().orElse(putEnd) - putEnd);
                        r = java.util.Arrays.copyOf(r, r.length + 4);
                        r[r.length - 4] = firstSubmit;
                        r[r.length - 3] = lastSubmit;
                        r[r.length - 2] = maxWait;
                        r[r.length - 1] = lastBegin;
                        rows.add(r);
                        replayed.add(EmulatorExcess.replayedNanos(mine, t0, t1));
                        long slow = Long.getLong("trace.slowMs", Long.MAX_VALUE);
                        if (System.getProperty("trace.detail") != null && c >= calls - 2
                                || EmulatorExcess.replayedNanos(mine, t0, t1) / 1_000_000 > slow) {
                            detail(mine, t0, t1);
                        }
                    }
                    print(partitions, round, rows);
                    System.out.printf(Locale.ROOT, "   CPU a call: JVM (Sluice, SDK, s3proxy) %.1f ms, of it the calling"
                            + " thread %.1f ms and the commit pool %.1f ms; dynalite %.1f ms; replayed call mean %.1f ms%n",
                            ms(os.getProcessCpuTime() - jvmCpu0) / calls,
                            ms(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                                    - mainCpu0) / calls, ms(threadCpu("sluice-produce-commit") - poolCpu0) / calls,
                            (cpuMillis(node) - nodeCpu0) / (double) calls,
                            ms(replayed.stream().mapToLong(Long::longValue).sum()) / calls);
                }
            }
        }
    }

    /**
     * call, putEnd, prepareEnd, updateFirstStart, updateEnd, updates' emulator max, updates' drawn max,
     * requests whose emulator time exceeded the draw, their excess, prepare emulator sum, update emulator sum,
     * put emulator, put drawn, put sdk-before-send.
     */
    private static double[] row(List<LatencyModel.Span> spans, long t0, long t1) {
        List<LatencyModel.Span> put = of(spans, "S3:PutObject");
        List<LatencyModel.Span> prep = new ArrayList<>(of(spans, "DynamoDb:GetItem"));
        prep.addAll(of(spans, "DynamoDb:PutItem"));
        List<LatencyModel.Span> upd = of(spans, "DynamoDb:UpdateItem");
        long over = spans.stream().filter(s -> s.drawnNanos() > 0 && s.emulatorNanos() > s.drawnNanos()).count();
        long excess = spans.stream().filter(s -> s.drawnNanos() > 0 && s.emulatorNanos() > s.drawnNanos())
                .mapToLong(s -> s.emulatorNanos() - s.drawnNanos()).sum();
        return new double[] {
            ms(t1 - t0), ms(max(put, LatencyModel.Span::released) - t0), ms(max(prep, LatencyModel.Span::released) - t0),
            ms(min(upd, LatencyModel.Span::started) - t0), ms(max(upd, LatencyModel.Span::released) - t0),
            ms(max(upd, LatencyModel.Span::emulatorNanos)), ms(max(upd, LatencyModel.Span::drawnNanos)), over, ms(excess),
            ms(prep.stream().mapToLong(LatencyModel.Span::emulatorNanos).sum()),
            ms(upd.stream().mapToLong(LatencyModel.Span::emulatorNanos).sum()),
            ms(max(put, LatencyModel.Span::emulatorNanos)), ms(max(put, LatencyModel.Span::drawnNanos)),
            ms(max(put, s -> s.sent() - s.started())), spans.size(),
            ms(max(upd, s -> s.sent() - s.started())),
        };
    }

    /**
     * The emulator alone, model off: UpdateItems on distinct items, one at a time and 16 at once; the wall time of
     * each round and the dynalite process's CPU time (from /proc) per request.
     */
    private static void emulator(DynamoDbClient dynamo, ExecutorService pool) throws Exception {
        long node = ProcessHandle.current().children().filter(p -> p.info().command().orElse("").contains("node"))
                .findFirst().orElseThrow().pid();
        for (int round = 0; round < 6; round++) {
            for (int width : new int[] {1, 16}) {
                int reps = 40;
                long cpu0 = cpuMillis(node);
                long t0 = System.nanoTime();
                List<Long> each = new ArrayList<>();
                for (int r = 0; r < reps; r++) {
                    List<java.util.concurrent.Future<Long>> fs = new ArrayList<>();
                    for (int i = 0; i < width; i++) {
                        String pk = "p" + i;
                        int n = r;
                        fs.add(pool.submit(() -> {
                            long t = System.nanoTime();
                            dynamo.updateItem(b -> b.tableName("trace").key(java.util.Map.of(
                                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(pk),
                                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("h")))
                                    .updateExpression("SET v = :v").expressionAttributeValues(java.util.Map.of(":v",
                                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("" + n))));
                            return System.nanoTime() - t;
                        }));
                    }
                    for (var f : fs) {
                        each.add(f.get());
                    }
                }
                long wall = System.nanoTime() - t0;
                long cpu = cpuMillis(node) - cpu0;
                each.sort(Long::compare);
                System.out.printf(Locale.ROOT, "width=%2d: %.2f ms a round of %d concurrent UpdateItems, request p50 %.2f"
                        + " ms max %.2f ms; dynalite CPU %.2f ms a request%n", width, ms(wall) / reps, width,
                        ms(each.get(each.size() / 2)), ms(each.get(each.size() - 1)), cpu / (double) (reps * width));
            }
        }
    }

    /** CPU time of the live threads named {@code name}, in nanoseconds. */
    private static long threadCpu(String name) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                .mapToLong(t -> Math.max(0, mx.getThreadCpuTime(t.getId()))).sum();
    }

    /** utime + stime of a process, in ms (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    private static void detail(List<LatencyModel.Span> spans, long t0, long t1) {
        System.out.printf(Locale.ROOT, "call %.1f ms%n", ms(t1 - t0));
        spans.stream().sorted(java.util.Comparator.comparingLong(LatencyModel.Span::started)).forEach(s ->
                System.out.printf(Locale.ROOT, "  %-20s thr=%3d start=%6.1f send=+%4.1f emu=%5.1f draw=%5.1f end=%6.1f%n",
                        s.operation(), s.thread(), ms(s.started() - t0), ms(s.sent() - s.started()), ms(s.emulatorNanos()),
                        ms(s.drawnNanos()), ms(s.released() - t0)));
    }

    private static final String[] NAMES = {"call", "putEnd", "prepEnd", "updStart", "updEnd", "updEmuMax",
        "updDrawMax", "nOver", "excess", "prepEmuSum", "updEmuSum", "putEmu", "putDraw", "putPreSend", "requests",
        "updPreSendMax", "commitSubmitFirst", "commitSubmitLast", "commitWaitMax", "commitBeginLast"};

    private static void print(int partitions, int round, List<double[]> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "partitions=%d round=%d medians:", partitions,
                round));
        StringBuilder means = new StringBuilder("   means:");
        for (int i = 0; i < NAMES.length; i++) {
            int col = i;
            double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
            out.append(String.format(Locale.ROOT, " %s=%.1f", NAMES[i], v[v.length / 2]));
            means.append(String.format(Locale.ROOT, " %s=%.1f", NAMES[i], java.util.Arrays.stream(v).average()
                    .orElse(0)));
        }
        System.out.println(out);
        System.out.println(means);
    }

    private static List<LatencyModel.Span> of(List<LatencyModel.Span> spans, String operation) {
        return spans.stream().filter(s -> s.operation().equals(operation)).toList();
    }

    private static long max(List<LatencyModel.Span> spans, ToLongFunction<LatencyModel.Span> f) {
        return spans.stream().mapToLong(f).max().orElse(0);
    }

    private static long min(List<LatencyModel.Span> spans, ToLongFunction<LatencyModel.Span> f) {
        return spans.stream().mapToLong(f).min().orElse(0);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
