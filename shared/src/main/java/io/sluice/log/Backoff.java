package io.sluice.log;

import java.util.concurrent.ThreadLocalRandom;

/** How long to wait before retry number {@code attempt} of a lost conditional write. */
@FunctionalInterface
public interface Backoff {

    void pause(int attempt) throws InterruptedException;

    /** No waiting, for tests that drive contention by hand. */
    Backoff NONE = attempt -> { };

    /** Full jitter: a uniform wait in [0, min(cap, base * 2^attempt)) milliseconds. */
    static Backoff exponentialJitter(long baseMillis, long capMillis) {
        return attempt -> {
            long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, 20));
            Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, ceiling)));
        };
    }
}
