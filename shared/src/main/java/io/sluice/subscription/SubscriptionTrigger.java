package io.sluice.subscription;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The produce path's trigger: after a produce commits, each subscribed lane of each partition it wrote
 * gets a dispatcher, started asynchronously. All of it (the lookup too) runs on {@code executor}, never
 * on the produce's thread, so it adds nothing to the produce's latency. Which subscriptions a topic has
 * is read once per {@code ttl} per topic (one Query), so partitions of topics without subscriptions
 * cost one Query per topic per period, and nothing per produce.
 *
 * <p>A trigger that Lambda did not accept marks the lane, so the sweep starts it within a minute.
 */
public final class SubscriptionTrigger {

    private record Cached(Map<String, Integer> subscriptions, long expiresAt) {
    }

    private final SubscriptionStore store;
    private final DispatchInvoker invoker;
    private final Executor executor;
    private final Clock clock;
    private final long ttlMs;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public SubscriptionTrigger(SubscriptionStore store, DispatchInvoker invoker, Executor executor, Clock clock,
                               Duration ttl) {
        this.store = store;
        this.invoker = invoker;
        this.executor = executor;
        this.clock = clock;
        this.ttlMs = ttl.toMillis();
    }

    /** Called once a produce committed to {@code partitions} of {@code topic}; returns at once. */
    public void committed(String topic, Set<Integer> partitions) {
        executor.execute(() -> trigger(topic, partitions));
    }

    /** The lookup and the triggers, on the caller's thread (the executor's). */
    void trigger(String topic, Set<Integer> partitions) {
        Map<String, Integer> subscriptions;
        try {
            subscriptions = subscriptions(topic);
        } catch (RuntimeException e) {
            System.err.println("{\"level\":\"WARN\",\"event\":\"subscription-lookup-failed\",\"topic\":\"" + topic
                    + "\",\"error\":" + SubscriptionItems.write(String.valueOf(e.getMessage())) + "}");
            return;
        }
        subscriptions.forEach((name, factor) -> {
            for (int partition : partitions) {
                for (int lane = 0; lane < factor; lane++) {
                    Dispatch d = new Dispatch(name, partition, lane);
                    try {
                        invoker.dispatch(d);
                    } catch (RuntimeException e) {
                        try {
                            store.mark(d, "trigger-" + clock.millis());
                        } catch (RuntimeException ignored) {
                            // the sweep will not see this lane until its next produce; logged below
                        }
                        System.err.println("{\"level\":\"WARN\",\"event\":\"subscription-trigger-failed\",\"lane\":\""
                                + d + "\",\"error\":" + SubscriptionItems.write(String.valueOf(e.getMessage())) + "}");
                    }
                }
            }
        });
    }

    /** The topic's subscriptions, from the cache while it is fresh. */
    public Map<String, Integer> subscriptions(String topic) {
        long now = clock.millis();
        Cached cached = cache.get(topic);
        if (cached != null && cached.expiresAt() > now) {
            return cached.subscriptions();
        }
        Map<String, Integer> fresh = Map.copyOf(store.byTopic(topic));
        cache.put(topic, new Cached(fresh, now + ttlMs));
        return fresh;
    }

    /** Forgets the topic's cached subscriptions (this instance created or deleted one). */
    public void invalidate(String topic) {
        cache.remove(topic);
    }
}
