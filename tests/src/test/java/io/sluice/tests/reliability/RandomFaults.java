package io.sluice.tests.reliability;

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
 * after a write, a timeout (the write took effect but the caller never hears so) or a crash.
 */
final class RandomFaults implements FaultInjector {

    enum Kind { SERVER_ERROR, THROTTLED, TIMEOUT_AFTER_WRITE, CRASH }

    private final Random random;
    private final double probability;
    private volatile boolean enabled = true;
    private final Map<Kind, AtomicLong> injected = new ConcurrentHashMap<>();

    RandomFaults(long seed, double probability) {
        this.random = new Random(seed);
        this.probability = probability;
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
        if (!enabled) {
            return;
        }
        double roll;
        int pick;
        synchronized (random) {
            roll = random.nextDouble();
            pick = random.nextInt(3);
        }
        if (roll >= probability) {
            return;
        }
        boolean after = point.name().startsWith("AFTER_");
        Kind kind = after ? (pick == 0 ? Kind.CRASH : Kind.TIMEOUT_AFTER_WRITE)
                : (pick == 0 ? Kind.CRASH : pick == 1 ? Kind.SERVER_ERROR : Kind.THROTTLED);
        injected.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        switch (kind) {
            case CRASH -> throw new InjectedCrash(point);
            case SERVER_ERROR -> throw SdkServiceException.builder().statusCode(500)
                    .message("injected 500 at " + point).build();
            case THROTTLED -> throw SdkServiceException.builder().statusCode(503)
                    .message("injected throttling at " + point).build();
            case TIMEOUT_AFTER_WRITE -> throw SdkClientException.create("injected timeout at " + point);
            default -> throw new IllegalStateException();
        }
    }
}
