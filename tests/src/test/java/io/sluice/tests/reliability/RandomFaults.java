package io.sluice.tests.reliability;

import io.sluice.tests.support.EveryMethodFaults;
import io.sluice.tests.support.FaultInjector;
import io.sluice.tests.support.FaultPoint;
import io.sluice.tests.support.Faults.InjectedCrash;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Seeded random faults at the store decorators' steps: before a step, a 5xx, throttling or a crash;
 * after a write, a timeout (the write took effect but the caller never hears so) or a crash. Each thread
 * draws from its own generator, seeded from the run's seed and the thread's name (the run names its
 * actors' threads), so that one actor's draws do not depend on how the others interleave with it.
 */
final class RandomFaults implements FaultInjector, EveryMethodFaults.Injector {

    enum Kind { SERVER_ERROR, THROTTLED, TIMEOUT_AFTER_WRITE, CRASH }

    private final ThreadLocal<Random> random;
    private final double probability;
    private volatile boolean enabled = true;
    private final Map<Kind, AtomicLong> injected = new ConcurrentHashMap<>();

    private final Map<String, AtomicLong> byOperation = new ConcurrentHashMap<>();
    private final Map<String, Integer> threadsNamed = new ConcurrentHashMap<>();

    RandomFaults(long seed, double probability) {
        // The k-th thread of a name gets the k-th stream of that name: pool threads that come and go under
        // one name (the commit pool idles to zero) must not each start from the same draws.
        this.random = ThreadLocal.withInitial(() -> {
            String name = Thread.currentThread().getName();
            int k = threadsNamed.merge(name, 1, Integer::sum);
            return new Random(seed ^ ((name + "#" + k).hashCode() * 0x9E3779B97F4A7C15L));
        });
        this.probability = probability;
    }

    /** Faults injected per store operation, such as {@code MetadataStore.compareAndSetHead}. */
    Map<String, AtomicLong> byOperation() {
        return byOperation;
    }

    @Override
    public void before(String operation) {
        inject(operation, false);
    }

    @Override
    public void afterWrite(String operation) {
        inject(operation, true);
    }

    void disable() {
        enabled = false;
    }

    long total() {
        return injected.values().stream().mapToLong(AtomicLong::get).sum();
    }

    Map<Kind, AtomicLong> byKind() {
        return injected;
    }

    @Override
    public void reached(FaultPoint point) {
        inject(point.name(), point.name().startsWith("AFTER_"));
    }

    private void inject(String where, boolean after) {
        if (!enabled) {
            return;
        }
        Random draws = random.get();
        double roll = draws.nextDouble();
        int pick = draws.nextInt(3);
        if (roll >= probability) {
            return;
        }
        Kind kind = after ? (pick == 0 ? Kind.CRASH : Kind.TIMEOUT_AFTER_WRITE)
                : (pick == 0 ? Kind.CRASH : pick == 1 ? Kind.SERVER_ERROR : Kind.THROTTLED);
        injected.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        byOperation.computeIfAbsent(where, k -> new AtomicLong()).incrementAndGet();
        String at = (after ? "after " : "before ") + where;
        switch (kind) {
            case CRASH -> throw new InjectedCrash(at);
            case SERVER_ERROR -> throw SdkServiceException.builder().statusCode(500)
                    .message("injected 500 " + at).build();
            case THROTTLED -> throw SdkServiceException.builder().statusCode(503)
                    .message("injected throttling " + at).build();
            case TIMEOUT_AFTER_WRITE -> throw SdkClientException.create("injected timeout " + at);
            default -> throw new IllegalStateException();
        }
    }
}
