package io.sluice.tests.support;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One armed fault: the {@code occurrence}-th time the protocol reaches {@code point}, it throws
 * {@link InjectedCrash}. Shared by the store decorators that report the protocol's steps.
 */
public final class Faults implements FaultInjector {

    /** The crash a fault injects. */
    public static final class InjectedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public InjectedCrash(FaultPoint point) {
            super("injected crash at " + point);
        }

        public InjectedCrash(String where) {
            super("injected crash " + where);
        }
    }

    private volatile FaultPoint armed;
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicInteger fired = new AtomicInteger();

    /** Crash at the {@code occurrence}-th time (1-based) {@code point} is reached from now on. */
    public void arm(FaultPoint point, int occurrence) {
        remaining.set(occurrence);
        armed = point;
    }

    public void disarm() {
        armed = null;
    }

    public int fired() {
        return fired.get();
    }

    @Override
    public void reached(FaultPoint point) {
        if (armed == point && remaining.decrementAndGet() == 0) {
            armed = null;
            fired.incrementAndGet();
            throw new InjectedCrash(point);
        }
    }
}
