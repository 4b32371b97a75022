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

    /**
     * Waits before retry {@code attempt}, knowing that the attempt that lost took {@code windowMillis} from its
     * head read to its loss: the span in which another commit beat it. A backoff that scales with it overrides
     * this; by default it is ignored.
     */
    default void beforeRetry(int attempt, long windowMillis) {
        beforeRetry(attempt);
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

    /**
     * Full jitter scaled to the contention window: a uniform wait in [0, min(cap, max(base, window) * 2^attempt))
     * milliseconds, where the window is how long the losing attempt took from its head read to its loss. Two
     * commits collide when they fall in one window, so spreading retries over windows (as Ethernet spreads
     * them over slot times) rather than a fixed few milliseconds adapts to the store's real latency: a few
     * milliseconds on DynamoDB, more under load.
     */
    static Backoff adaptiveJitter(long baseMillis, long capMillis) {
        return new Backoff() {
            @Override
            public void pause(int attempt) throws InterruptedException {
                sleepJitter(baseMillis, attempt, capMillis);
            }

            @Override
            public void beforeRetry(int attempt, long windowMillis) {
                long scale = Math.max(baseMillis, windowMillis);
                Backoff scaled = a -> sleepJitter(scale, a, capMillis);
                scaled.beforeRetry(attempt);
            }
        };
    }

    private static void sleepJitter(long scaleMillis, int attempt, long capMillis) throws InterruptedException {
        long ceiling = Math.min(capMillis, scaleMillis << Math.min(attempt, 20));
        Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, ceiling)));
    }
}
