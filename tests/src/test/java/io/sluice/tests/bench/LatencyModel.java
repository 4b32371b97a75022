package io.sluice.tests.bench;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * AWS-like request latency for the emulators, for the benchmark only: an SDK interceptor that holds each
 * response until a latency drawn for its operation has passed since the request was sent.
 *
 * <p>The latency of one request is a first-byte time drawn from a log-normal distribution fitted to a p50
 * and a p99 ({@code mu = ln p50}, {@code sigma = (ln p99 - ln p50) / 2.326}), plus the request's and the
 * response's bytes at a per-connection transfer rate. The emulator's own time counts towards it: a
 * request that took longer on the emulator than its drawn latency is not delayed further, so the model
 * is a floor, not an addition. Each operation draws from its own generator, seeded from the model's seed
 * and the operation's name, so {@link #reseed(long)} before two measurements gives the k-th request of an
 * operation the same draw in both, whatever other requests came between (common random numbers: a ratio of
 * two measurements is not swung by which of them drew a tail PUT). A single-threaded sequence of
 * requests sees the same latencies in every run. {@link #enabled(boolean)} switches it off and on within
 * one run, so that a measurement can be taken with and without it against the same emulators.
 */
public final class LatencyModel implements ExecutionInterceptor {

    /** The 99th percentile of the standard normal distribution. */
    private static final double Z99 = 2.3263478740408408;
    private static final ExecutionAttribute<Long> SENT = new ExecutionAttribute<>("sluice.latency.sent");
    private static final ExecutionAttribute<Long> REQUEST_BYTES = new ExecutionAttribute<>("sluice.latency.bytes");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("sluice.latency.started");

    /**
     * One request's timeline, in {@link System#nanoTime()}: the SDK began it ({@code started}), sent it
     * ({@code sent}), had the emulator's response ({@code received}), and let the caller have it after the
     * model's hold ({@code released}); {@code drawnNanos} is the latency drawn for it, 0 with the model off.
     */
    public record Span(String operation, long thread, long started, long sent, long received, long released,
                       long drawnNanos) {
        /** The emulator's own time: sent to received. */
        public long emulatorNanos() {
            return received - sent;
        }
    }

    /** A log-normal latency fitted to its median and 99th percentile, in milliseconds. */
    public record Latency(double p50Ms, double p99Ms) {
        public Latency {
            if (p50Ms <= 0 || p99Ms < p50Ms) {
                throw new IllegalArgumentException("need 0 < p50 <= p99, got " + p50Ms + ", " + p99Ms);
            }
        }

        double sigma() {
            return (Math.log(p99Ms) - Math.log(p50Ms)) / Z99;
        }

        /** A draw, given a standard normal variate. */
        double millis(double gaussian) {
            return Math.exp(Math.log(p50Ms) + sigma() * gaussian);
        }
    }

    /**
     * The suggested defaults (docs/benchmarks.md says which of them published sources confirm):
     * S3 GET first byte 20/80 ms, S3 PUT 30/120 ms, about 80 MB/s per connection, DynamoDB consistent
     * GetItem 4/12 ms, writes and Query 6/20 ms, API Gateway plus a warm Lambda 10/30 ms.
     */
    public static final Map<String, Latency> AWS = Map.of(
            "S3:GetObject", new Latency(20, 80),
            "S3:PutObject", new Latency(30, 120),
            "S3:*", new Latency(20, 80),
            "DynamoDb:GetItem", new Latency(4, 12),
            "DynamoDb:*", new Latency(6, 20),
            "ApiGateway", new Latency(10, 30));
    /** Bytes per millisecond on one connection: 80 MB/s. */
    public static final double AWS_BYTES_PER_MS = 80_000;

    private final Map<String, Latency> latencies;
    private final double bytesPerMs;
    /** One generator per operation, made on first use from {@link #seed}. */
    private final Map<String, SplittableRandom> randoms = new java.util.HashMap<>();
    private long seed;
    private volatile boolean enabled;
    private volatile java.util.function.Consumer<Span> listener = span -> { };

    public LatencyModel(Map<String, Latency> latencies, double bytesPerMs, long seed, boolean enabled) {
        this.latencies = Map.copyOf(latencies);
        this.bytesPerMs = bytesPerMs;
        this.seed = seed;
        this.enabled = enabled;
    }

    /** The model of AWS above, seeded. */
    public static LatencyModel aws(long seed, boolean enabled) {
        return new LatencyModel(AWS, AWS_BYTES_PER_MS, seed, enabled);
    }

    public void enabled(boolean on) {
        this.enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Told of every request's {@link Span}, on the requesting thread, when it completes; for diagnostics. */
    public void listener(java.util.function.Consumer<Span> spans) {
        this.listener = java.util.Objects.requireNonNull(spans, "spans");
    }

    /** A latency drawn for {@code operation} ("S3:PutObject", "DynamoDb:Query", "ApiGateway"), plus {@code bytes} in transfer. */
    public double drawMillis(String operation, long bytes) {
        Latency latency = latencies.get(operation);
        if (latency == null) {
            latency = latencies.get(operation.substring(0, operation.indexOf(':') + 1) + "*");
        }
        if (latency == null) {
            throw new IllegalArgumentException("no latency for " + operation);
        }
        return latency.millis(gaussian(operation)) + bytes / bytesPerMs;
    }

    /**
     * For a call whose fixed overhead straddles its work (API Gateway and a warm Lambda: in before the
     * function runs, out after it returns): sleeps the first half of one draw for {@code operation} now, when
     * enabled, and returns the second half's nanoseconds, for {@link #pauseOutbound} once the work is done.
     */
    public long pauseInbound(String operation) {
        if (!enabled) {
            return 0;
        }
        long nanos = (long) (drawMillis(operation, 0) * 1e6);
        sleepNanos(nanos / 2);
        return nanos - nanos / 2;
    }

    /** Sleeps the outbound half that {@link #pauseInbound} returned. */
    public void pauseOutbound(long nanos) {
        sleepNanos(nanos);
    }

    /** Starts every operation's draws again from {@code seed}. */
    public synchronized void reseed(long seed) {
        this.seed = seed;
        randoms.clear();
    }

    private synchronized double gaussian(String operation) {
        SplittableRandom random = randoms.computeIfAbsent(operation,
                op -> new SplittableRandom(seed * 31 + op.hashCode()));
        // Box-Muller on the seeded generator (SplittableRandom has no nextGaussian before Java 17's RandomGenerator).
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(SENT, System.nanoTime());
        long bytes = context.requestBody().flatMap(b -> b.optionalContentLength()).orElse(0L);
        attributes.putAttribute(REQUEST_BYTES, bytes);
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        long received = System.nanoTime();
        Long sent = attributes.getAttribute(SENT);
        if (sent == null) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        long target = 0;
        if (enabled) {
            long responseBytes = context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong)
                    .orElse(0L);
            target = (long) (drawMillis(operation, attributes.getAttribute(REQUEST_BYTES) + responseBytes) * 1e6);
            sleepNanos(target - (System.nanoTime() - sent));
        }
        Long started = attributes.getAttribute(STARTED);
        listener.accept(new Span(operation, Thread.currentThread().getId(), started == null ? sent : started, sent,
                received, System.nanoTime(), target));
    }

    private static void sleepNanos(long nanos) {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
