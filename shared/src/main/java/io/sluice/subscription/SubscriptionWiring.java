package io.sluice.subscription;

import io.sluice.group.DynamoGroupStore;
import io.sluice.group.GroupStore;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What the subscriptions need from the deployment: their store, how a dispatcher is started, the Lambda
 * client for lambda targets, the targets' timeout, whether loopback targets are allowed (the local stack
 * only), and whether produce calls trigger dispatchers (on the executor given).
 */
public record SubscriptionWiring(SubscriptionStore store, DispatchInvoker invoker, LambdaInvoker lambda,
                                 Duration targetTimeout, boolean allowLoopback, Dispatcher.Settings settings,
                                 Executor triggerExecutor, io.sluice.log.Sleeper sleeper) {

    /** The default timeout of one delivery (an HTTP POST or a synchronous Lambda invoke). */
    public static final Duration DEFAULT_TARGET_TIMEOUT = Duration.ofSeconds(30);
    /** How long the produce path trusts its lookup of a topic's subscriptions. */
    public static final Duration TRIGGER_CACHE_TTL = Duration.ofSeconds(30);

    /** Whether produce calls trigger dispatchers. */
    public boolean triggers() {
        return triggerExecutor != null;
    }

    /**
     * The store beside a group store (DynamoDB beside DynamoDB, in memory otherwise), nothing triggered
     * on produce and no Lambda client: what the services get unless a deployment wires more.
     */
    public static SubscriptionWiring beside(GroupStore groups) {
        SubscriptionStore store = groups instanceof DynamoGroupStore dynamo
                ? new DynamoSubscriptionStore(dynamo.client(), dynamo.table()) : new InMemorySubscriptionStore();
        return new SubscriptionWiring(store, DispatchInvoker.NONE, null, DEFAULT_TARGET_TIMEOUT, false,
                Dispatcher.Settings.DEFAULT, null,
                io.sluice.log.Sleeper.SYSTEM);
    }

    public SubscriptionWiring withInvoker(DispatchInvoker next) {
        return new SubscriptionWiring(store, next, lambda, targetTimeout, allowLoopback, settings, triggerExecutor, sleeper);
    }

    public SubscriptionWiring withTriggers(Executor executor) {
        return new SubscriptionWiring(store, invoker, lambda, targetTimeout, allowLoopback, settings, executor, sleeper);
    }

    public SubscriptionWiring withLambda(LambdaInvoker next) {
        return new SubscriptionWiring(store, invoker, next, targetTimeout, allowLoopback, settings, triggerExecutor, sleeper);
    }

    public SubscriptionWiring withTargets(Duration timeout, boolean loopback) {
        return new SubscriptionWiring(store, invoker, lambda, timeout, loopback, settings, triggerExecutor, sleeper);
    }

    public SubscriptionWiring withSleeper(io.sluice.log.Sleeper next) {
        return new SubscriptionWiring(store, invoker, lambda, targetTimeout, allowLoopback, settings, triggerExecutor,
                next);
    }

    public SubscriptionWiring withSettings(Dispatcher.Settings next) {
        return new SubscriptionWiring(store, invoker, lambda, targetTimeout, allowLoopback, next, triggerExecutor, sleeper);
    }
}
