package io.sluice.meta;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link MetadataStore} in maps under one lock, for unit tests and as the contract's reference. It is no
 * looser than DynamoDB: every write of an item DynamoDB would refuse as over 400 KB is refused with the
 * same exception ({@link DynamoItemSize}), and the index and garbage-mark reads go page by page the way a
 * DynamoDB Query does ({@link InMemoryQuery}).
 */
public final class InMemoryMetadataStore implements MetadataStore {

    private record PartitionKey(String topic, int partition) {
    }

    private final NavigableMap<String, TopicConfig> topics = new TreeMap<>();
    private final Map<String, String> tombstones = new HashMap<>();
    private final Map<PartitionKey, PartitionHead> heads = new HashMap<>();
    private final Map<PartitionKey, NavigableMap<Long, IndexEntry>> indexes = new HashMap<>();
    private final Map<String, Long> producerNames = new HashMap<>();
    private final Map<Long, Long> producerEpochs = new HashMap<>();
    private final Map<String, String> producerNameOwners = new HashMap<>();
    private final Map<Long, String> producerOwners = new HashMap<>();
    private final Map<String, Long> garbage = new TreeMap<>();
    private final Map<PartitionKey, MaintenanceLease> leases = new HashMap<>();
    private final InMemoryQuery query = new InMemoryQuery();

    /** Query pages read so far, each at most 1 MB as DynamoDB reads them. */
    public long queryPages() {
        return query.pages();
    }

    @Override
    public synchronized void createTopic(TopicConfig topic) {
        if (topics.containsKey(topic.name())) {
            throw new SluiceException(ErrorCode.TOPIC_EXISTS, "topic " + topic.name() + " already exists");
        }
        String deleted = tombstones.get(topic.name());
        if (deleted != null && !Incarnations.isOlder(deleted, topic.topicId())) {
            throw new SluiceException(ErrorCode.CONFLICT, "topic " + topic.name() + " was deleted as incarnation "
                    + deleted + ", which does not sort before " + topic.topicId());
        }
        topics.put(topic.name(), topic);
        tombstones.remove(topic.name());
    }

    @Override
    public synchronized Optional<TopicConfig> getTopic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    @Override
    public synchronized Optional<String> deletedTopicId(String name) {
        return Optional.ofNullable(tombstones.get(name));
    }

    @Override
    public synchronized List<TopicConfig> listTopics() {
        return List.copyOf(topics.values());
    }

    @Override
    public synchronized boolean deleteTopic(String name, String topicId) {
        TopicConfig current = topics.get(name);
        if (current == null || !current.topicId().equals(topicId)) {
            return false;
        }
        topics.remove(name);
        tombstones.put(name, topicId);
        return true;
    }

    @Override
    public synchronized Optional<PartitionHead> getHead(String topic, int partition) {
        return Optional.ofNullable(heads.get(new PartitionKey(topic, partition)));
    }

