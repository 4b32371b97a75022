package io.sluice.log;

/** Waiting, passed in so tests can control it. */
@FunctionalInterface
public interface Sleeper {

    void sleep(long millis) throws InterruptedException;

    Sleeper SYSTEM = Thread::sleep;
}
