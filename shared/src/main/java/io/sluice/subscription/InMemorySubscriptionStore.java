package io.sluice.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link SubscriptionStore} in maps under one lock, for unit tests and as the contract's reference.
 * Values are kept as the JSON DynamoDB would hold, so what comes back is what was stored.
 */
public final class InMemorySubscriptionStore implements SubscriptionStore {

    private final Map<String, String> configs = new TreeMap<>();
    private final Map<String, TreeMap<String, String>> lanes = new TreeMap<>();
    private final Map<String, TreeMap<String, Integer>> topics = new TreeMap<>();
    private final Map<String, String> marks = new TreeMap<>();

    @Override
    public synchronized Optional<Subscription> get(String name) {
        String json = configs.get(name);
        return json == null ? Optional.empty() : Optional.of(SubscriptionItems.read(json, Subscription.class));
    }

    @Override
    public synchronized boolean put(long expectedVersion, Subscription next) {
        SubscriptionItems.requireNextVersion(expectedVersion, next.version());
        long current = get(next.name()).map(Subscription::version).orElse(0L);
        if (current != expectedVersion) {
            return false;
        }
        configs.put(next.name(), SubscriptionItems.write(next));
        return true;
    }

    @Override
    public synchronized boolean delete(String name, long expectedVersion) {
        Optional<Subscription> current = get(name);
        if (current.isEmpty() || current.get().version() != expectedVersion) {
            return false;
        }
        configs.remove(name);
        return true;
    }

    @Override
    public synchronized List<Subscription> list() {
        return configs.values().stream().map(j -> SubscriptionItems.read(j, Subscription.class)).toList();
    }

    @Override
    public synchronized void index(String topic, String name, int parallelizationFactor) {
        topics.computeIfAbsent(topic, t -> new TreeMap<>()).put(name, parallelizationFactor);
    }

    @Override
    public synchronized void unindex(String topic, String name) {
        TreeMap<String, Integer> names = topics.get(topic);
        if (names != null) {
            names.remove(name);
        }
    }

    @Override
    public synchronized Map<String, Integer> byTopic(String topic) {
        return Map.copyOf(topics.getOrDefault(topic, new TreeMap<>()));
    }

    @Override
    public synchronized Optional<Lane> lane(Dispatch d) {
        String json = lanes.getOrDefault(d.subscription(), new TreeMap<>()).get(d.key());
        return json == null ? Optional.empty() : Optional.of(SubscriptionItems.read(json, Lane.class));
    }

    @Override
    public synchronized boolean putLane(long expectedVersion, Lane next) {
        SubscriptionItems.requireNextVersion(expectedVersion, next.version());
        long current = lane(next.dispatch()).map(Lane::version).orElse(0L);
        if (current != expectedVersion) {
            return false;
        }
        lanes.computeIfAbsent(next.subscription(), n -> new TreeMap<>()).put(next.dispatch().key(),
                SubscriptionItems.write(next));
        return true;
    }

    @Override
    public synchronized List<Lane> lanes(String name) {
        List<Lane> result = new ArrayList<>();
        lanes.getOrDefault(name, new TreeMap<>()).values()
                .forEach(j -> result.add(SubscriptionItems.read(j, Lane.class)));
        return result;
    }

    @Override
    public synchronized void deleteLane(Dispatch d) {
        TreeMap<String, String> of = lanes.get(d.subscription());
        if (of != null) {
            of.remove(d.key());
        }
    }

    @Override
    public synchronized void mark(Dispatch d, String token) {
        marks.put(SubscriptionItems.markSk(d), token);
    }

    @Override
    public synchronized boolean unmark(Dispatch d, String token) {
        String sk = SubscriptionItems.markSk(d);
        if (!token.equals(marks.get(sk))) {
            return false;
        }
        marks.remove(sk);
        return true;
    }

    @Override
    public synchronized List<Marker> marked() {
        List<Marker> result = new ArrayList<>();
        marks.forEach((sk, token) -> result.add(new Marker(SubscriptionItems.parseMark(sk), token)));
        return result;
    }
}