    @Override
    public synchronized List<PartitionHead> getHeads(String topic, int partitions) {
        List<PartitionHead> result = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            getHead(topic, p).ifPresent(result::add);
        }
        return result;
    }

    @Override
    public synchronized boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
        next.requireSuccessorOf(expectedVersion);
        PartitionKey key = new PartitionKey(next.topic(), next.partition());
        PartitionHead current = heads.get(key);
        long currentVersion = current == null ? 0 : current.version();
        if (currentVersion != expectedVersion
                || current != null && Incarnations.isOlder(next.topicId(), current.topicId())) {
            return false;
        }
        DynamoItemSize.requireUpdateWithinItemLimit(DynamoMetadataStore.headItem(next));
        heads.put(key, next);
        return true;
    }

    @Override
    public synchronized boolean putIndexEntryIfAbsent(IndexEntry entry) {
        DynamoItemSize.requireWithinItemLimit(DynamoMetadataStore.entryItem(entry));
        NavigableMap<Long, IndexEntry> index = indexes.computeIfAbsent(
                new PartitionKey(entry.topic(), entry.partition()), k -> new TreeMap<>());
        IndexEntry existing = index.get(entry.baseOffset());
        if (existing != null && !Incarnations.isOlder(existing.topicId(), entry.topicId())) {
            return false;
        }
        index.put(entry.baseOffset(), entry);
        return true;
    }

    @Override
    public synchronized boolean isIndexed(IndexEntry entry) {
        IndexEntry existing = indexes.getOrDefault(new PartitionKey(entry.topic(), entry.partition()),
                new TreeMap<>()).get(entry.baseOffset());
        return existing != null && !Incarnations.isOlder(existing.topicId(), entry.topicId());
    }

    @Override
    public synchronized Optional<IndexEntry> floorEntry(String topic, int partition, String topicId, long offset) {
        return query.run(List.copyOf(index(topic, partition).headMap(offset, true).descendingMap().values()),
                DynamoMetadataStore::entryItem, e -> e.topicId().equals(topicId), 1).stream().findFirst();
    }

    @Override
    public synchronized List<IndexEntry> entriesFrom(String topic, int partition, String topicId, long fromOffset,
                                                     int limit) {
        return query.run(List.copyOf(index(topic, partition).tailMap(fromOffset, true).values()),
                DynamoMetadataStore::entryItem, e -> e.topicId().equals(topicId), limit);
    }

    @Override
    public synchronized void fenceHead(String topic, int partition, String topicId) {
        PartitionKey key = new PartitionKey(topic, partition);
        String fence = Incarnations.fenceOf(topicId);
        PartitionHead head = heads.get(key);
        if (head == null || head.topicId().compareTo(fence) <= 0) {
            heads.put(key, PartitionHead.empty(topic, partition, fence, head == null ? 1 : head.version() + 1));
        }
    }

    @Override
    public synchronized void deletePartition(String topic, int partition, String topicId) {
        PartitionKey key = new PartitionKey(topic, partition);
        NavigableMap<Long, IndexEntry> index = indexes.get(key);
        if (index != null) {
            index.values().removeIf(e -> e.topicId().equals(topicId));
        }
        PartitionHead head = heads.get(key);
        if (head != null && head.topicId().equals(topicId)) {
            heads.remove(key);
        }
        MaintenanceLease lease = leases.get(key);
        if (lease != null && lease.topicId().equals(topicId)) {
            leases.remove(key);
        }
    }

    private NavigableMap<Long, IndexEntry> index(String topic, int partition) {
        return indexes.getOrDefault(new PartitionKey(topic, partition), new TreeMap<>());
    }

    @Override
    public synchronized Optional<Long> producerIdForName(String name) {
        return Optional.ofNullable(producerNames.get(name));
    }

    @Override
    public synchronized long bindProducerName(String name, long producerId) {
        return producerNames.computeIfAbsent(name, n -> producerId);
    }

    @Override
    public synchronized Optional<ProducerName> producerName(String name) {
        Long id = producerNames.get(name);
        return id == null ? Optional.empty() : Optional.of(new ProducerName(id, producerNameOwners.get(name)));
    }

    @Override
    public synchronized ProducerName bindProducerName(String name, long producerId, String owner) {
        if (!producerNames.containsKey(name)) {
            producerNames.put(name, producerId);
            if (owner != null) {
                producerNameOwners.put(name, owner);
            }
        }
        return producerName(name).orElseThrow();
    }

    @Override
    public synchronized Optional<String> producerOwner(long producerId) {
        return Optional.ofNullable(producerOwners.get(producerId));
    }

    @Override
    public synchronized boolean createProducer(long producerId, String owner, long now) {
        if (producerEpochs.containsKey(producerId)) {
            return false;
        }
        producerEpochs.put(producerId, 0L);
        producerOwners.put(producerId, owner);
        return true;
    }

    @Override
    public synchronized Optional<Long> producerEpoch(long producerId) {
        return Optional.ofNullable(producerEpochs.get(producerId));
    }

    @Override
    public synchronized boolean compareAndSetProducerEpoch(long producerId, long expectedEpoch, long nextEpoch,
                                                           long now) {
        long current = producerEpochs.getOrDefault(producerId, -1L);
        if (current != expectedEpoch) {
            return false;
        }
        producerEpochs.put(producerId, nextEpoch);
        return true;
    }

    @Override
    public synchronized boolean replaceIndexEntry(IndexEntry expected, IndexEntry replacement) {
        if (expected.baseOffset() != replacement.baseOffset()) {
            throw new IllegalArgumentException("a replacement keeps the base offset");
        }
        NavigableMap<Long, IndexEntry> index = indexes.get(new PartitionKey(expected.topic(), expected.partition()));
        IndexEntry stored = index == null ? null : index.get(expected.baseOffset());
        if (!sameEntry(stored, expected) || !replacement.topicId().equals(expected.topicId())) {
            return false;
        }
        DynamoItemSize.requireWithinItemLimit(DynamoMetadataStore.entryItem(replacement));
        index.put(replacement.baseOffset(), replacement);
        return true;
    }

    @Override
    public synchronized boolean deleteIndexEntry(IndexEntry expected) {
        NavigableMap<Long, IndexEntry> index = indexes.get(new PartitionKey(expected.topic(), expected.partition()));
        IndexEntry stored = index == null ? null : index.get(expected.baseOffset());
        if (!sameEntry(stored, expected)) {
            return false;
        }
        index.remove(expected.baseOffset());
        return true;
    }

    private static boolean sameEntry(IndexEntry stored, IndexEntry expected) {
        return stored != null && stored.objectKey().equals(expected.objectKey())
                && stored.topicId().equals(expected.topicId());
    }

    @Override
    public synchronized List<ObjectReference> objectReferences() {
        List<ObjectReference> references = new ArrayList<>();
        indexes.values().forEach(index -> index.values().forEach(e ->
                references.add(new ObjectReference(e.topic(), e.partition(), e.topicId(), e.objectKey()))));
        heads.values().forEach(h -> {
            if (h.last() != null) {
                references.add(new ObjectReference(h.topic(), h.partition(), h.topicId(), h.last().objectKey()));
            }
        });
        return references;
    }

    @Override
    public synchronized Map<String, Long> garbageMarks() {
        Map<String, Long> marks = new TreeMap<>();
        query.run(List.copyOf(garbage.entrySet()), e -> DynamoMetadataStore.garbageItem(e.getKey(), e.getValue()),
                e -> true, Integer.MAX_VALUE).forEach(e -> marks.put(e.getKey(), e.getValue()));
        return marks;
    }

    @Override
    public synchronized void markGarbage(String objectKey, long since) {
        DynamoItemSize.requireWithinItemLimit(DynamoMetadataStore.garbageItem(objectKey, since));
        garbage.putIfAbsent(objectKey, since);
    }

    @Override
    public synchronized void unmarkGarbage(String objectKey) {
        garbage.remove(objectKey);
    }

    @Override
    public synchronized Optional<MaintenanceLease> acquireLease(String topic, int partition, String topicId,
                                                                String owner, long now, long durationMs) {
        PartitionKey key = new PartitionKey(topic, partition);
        MaintenanceLease current = leases.get(key);
        if (current != null && current.expiresAt() > now) {
            return Optional.empty();
        }
        MaintenanceLease lease = new MaintenanceLease(topic, partition, topicId, owner,
                current == null ? 1 : current.epoch() + 1, now + durationMs);
        leases.put(key, lease);
        return Optional.of(lease);
    }

    @Override
    public synchronized Optional<MaintenanceLease> renewLease(MaintenanceLease lease, long newExpiry) {
        PartitionKey key = new PartitionKey(lease.topic(), lease.partition());
        MaintenanceLease current = leases.get(key);
        if (current == null || current.epoch() != lease.epoch() || !current.owner().equals(lease.owner())) {
            return Optional.empty();
        }
        MaintenanceLease renewed = current.renewedUntil(newExpiry);
        leases.put(key, renewed);
        return Optional.of(renewed);
    }

    @Override
    public synchronized void releaseLease(MaintenanceLease lease) {
        renewLease(lease, 0);
    }
}
