package io.sluice.log;

import java.util.concurrent.ThreadLocalRandom;

/** How long to wait before retry number {@code attempt} of a lost conditional write. */
@FunctionalInterface
public interface Backoff {

    void pause(int attempt) throws InterruptedException;

    /**
     * Waits before retry {@code attempt} of a lost race; an interrupt ends the retries as CONTENTION
     * (nothing was committed by the lost attempt), keeping the thread's interrupt status.
     */
    default void beforeRetry(int attempt) {
        try {
            pause(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.sluice.error.SluiceException(io.sluice.error.ErrorCode.CONTENTION,
                    "interrupted while backing off", java.util.Map.of(), e);
        }
    }

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
