package io.sluice.subscription;

/**
 * Starts a dispatcher for one lane, asynchronously: a Lambda {@code InvocationType=Event} invoke of the
 * dispatcher function in AWS and on the local stack, an in-process call in unit tests. It returns once
 * the invocation is queued, and throws if it was not.
 */
@FunctionalInterface
public interface DispatchInvoker {

    void dispatch(Dispatch dispatch);

    /** Starts nothing (functions that never trigger); the sweep still finds marked lanes. */
    DispatchInvoker NONE = d -> { };
}
