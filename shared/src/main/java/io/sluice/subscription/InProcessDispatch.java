package io.sluice.subscription;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * A {@link DispatchInvoker} that runs the dispatcher in this process, on {@code executor}, with the
 * deadline a dispatcher function of {@code timeout} would have: the asynchronous invoke of unit tests.
 */
public final class InProcessDispatch implements DispatchInvoker {

    private final ExecutorService executor;
    private final Clock clock;
    private final Duration timeout;
    private volatile Supplier<Dispatcher> dispatcher;

    public InProcessDispatch(ExecutorService executor, Clock clock, Duration timeout) {
        this.executor = executor;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** The dispatcher to run (built after this invoker, which it re-triggers itself through). */
    public void bind(Supplier<Dispatcher> dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void dispatch(Dispatch d) {
        executor.execute(() -> {
            try {
                dispatcher.get().run(d, clock.millis() + timeout.toMillis());
            } catch (RuntimeException e) {
                System.err.println("in-process dispatcher of " + d + " failed: " + e);
            }
        });
    }
}
