package io.sluice.tests.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.group.DynamoGroupStore;
import io.sluice.infra.Dynalite;
import io.sluice.infra.EmbeddedS3;
import io.sluice.infra.LocalAws;
import io.sluice.infra.LocalStack;
import io.sluice.infra.SamTemplate;
import io.sluice.log.FetchResult;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceService;
import io.sluice.metrics.Metrics;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.DynamoMetadataStore;
import io.sluice.store.S3ObjectStore;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.RequestCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The benchmark: raw S3 against Sluice's produce and fetch, on the same embedded emulators in the same
 * run, so every figure is a ratio against its baseline. Prints one JSON line per measurement, then a
 * markdown table; with {@code --docs DIR} it also writes {@code DIR/benchmarks.md} and a PNG chart.
 * Run it with {@code tests/bin/benchmark} (see the README). It is not part of the test suite.
 */
public final class Benchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    static final long RECORD_BYTES = KIB;

    private final List<Map<String, Object>> results = new ArrayList<>();
    private final Path work;
    private final S3Client s3;
    private final DynamoDbClient dynamo;
    private final RequestCounter counter = new RequestCounter();
    /** DynamoDB units and S3 requests as AWS bills them, counted from every response. */
    private final BilledUnits billed = new BilledUnits();
    private final EmbeddedS3 s3Server;
    private final Dynalite dynalite;
    private final String table = "bench";
    private final String bucket = "bench";
    private final boolean quick;
    private final Path infraDir;
    /** AWS-like latency on every S3 and DynamoDB request while enabled; {@code --latency aws} enables it for the sweep. */
    private final LatencyModel model;
    private final boolean modelSweep;
    private int topics;

    private Benchmark(Path infraDir, boolean quick, boolean modelSweep) throws Exception {
        this.quick = quick;
        this.infraDir = infraDir;
        this.modelSweep = modelSweep;
        this.model = LatencyModel.aws(17, modelSweep);
        this.work = Files.createTempDirectory("sluice-bench");
        this.s3Server = EmbeddedS3.onDisk(work.resolve("s3"), "127.0.0.1", 0);
        this.dynalite = Dynalite.start(infraDir, null, "127.0.0.1", 0);
        this.s3 = LocalAws.s3(s3Server.endpoint(), List.of(counter, model, billed));
        this.dynamo = LocalAws.dynamo(dynalite.endpoint(), List.of(counter, model, billed));
        LocalAws.createBucket(s3, bucket);
        LocalAws.createTable(dynamo, table, SamTemplate.load(infraDir.resolve("../template.yaml")).tables().get(0));
    }

    private LogServices log() {
        return log(ProduceService.DEFAULT_COMMIT_THREADS);
    }

    private LogServices log(int commitThreads) {
        return LogServices.create(new S3ObjectStore(s3, bucket), new DynamoMetadataStore(dynamo, table),
                new DynamoGroupStore(dynamo, table), Clock.systemUTC(), LogServices.DEFAULT_BACKOFF, Metrics.NOOP,
                ProduceService.newPool(commitThreads));
    }

    private Map<String, Object> emit(String name, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("measurement", name);
        line.put("latency", model.enabled() ? "aws" : "none");
        line.putAll(fields);
        results.add(line);
        try {
            System.out.println(JSON.writeValueAsString(line));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return line;
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / (double) MIB / (nanos / 1e9);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    // ---- 1. raw S3 ----

    private double[] rawS3(int objectBytes, int count) {
        byte[] data = new byte[objectBytes];
        new Random(1).nextBytes(data);
        String prefix = "raw/" + (model.enabled() ? "aws/" : "none/") + objectBytes + "/";
        List<Long> putNanos = new ArrayList<>();
        List<Long> getNanos = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            long t = System.nanoTime();
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(data));
            putNanos.add(System.nanoTime() - t);
        }
        long put = System.nanoTime() - start;
        start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int n = i;
            long t = System.nanoTime();
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + n)).asByteArray();
            getNanos.add(System.nanoTime() - t);
        }
        long get = System.nanoTime() - start;
        double putRate = mibPerSecond((long) objectBytes * count, put);
        double getRate = mibPerSecond((long) objectBytes * count, get);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("objectBytes", objectBytes);
        fields.put("objects", count);
        fields.put("putMiBps", round(putRate));
        fields.put("getMiBps", round(getRate));
        fields.put("putP50ms", percentileMs(putNanos, 50));
        fields.put("putP99ms", percentileMs(putNanos, 99));
        fields.put("getP50ms", percentileMs(getNanos, 50));
        fields.put("getP99ms", percentileMs(getNanos, 99));
        emit("raw_s3", fields);
        return new double[] {putRate, getRate};
    }

    /** The {@code p}th percentile (nearest rank) of durations in nanoseconds, in milliseconds. */
    static double percentileMs(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(Long::compare);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return round(sorted.get(Math.max(0, rank - 1)) / 1e6);
    }

    // ---- 2. produce through the service layer ----

    private static List<ProduceRecord> batch(int batchBytes, int partitions, int seed) {
        int records = (int) (batchBytes / RECORD_BYTES);
        List<ProduceRecord> batch = new ArrayList<>(records);
        byte[] value = new byte[(int) RECORD_BYTES];
        new Random(seed).nextBytes(value);
        for (int i = 0; i < records; i++) {
            batch.add(new ProduceRecord(null, value, List.of(), i % partitions, null));
        }
        return batch;
    }

    private Map<String, Object> produce(int batchBytes, int partitions, int producers, int callsPerProducer,
                                        double rawPut) throws Exception {
        return produce(batchBytes, partitions, producers, callsPerProducer, rawPut, ProduceService.DEFAULT_COMMIT_THREADS);
    }

    /** With {@code commitThreads} threads committing a call's partitions (1: one after another, as before issue 17). */
    private Map<String, Object> produce(int batchBytes, int partitions, int producers, int callsPerProducer,
                                        double rawPut, int commitThreads) throws Exception {
        String topic = "t" + (++topics);
        LogServices admin = log();
        admin.topics().create(new CreateTopic(topic, partitions, null, null, null));
        counter.reset();
        List<Long> callNanos = new ArrayList<>();
        // One producer: every request in a call's window is the call's own, so the call can be replayed without
        // the emulators' time beyond the drawn latencies (EmulatorExcess).
        List<LatencyModel.Span> spans = new ArrayList<>();
        List<Long> replayedNanos = new ArrayList<>();
        if (producers == 1) {
            // The same draws for each operation in every one-producer produce measurement, so that the k-th call of
            // one and of another get the same PUT latency (LatencyModel.reseed): their ratio is not swung by tails.
            model.reseed(17);
            model.listener(span -> {
                synchronized (spans) {
                    spans.add(span);
                }
            });
        }
        // Without the model, one producer's calls alternate with raw PUTs of as many bytes, timed apart: the
        // baseline then sees the machine exactly as the calls do (the page cache, the emulators' heaps, the JIT,
        // other load), where a baseline measured earlier in the run swung the ratio by 0.2 from run to run.
        boolean paired = producers == 1 && !model.enabled();
        byte[] pairedBytes = new byte[(int) ((batchBytes / RECORD_BYTES) * RECORD_BYTES)];
        new Random(2).nextBytes(pairedBytes);
        List<Long> pairedNanos = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int seed = p;
                running.add(pool.submit(() -> {
                    LogServices own = log(commitThreads);
                    List<ProduceRecord> records = batch(batchBytes, partitions, seed);
                    for (int c = 0; c < callsPerProducer; c++) {
                        if (paired) {
                            String key = "paired/" + topic + "/" + c;
                            long p0 = System.nanoTime();
                            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(pairedBytes));
                            pairedNanos.add(System.nanoTime() - p0);
                        }
                        synchronized (spans) {
                            spans.clear();
                        }
                        long t = System.nanoTime();
                        own.producer().produce(topic, records);
                        long end = System.nanoTime();
                        long took = end - t;
                        synchronized (callNanos) {
                            callNanos.add(took);
                        }
                        if (producers == 1) {
                            synchronized (spans) {
                                replayedNanos.add(EmulatorExcess.replayedNanos(spans, t, end));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
            model.listener(span -> { });
        }
        long calls = (long) producers * callsPerProducer;
        long bytes = calls * (batchBytes / RECORD_BYTES) * RECORD_BYTES;
        long nanos = paired ? callNanos.stream().mapToLong(Long::longValue).sum() : System.nanoTime() - start;
        double rate = mibPerSecond(bytes, nanos);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", topic);
        fields.put("batchBytes", batchBytes);
        fields.put("partitions", partitions);
        fields.put("producers", producers);
        fields.put("commitThreads", commitThreads);
        fields.put("calls", calls);
        fields.put("MiBps", round(rate));
        fields.put("ratioToRawPut", round(rate / rawPut));
        if (paired) {
            double pairedRate = mibPerSecond(bytes, pairedNanos.stream().mapToLong(Long::longValue).sum());
            fields.put("pairedRawPutMiBps", round(pairedRate));
            fields.put("ratioToPairedRawPut", round(rate / pairedRate));
            fields.put("pairedRawPutP50ms", percentileMs(pairedNanos, 50));
        }
        fields.put("callP50ms", percentileMs(callNanos, 50));
        fields.put("callP99ms", percentileMs(callNanos, 99));
        if (producers == 1 && model.enabled()) {
            long wall = callNanos.stream().mapToLong(Long::longValue).sum();
            long replayed = replayedNanos.stream().mapToLong(Long::longValue).sum();
            fields.put("callMeanMs", round(wall / 1e6 / calls));
            // The calls' time had every emulator answered within its drawn latency (EmulatorExcess).
            fields.put("replayedCallMeanMs", round(replayed / 1e6 / calls));
            fields.put("replayedCallP50ms", percentileMs(replayedNanos, 50));
            fields.put("replayedCallP99ms", percentileMs(replayedNanos, 99));
        }
        long commits = calls * Math.min(partitions, batchBytes / RECORD_BYTES);
        fields.put("failedWritesPerCommit", round((counter.count("DynamoDb:UpdateItem") - commits) / (double) commits));
        // the paired raw PUTs are the baseline's, not the calls'
        long s3Puts = counter.count("S3:PutObject") - pairedNanos.size();
        fields.put("s3PutsPerCall", round(s3Puts / (double) calls));
        fields.put("dynamoReadsPerCall", round(counter.count("DynamoDb", "GetItem", "Query") / (double) calls));
        fields.put("dynamoWritesPerCall", round(counter.count("DynamoDb", "PutItem", "UpdateItem") / (double) calls));
        fields.put("s3PutsPerMiB", round(s3Puts / (bytes / (double) MIB)));
        fields.put("dynamoReadsPerMiB", round(counter.count("DynamoDb", "GetItem", "Query") / (bytes / (double) MIB)));
        fields.put("dynamoWritesPerMiB", round(counter.count("DynamoDb", "PutItem", "UpdateItem") / (bytes / (double) MIB)));
        return emit("produce_service", fields);
    }

    // ---- 3. produce through the local HTTP API ----

    private Map<String, Object> produceHttp(int batchBytes, int calls, double rawPut) throws Exception {
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, work.resolve("http"),
                infraDir.resolve("../template.yaml").normalize(), infraDir,
                new LocalStack.External(s3Server.endpoint(), dynalite.endpoint(), EmbeddedS3.ACCESS_KEY,
                        EmbeddedS3.SECRET_KEY)))) {
            HttpApiClient api = new HttpApiClient(stack.endpoint());
            String topic = "h" + (++topics);
            api.post("/topics", "{\"name\":\"" + topic + "\",\"partitions\":1}");
            byte[] value = new byte[(int) RECORD_BYTES];
            new Random(7).nextBytes(value);
            String b64 = Base64.getEncoder().encodeToString(value);
            StringBuilder body = new StringBuilder("{\"records\":[");
            int records = (int) (batchBytes / RECORD_BYTES);
            for (int i = 0; i < records; i++) {
                body.append(i == 0 ? "" : ",").append("{\"value\":\"").append(b64).append("\",\"partition\":0}");
            }
            byte[] payload = body.append("]}").toString().getBytes(UTF_8);
            long start = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                HttpApiClient.Response response = api.send("POST", "/topics/" + topic + "/records", payload);
                if (response.status() != 200) {
                    throw new IllegalStateException(response.body());
                }
            }
            long nanos = System.nanoTime() - start;
            double rate = mibPerSecond((long) calls * records * RECORD_BYTES, nanos);
            return emit("produce_http", Map.of("batchBytes", batchBytes, "calls", calls, "MiBps", round(rate),
                    "ratioToRawPut", round(rate / rawPut)));
        }
    }

    // ---- 4. fetch ----

    private Map<String, Object> replay(String topic, double rawGet) {
        return replay("fetch_replay", topic, rawGet, 3 * MIB);
    }

    /**
     * Reads the partition from its start to its end, {@code maxBytes} a fetch; the rate against a raw GET
     * of the same bytes, and the read amplification: S3 bytes read per byte of records returned.
     */
    private Map<String, Object> replay(String name, String topic, double rawGet, int maxBytes) {
        LogServices log = log();
        counter.reset();
        long offset = log.fetcher().earliestOffset(topic, 0);
        long bytes = 0;
        long recordBytes = 0;
        long calls = 0;
        long start = System.nanoTime();
        while (true) {
            FetchResult r = log.fetcher().fetch(topic, 0, offset, maxBytes);
            calls++;
            if (r.records().isEmpty()) {
                break;
            }
            for (var rec : r.records()) {
                bytes += rec.record().value().length;
                recordBytes += rec.record().sizeInBytes();
            }
            offset = r.nextOffset();
        }
        long nanos = System.nanoTime() - start;
        double rate = mibPerSecond(bytes, nanos);
        double mib = bytes / (double) MIB;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", topic);
        fields.put("records", offset);
        fields.put("maxBytes", maxBytes);
        fields.put("MiBps", round(rate));
        fields.put("ratioToRawGet", round(rate / rawGet));
        fields.put("readAmplification", round(counter.responseBytes("S3:GetObject") / (double) recordBytes));
        fields.put("fetchCallsPerMiB", round(calls / mib));
        fields.put("s3GetsPerMiB", round(counter.count("S3:GetObject") / mib));
        fields.put("dynamoReadsPerMiB", round(counter.count("DynamoDb", "GetItem", "Query") / mib));
        return emit(name, fields);
    }

    /** Fetches at random offsets of {@code [from, to)}, each up to {@code maxBytes} or {@code maxRecords}: the read amplification. */
    private Map<String, Object> randomAmplification(String name, String topic, long from, long to, int fetches,
                                                    int maxBytes, int maxRecords) {
        LogServices log = log();
        // Twice over the same offsets: first in a fresh function (segment indexes read on the way), then warm.
        double[] amplification = new double[2];
        double getsPerFetch = 0;
        for (int pass = 0; pass < 2; pass++) {
            Random random = new Random(5);
            counter.reset();
            long recordBytes = 0;
            for (int i = 0; i < fetches; i++) {
                long offset = from + (long) (random.nextDouble() * (to - from));
                for (var rec : log.fetcher().fetch(topic, 0, offset, maxBytes, maxRecords).records()) {
                    recordBytes += rec.record().sizeInBytes();
                }
            }
            amplification[pass] = round(counter.responseBytes("S3:GetObject") / (double) recordBytes);
            getsPerFetch = round(counter.count("S3:GetObject") / (double) fetches);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", topic);
        fields.put("fetches", fetches);
        fields.put("maxBytes", maxBytes);
        fields.put("maxRecords", maxRecords);
        fields.put("readAmplificationCold", amplification[0]);
        fields.put("readAmplification", amplification[1]);
        fields.put("s3GetsPerFetchWarm", getsPerFetch);
        return emit(name, fields);
    }

    private Map<String, Object> randomFetches(String name, String topic, long from, long to, int fetches) {
        LogServices log = log();
        Random random = new Random(3);
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < fetches; i++) {
            long offset = from + (long) (random.nextDouble() * (to - from));
            long start = System.nanoTime();
            log.fetcher().fetch(topic, 0, offset, 64 * KIB);
            micros.add((System.nanoTime() - start) / 1_000);
        }
        micros.sort(Long::compare);
        return emit(name, Map.of("topic", topic, "fetches", fetches, "fromOffset", from, "toOffset", to,
                "p50ms", round(micros.get(micros.size() / 2) / 1000.0),
                "p90ms", round(micros.get(micros.size() * 9 / 10) / 1000.0)));
    }

    // ---- 5. under the latency model: contention, end to end ----

    /**
     * {@code producers} producers appending 16-record calls to one partition at once: commits and records a
     * second, and the conditional head updates that lost a race, per commit.
     */
    private Map<String, Object> contention(int producers, int callsPerProducer) throws Exception {
        return contention(producers, callsPerProducer, "now");
    }

    /**
     * As above; {@code before} commits as before issue 17's contention work (no head check before the
     * conditional write, full-jitter backoff from 5 ms capped at 200 ms), the same run's baseline;
     * {@code oldBackoff} is today's commit (check, deferred indexing, yield) with that old backoff. Every
     * producer has its own instance, as concurrent producers on AWS are separate function instances, each
     * learning contention from its own lost races.
     */
    private Map<String, Object> contention(int producers, int callsPerProducer, String commit) throws Exception {
        boolean before = commit.equals("before");
        boolean oldBackoff = commit.equals("oldBackoff");
        String topic = "c" + (++topics);
        log().topics().create(new CreateTopic(topic, 1, null, null, null));
        int perCall = 16;
        counter.reset();
        billed.reset();
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int seed = p;
                running.add(pool.submit(() -> {
                    // Its own instance, as every concurrent producer on AWS is its own function instance.
                    ProduceService own = new ProduceService(new S3ObjectStore(s3, bucket),
                            new DynamoMetadataStore(dynamo, table), new io.sluice.log.TopicCache(
                                    new DynamoMetadataStore(dynamo, table), Clock.systemUTC(), LogServices.TOPIC_CACHE_TTL),
                            new io.sluice.client.Partitioner(), Clock.systemUTC(), before || oldBackoff
                                    ? Backoff.exponentialJitter(5, 200) : LogServices.DEFAULT_BACKOFF, Metrics.NOOP,
                            ProduceService.newPool(ProduceService.DEFAULT_COMMIT_THREADS), !before);
                    List<ProduceRecord> records = batch(perCall * (int) RECORD_BYTES, 1, seed);
                    for (int c = 0; c < callsPerProducer; c++) {
                        own.produce(topic, records);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long commits = (long) producers * callsPerProducer;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", topic);
        fields.put("producers", producers);
        fields.put("commit", commit);
        fields.put("commits", commits);
        fields.put("commitsPerSecond", round(commits / seconds));
        fields.put("recordsPerSecond", round(commits * perCall / seconds));
        fields.put("failedWritesPerCommit", round((counter.count("DynamoDb:UpdateItem") - commits) / (double) commits));
        // every failed conditional write, the index puts of an entry another loser indexed first included
        fields.put("failedWriteUnitsPerCommit", round(billed.snapshot().failedWriteUnits() / commits));
        // every consistent GetItem: head reads and checks, and a lately contended commit's index checks
        fields.put("headReadsPerCommit", round(counter.count("DynamoDb:GetItem") / (double) commits));
        fields.put("readUnitsPerCommit", round(billed.snapshot().readUnits() / commits));
        return emit(before ? "contention_before" : oldBackoff ? "contention_old_backoff" : "contention", fields);
    }

    /**
     * One producer sends a 1 KiB record every 100 to 300 ms while a consumer long-polls the partition: the
     * time from the start of the produce call to the consumer holding the record, and each produce call's
     * time, both with one modelled API Gateway and warm Lambda draw per call when the model is on: half of it
     * on the way in, before the function works, half on the way out, after it returns. A produce call's time
     * holds the whole draw; a record's path holds its produce call's way in and its fetch's way out (and
     * that fetch's way in only when the record was committed during it), as on AWS.
     */
    private Map<String, Object> endToEnd(int messages) throws Exception {
        String topic = "e" + (++topics);
        log().topics().create(new CreateTopic(topic, 1, null, null, null));
        long[] sentAt = new long[messages];
        List<Long> produceNanos = new ArrayList<>();
        List<Long> endToEnd = new ArrayList<>();
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        Future<?> consuming = consumer.submit(() -> {
            LogServices log = log();
            long offset = 0;
            while (offset < messages) {
                long outbound = model.pauseInbound("ApiGateway");
                FetchResult r = log.fetcher().fetch(topic, 0, offset, MIB, Integer.MAX_VALUE, 20_000);
                model.pauseOutbound(outbound);
                long now = System.nanoTime();
                for (var rec : r.records()) {
                    synchronized (sentAt) {
                        endToEnd.add(now - sentAt[(int) rec.offset()]);
                    }
                }
                offset = r.nextOffset();
            }
            return null;
        });
        LogServices producer = log();
        Random random = new Random(11);
        byte[] value = new byte[(int) RECORD_BYTES];
        for (int i = 0; i < messages; i++) {
            Thread.sleep(100 + random.nextInt(200));
            long t = System.nanoTime();
            synchronized (sentAt) {
                sentAt[i] = t;
            }
            long outbound = model.pauseInbound("ApiGateway");
            producer.producer().produce(topic, List.of(new ProduceRecord(null, value, List.of(), 0, null)));
            model.pauseOutbound(outbound);
            produceNanos.add(System.nanoTime() - t);
        }
        consuming.get();
        consumer.shutdown();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messages", messages);
        fields.put("produceP50ms", percentileMs(produceNanos, 50));
        fields.put("produceP99ms", percentileMs(produceNanos, 99));
        fields.put("endToEndP50ms", percentileMs(endToEnd, 50));
        fields.put("endToEndP99ms", percentileMs(endToEnd, 99));
        fields.put("ratioEndToEndToProduceP50", round(percentileMs(endToEnd, 50) / percentileMs(produceNanos, 50)));
        return emit("end_to_end", fields);
    }

    /**
     * The measurements whose targets are set under the latency model, taken with it on whatever the
     * sweep used, and the replay target without it, with its own raw baseline in each state.
     */
    private void modelled(String replayTopic) throws Exception {
        int calls = MODELLED_CALLS;
        boolean sweepState = model.enabled();
        model.enabled(true);
        double[] raw = rawS3(MIB, calls);
        produce(MIB, 1, 1, calls, raw[0]);
        produce(MIB, 16, 1, calls, raw[0]);
        produce(MIB, 16, 1, calls, raw[0], 1);
        replay("fetch_replay", replayTopic, raw[1], 3 * MIB);
        for (int producers : new int[] {1, 4, 16, 64}) {
            contention(producers, Math.max(2, CONTENTION_COMMITS / producers), "before");
            contention(producers, Math.max(2, CONTENTION_COMMITS / producers));
        }
        endToEnd(END_TO_END_RECORDS);
        model.enabled(false);
        double[] rawOff = rawS3(MIB, calls);
        replay("fetch_replay", replayTopic, rawOff[1], 3 * MIB);
        model.enabled(sweepState);
    }

    /**
     * Read amplification over compacted data: the replay topic after a maintenance pass has merged its
     * entries into segments; a sequential replay at 1 MiB a fetch, and random fetches of one record and of 64 KiB.
     */
    private void amplification(String topic, long records) {
        boolean sweepState = model.enabled();
        model.enabled(false);
        var report = log().maintenance().run(topic);
        emit("compaction", Map.of("topic", topic, "segmentsWritten", report.segmentsWritten(),
                "entriesMerged", report.entriesMerged()));
        replay("replay_compacted", topic, Double.NaN, MIB);
        randomAmplification("random_compacted", topic, 0, records, quick ? 50 : 200, 64 * KIB, Integer.MAX_VALUE);
        randomAmplification("random_compacted", topic, 0, records, quick ? 50 : 200, MIB, 1);
        model.enabled(sweepState);
    }

    // ---- 5b. compression ----

    /**
     * The seeded JSON-log dataset produced to one topic per codec, 1 MiB of records a call, then replayed:
     * bytes stored (the WAL objects' PUT bodies) per GiB produced, and produce and replay rates against the
     * uncompressed topic and against raw S3, all measured in this run, one codec after another.
     */
    private void compression(Path root) throws Exception {
        int calls = quick ? 8 : 32;
        List<byte[]> lines = io.sluice.tests.support.JsonLogs.lines(20_000, 17);
        List<ProduceRecord> call = new ArrayList<>();
        long callBytes = 0;
        for (byte[] line : lines) {
            if (callBytes + line.length > MIB) {
                break;
            }
            call.add(new ProduceRecord(null, line, List.of(), 0, null));
            callBytes += line.length;
        }
        double[] raw = rawS3(MIB, calls);
        Map<String, Double> none = new LinkedHashMap<>();
        for (io.sluice.format.CompressionCodec codec : io.sluice.format.CompressionCodec.values()) {
            String topic = "z" + (++topics) + "-" + codec.configName();
            LogServices log = log();
            log.topics().create(new CreateTopic(topic, 1, null, null, null, null, codec.configName()));
            counter.reset();
            long start = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                log.producer().produce(topic, call);
            }
            long produceNanos = System.nanoTime() - start;
            long produced = callBytes * calls;
            long stored = counter.requestBytes("S3:PutObject");
            LogServices reader = log();
            start = System.nanoTime();
            long offset = 0;
            long read = 0;
            while (true) {
                FetchResult r = reader.fetcher().fetch(topic, 0, offset, MIB);
                if (r.records().isEmpty()) {
                    break;
                }
                for (var rec : r.records()) {
                    read += rec.record().value().length;
                }
                offset = r.nextOffset();
            }
            long replayNanos = System.nanoTime() - start;
            if (read != produced) {
                throw new IllegalStateException(codec + ": replayed " + read + " bytes of " + produced);
            }
            double produceRate = mibPerSecond(produced, produceNanos);
            double replayRate = mibPerSecond(read, replayNanos);
            if (codec == io.sluice.format.CompressionCodec.NONE) {
                none.put("produce", produceRate);
                none.put("replay", replayRate);
                none.put("stored", (double) stored);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("codec", codec.configName());
            fields.put("calls", calls);
            fields.put("recordsPerCall", call.size());
            fields.put("storedBytesPerGiBProduced", Math.round(stored / (produced / (double) (1L << 30))));
            fields.put("compressionRatio", round(none.get("stored") / stored));
            fields.put("storedToUncompressedTopic", round(stored / none.get("stored")));
            fields.put("produceMiBps", round(produceRate));
            fields.put("produceToUncompressedTopic", round(produceRate / none.get("produce")));
            fields.put("produceToRawPut", round(produceRate / raw[0]));
            fields.put("replayMiBps", round(replayRate));
            fields.put("replayToUncompressedTopic", round(replayRate / none.get("replay")));
            fields.put("replayToRawGet", round(replayRate / raw[1]));
            emit("compression", fields);
        }
        Path jar = root.resolve("functions/target/sluice-functions.jar");
        long codecBytes = 0;
        if (Files.isRegularFile(jar)) {
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
                codecBytes = zip.stream().filter(e -> e.getName().startsWith("io/airlift/compress/"))
                        .mapToLong(java.util.zip.ZipEntry::getCompressedSize).sum();
            }
        }
        emit("compression_jar", Map.of("aircompressorBytesInFunctionsJar", codecBytes,
                "KiB", round(codecBytes / (double) KIB)));
    }

    // ---- 5c. cost by billed units against the batch size ----

    /**
     * One topic per batch size, 1 KiB to 1 MiB of 1 KiB records a call, produced and then replayed at 1 MiB a
     * fetch without the latency model: the DynamoDB read and write units and the S3 requests that AWS would
     * bill, counted from every response ({@link BilledUnits}), per GiB, and priced ({@link Pricing}).
     */
    private void costByBatchSize() {
        boolean sweepState = model.enabled();
        model.enabled(false);
        for (int size : new int[] {KIB, 4 * KIB, 16 * KIB, 64 * KIB, 256 * KIB, MIB}) {
            int calls = Math.max(quick ? 32 : 128, (quick ? 4 : 16) * MIB / size);
            calls = Math.min(calls, quick ? 256 : 1024);
            String topic = "b" + (++topics);
            LogServices log = log();
            log.topics().create(new CreateTopic(topic, 1, null, null, null));
            List<ProduceRecord> records = batch(size, 1, size);
            billed.reset();
            for (int c = 0; c < calls; c++) {
                log.producer().produce(topic, records);
            }
            BilledUnits.Units in = billed.snapshot();
            double gibIn = (double) calls * size / (1L << 30);
            LogServices reader = log();
            billed.reset();
            long offset = 0;
            long fetches = 0;
            while (true) {
                FetchResult r = reader.fetcher().fetch(topic, 0, offset, MIB);
                fetches++;
                if (r.records().isEmpty()) {
                    break;
                }
                offset = r.nextOffset();
            }
            BilledUnits.Units out = billed.snapshot();
            emit("cost_by_batch", Pricing.byBatch(size, calls, gibIn, in, fetches, out));
        }
        model.enabled(sweepState);
    }

    // ---- 6. scale ----

    private void scale() {
        LogServices log = log();
        String topic = "scale";
        log.topics().create(new CreateTopic(topic, 1, null, null, null));
        int records = quick ? 100_000 : 1_000_000;
        int perCall = 1_000;
        byte[] value = new byte[100];
        List<ProduceRecord> call = new ArrayList<>();
        for (int i = 0; i < perCall; i++) {
            call.add(new ProduceRecord(null, value, List.of(), 0, null));
        }
        long start = System.nanoTime();
        for (int c = 0; c < records / perCall; c++) {
            log.producer().produce(topic, call);
        }
        emit("scale_fill", Map.of("records", records, "recordBytes", value.length,
                "seconds", round((System.nanoTime() - start) / 1e9)));
        Map<String, Object> first = randomFetches("fetch_latency_start", topic, 0, perCall * 10L, 200);
        Map<String, Object> last = randomFetches("fetch_latency_end", topic, records - perCall * 10L, records - 1, 200);
        emit("scale", Map.of("records", records, "ratioEndToStartP50",
                round((double) last.get("p50ms") / (double) first.get("p50ms"))));
    }

    // ---- 8. cold start ----

    private void coldStarts(Path root) throws Exception {
        Path jar = root.resolve("functions/target/sluice-functions.jar");
        emit("functions_jar", Map.of("bytes", Files.size(jar), "MiB", round(Files.size(jar) / (double) MIB)));
        String classes = root.resolve("tests/target/test-classes").toString();
        Map<String, String[]> handlers = new LinkedHashMap<>();
        handlers.put("io.sluice.functions.TopicsHandler", new String[] {"/topics", "GET"});
        handlers.put("io.sluice.functions.ProduceHandler", new String[] {"/topics/cold/records", "POST",
                "{\"records\":[{\"value\":\"AA==\"}]}"});
        handlers.put("io.sluice.functions.FetchHandler", new String[] {"/topics/cold/partitions/0/records", "GET"});
        handlers.put("io.sluice.functions.GroupsHandler", new String[] {"/groups", "GET"});
        handlers.put("io.sluice.functions.AdminHandler", new String[] {"/maintenance", "POST", "{\"topic\":\"cold\"}"});
        handlers.put("io.sluice.functions.MaintenanceHandler", new String[] {"", ""});
        log().topics().create(new CreateTopic("cold", 1, null, null, null));
        for (var h : handlers.entrySet()) {
            List<String> command = new ArrayList<>(List.of("java", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                    "-cp", jar + java.io.File.pathSeparator + classes, ColdStart.class.getName(), h.getKey()));
            command.addAll(List.of(h.getValue()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("BUCKET_NAME", bucket);
            builder.environment().put("TABLE_NAME", table);
            builder.environment().put("AWS_REGION", "us-east-1");
            builder.environment().put("AWS_ENDPOINT_URL_S3", s3Server.endpoint().toString());
            builder.environment().put("AWS_ENDPOINT_URL_DYNAMODB", dynalite.endpoint().toString());
            builder.environment().put("SLUICE_LOCAL_ACCESS_KEY_ID", EmbeddedS3.ACCESS_KEY);
            builder.environment().put("SLUICE_LOCAL_SECRET_ACCESS_KEY", EmbeddedS3.SECRET_KEY);
            builder.environment().put("SLUICE_METRICS", "none");
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), UTF_8);
            process.waitFor();
            String ms = out.lines().filter(l -> l.startsWith("COLD_START_MS=")).findFirst()
                    .map(l -> l.substring("COLD_START_MS=".length())).orElseThrow(() -> new IllegalStateException(out));
            emit("cold_start", Map.of("handler", h.getKey().substring(h.getKey().lastIndexOf('.') + 1),
                    "msFromJvmStartToFirstEvent", Long.parseLong(ms)));
        }
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int onlyAt = List.of(args).indexOf("--only");
        List<String> only = onlyAt >= 0 ? List.of(args[onlyAt + 1].split(",")) : List.of();
        if (!ONLY_SECTIONS.containsAll(only)) {
            throw new IllegalArgumentException("--only takes " + ONLY_SECTIONS + ", got " + only);
        }
        int docsAt = List.of(args).indexOf("--docs");
        int latencyAt = List.of(args).indexOf("--latency");
        String latency = latencyAt >= 0 ? args[latencyAt + 1] : "none";
        if (!latency.equals("aws") && !latency.equals("none")) {
            throw new IllegalArgumentException("--latency aws|none, got " + latency);
        }
        Path infra = Path.of(System.getProperty("sluice.infra.dir", "infra")).toAbsolutePath().normalize();
        Path root = infra.getParent();
        Benchmark bench = new Benchmark(infra, quick, latency.equals("aws"));
        boolean met;
        long started = System.nanoTime();
        try {
            if (only.isEmpty()) {
                bench.runAll(root);
            } else {
                bench.runOnly(root, only);
            }
            Report report = new Report(bench.results, !only.isEmpty());
            met = report.allTargetsMet();
            System.out.printf(java.util.Locale.ROOT, "%nbenchmark took %.0f s%n", (System.nanoTime() - started) / 1e9);
            System.out.println();
            System.out.println(report.markdown());
            if (docsAt >= 0 && !only.isEmpty()) {
                throw new IllegalArgumentException("--docs needs a whole run, not --only");
            }
            if (docsAt >= 0) {
                Path docs = Path.of(args[docsAt + 1]);
                report.writeDocs(docs, String.join(" ", args), (System.nanoTime() - started) / 1e9);
            }
        } catch (Exception | Error e) {
            System.err.println("the benchmark failed; dynalite: " + bench.dynalite.status());
            throw e;
        } finally {
            bench.s3Server.close();
            bench.dynalite.close();
        }
        System.exit(met ? 0 : 1);
    }

    /**
     * Bytes of 1 MiB calls behind the produce, replay and partitions targets, and commits per producer count
     * behind the contention targets, calls behind the modelled produce targets and the raw baselines of the
     * replay targets, and records behind the end-to-end target, in a {@code --quick} run too: with 16 MiB and 64 commits the same code
     * missed or met those targets from one run to the next (produce 0.66 to 0.95 x raw PUT, replay 0.56 to
     * 0.86 x raw GET, least commits/s step 0.89 to 1.11), so the quick run shrinks only what no target rests on.
     */
    static final int TARGET_BYTES = 64 * MIB;
    static final int CONTENTION_COMMITS = 256;
    static final int MODELLED_CALLS = 48;
    static final int END_TO_END_RECORDS = 100;

    /** Sections {@code --only} can run by themselves; the targets table then has only their rows. */
    static final List<String> ONLY_SECTIONS = List.of("compression", "cost", "contention", "subscriptions",
            "endtoend", "partitions", "replay");

    /** Some sections alone, for a short run on a loaded machine; each still measures its own baselines. */
    private void runOnly(Path root, List<String> sections) throws Exception {
        if (sections.contains("subscriptions")) {
            // Push to an http target against the poll baseline (issue 19), always under the latency model.
            subscriptions();
        }
        if (sections.contains("compression")) {
            compression(root);
        }
        if (sections.contains("replay")) {
            // The replay targets alone: a topic produced as the sweep's 1 MiB one, then replayed against raw
            // GETs under the model and without it, as modelled() measures them.
            int calls = MODELLED_CALLS;
            boolean sweepState = model.enabled();
            model.enabled(false);
            int target = TARGET_BYTES;
            String topic = (String) produce(MIB, 1, 1, target / MIB, rawS3(MIB, calls)[0]).get("topic");
            model.enabled(true);
            replay("fetch_replay", topic, rawS3(MIB, calls)[1], 3 * MIB);
            model.enabled(false);
            replay("fetch_replay", topic, rawS3(MIB, calls)[1], 3 * MIB);
            model.enabled(sweepState);
        }
        if (sections.contains("endtoend")) {
            // The end-to-end target alone, under the latency model as modelled() measures it.
            boolean sweepState = model.enabled();
            model.enabled(true);
            endToEnd(END_TO_END_RECORDS);
            model.enabled(sweepState);
        }
        if (sections.contains("cost")) {
            costByBatchSize();
            Pricing.emitCosts(this::emit, results);
        }
        if (sections.contains("partitions")) {
            // The 16-partition against 1-partition target alone, under the latency model, with its raw PUT baseline.
            boolean sweepState = model.enabled();
            model.enabled(true);
            int calls = MODELLED_CALLS;
            // Warm up as the whole run's sweep does before its modelled section: a few unmeasured calls of each shape.
            LogServices warm = log();
            warm.topics().create(new CreateTopic("warm", 16, null, null, null));
            for (int c = 0; c < 8; c++) {
                warm.producer().produce("warm", batch(MIB, 1, c));
                warm.producer().produce("warm", batch(MIB, 16, c));
            }
            double[] raw = rawS3(MIB, calls);
            produce(MIB, 1, 1, calls, raw[0]);
            produce(MIB, 16, 1, calls, raw[0]);
            model.enabled(sweepState);
        }
        if (sections.contains("contention")) {
            boolean sweepState = model.enabled();
            model.enabled(true);
            for (int producers : new int[] {1, 4, 16, 64}) {
                contention(producers, Math.max(2, CONTENTION_COMMITS / producers), "before");
                contention(producers, Math.max(2, CONTENTION_COMMITS / producers), "oldBackoff");
                contention(producers, Math.max(2, CONTENTION_COMMITS / producers));
            }
            model.enabled(sweepState);
        }
    }

    private void runAll(Path root) throws Exception {
        coldStarts(root);
        int[] sizes = {64 * KIB, 256 * KIB, MIB};
        int target = TARGET_BYTES;
        Map<Integer, double[]> raw = new LinkedHashMap<>();
        for (int size : sizes) {
            raw.put(size, rawS3(size, Math.max(8, target / size)));
        }
        String replayTopic = null;
        for (int size : sizes) {
            Map<String, Object> r = produce(size, 1, 1, Math.max(8, target / size), raw.get(size)[0]);
            if (size == MIB) {
                replayTopic = (String) r.get("topic");
            }
        }
        for (int partitions : new int[] {1, 4, 16}) {
            for (int producers : new int[] {1, 8}) {
                produce(MIB, partitions, producers, Math.max(2, (target / MIB) / producers), raw.get(MIB)[0]);
            }
        }
        for (int size : new int[] {256 * KIB, MIB}) {
            produceHttp(size, Math.max(8, target / size / 2), raw.get(size)[0]);
        }
        replay(replayTopic, raw.get(MIB)[1]);
        randomFetches("fetch_random", replayTopic, 0, (long) (target / RECORD_BYTES) - 1, 100);
        modelled(replayTopic);
        amplification(replayTopic, target / RECORD_BYTES);
        scale();
        subscriptions();
        compression(root);
        costByBatchSize();
        Pricing.emitCosts(this::emit, results);
        String kafkaClasspath = System.getProperty("sluice.kafka.classpath");
        if (kafkaClasspath != null && Files.isRegularFile(Path.of(kafkaClasspath))) {
            kafkaPeer(Path.of(kafkaClasspath), target);
        } else {
            System.err.println("kafka peer skipped: no classpath at " + kafkaClasspath);
        }
    }

    /** Subscriptions (issue 19): push to an http target against the poll baseline, always under the model. */
    private void subscriptions() throws Exception {
        boolean sweepState = model.enabled();
        model.enabled(true);
        try {
            int calls = quick ? 100 : 300;
            for (Map<String, Object> line : new SubscriptionBench(s3, dynamo, bucket, table).run(4, calls, 10)) {
                Map<String, Object> fields = new LinkedHashMap<>(line);
                Object name = fields.remove("measurement");
                emit(name == null ? "subscription_ratios" : name.toString(), fields);
            }
        } finally {
            model.enabled(sweepState);
        }
    }

    /** The peer: an Apache Kafka broker on this machine with the same record size and batching. */
    private void kafkaPeer(Path classpath, int bytes) throws Exception {
        try (KafkaPeer kafka = new KafkaPeer(classpath, work.resolve("kafka"))) {
            Map<String, Object> measured = kafka.measure((int) (bytes / RECORD_BYTES), (int) RECORD_BYTES, MIB);
            Map<String, Object> produce = results.stream().filter(r -> r.get("measurement").equals("produce_service")
                    && r.get("batchBytes").equals(MIB) && r.get("partitions").equals(1)
                    && r.get("producers").equals(1)).findFirst().orElseThrow();
            Map<String, Object> replay = results.stream().filter(r -> r.get("measurement").equals("fetch_replay"))
                    .findFirst().orElseThrow();
            Map<String, Object> fields = new LinkedHashMap<>(measured);
            fields.put("sluiceProduceToKafka", round((double) produce.get("MiBps") / (double) measured.get("produceMiBps")));
            fields.put("sluiceReplayToKafka", round((double) replay.get("MiBps") / (double) measured.get("consumeMiBps")));
            emit("kafka_peer", fields);
        }
    }
}
