package io.sluice.tests.support;

/** Called by the faulty store decorators at each step; may throw to inject a fault there. */
@FunctionalInterface
public interface FaultInjector {
    void reached(FaultPoint point);
}
