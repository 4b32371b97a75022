package io.sluice.share;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link ShareGroupStore} in maps under one lock, for unit tests and as the contract's reference. It
 * encodes every share-partition as DynamoDB would and refuses what DynamoDB's store refuses.
 */
public final class InMemoryShareGroupStore implements ShareGroupStore {

    private record Stored(String groupId, SharePartition partition) {
    }

    private final Map<String, ShareGroupConfig> configs = new TreeMap<>();
    private final Map<String, TreeMap<String, Stored>> partitions = new HashMap<>();

    @Override
    public synchronized Optional<ShareGroupConfig> getConfig(String group) {
        return Optional.ofNullable(configs.get(group));
    }

    @Override
    public synchronized boolean putConfig(long expectedVersion, ShareGroupConfig next) {
        ShareItem.requireNextVersion(expectedVersion, next.version());
        ShareGroupConfig current = configs.get(next.group());
        if ((current == null ? 0 : current.version()) != expectedVersion) {
            return false;
        }
        configs.put(next.group(), next);
        return true;
    }

    @Override
    public synchronized boolean deleteConfig(String group, long expectedVersion) {
        ShareGroupConfig current = configs.get(group);
        if (current == null || current.version() != expectedVersion) {
            return false;
        }
        configs.remove(group);
        return true;
    }

    @Override
    public synchronized List<String> listGroups() {
        return List.copyOf(configs.keySet());
    }

    @Override
    public synchronized Optional<SharePartition> getPartition(String group, String groupId, String topic, int partition) {
        Stored stored = partitions.getOrDefault(group, new TreeMap<>()).get(ShareItem.sk(topic, partition));
        return stored == null || !stored.groupId().equals(groupId) ? Optional.empty() : Optional.of(stored.partition());
    }

    @Override
    public synchronized boolean compareAndSet(String groupId, long expectedVersion, SharePartition next) {
        ShareItem.requireNextVersion(expectedVersion, next.version());
        ShareItem.requireWithinBound(next, ShareItem.encode(groupId, next));
        TreeMap<String, Stored> stored = partitions.computeIfAbsent(next.group(), g -> new TreeMap<>());
        String sk = ShareItem.sk(next.topic(), next.partition());
        Stored current = stored.get(sk);
        boolean matches = expectedVersion == 0
                ? current == null || !current.groupId().equals(groupId)
                : current != null && current.groupId().equals(groupId) && current.partition().version() == expectedVersion;
        if (!matches) {
            return false;
        }
        stored.put(sk, new Stored(groupId, next));
        return true;
    }

    @Override
    public synchronized List<SharePartition> partitions(String group, String groupId) {
        List<SharePartition> result = new ArrayList<>();
        for (Stored s : partitions.getOrDefault(group, new TreeMap<>()).values()) {
            if (s.groupId().equals(groupId)) {
                result.add(s.partition());
            }
        }
        return result;
    }

    @Override
    public synchronized void deletePartition(String group, String topic, int partition) {
        partitions.getOrDefault(group, new TreeMap<>()).remove(ShareItem.sk(topic, partition));
    }
}
