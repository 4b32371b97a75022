package io.sluice.tests.support;

import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import java.util.List;
import java.util.Optional;

/** A {@link MetadataStore} that forwards every call; decorators override what they change. */
public abstract class ForwardingMetadataStore implements MetadataStore {

    protected final MetadataStore delegate;

    protected ForwardingMetadataStore(MetadataStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean putIndexEntryIfAbsent(IndexEntry entry) {
        return delegate.putIndexEntryIfAbsent(entry);
    }

    @Override
    public boolean isIndexed(IndexEntry entry) {
        return delegate.isIndexed(entry);
    }

    @Override
    public boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
        return delegate.compareAndSetHead(expectedVersion, next);
    }

    @Override
    public void createTopic(TopicConfig topic) {
        delegate.createTopic(topic);
    }

    @Override
    public Optional<String> deletedTopicId(String name) {
        return delegate.deletedTopicId(name);
    }

    @Override
    public Optional<TopicConfig> getTopic(String name) {
        return delegate.getTopic(name);
    }

    @Override
    public List<TopicConfig> listTopics() {
        return delegate.listTopics();
    }

    @Override
    public boolean deleteTopic(String name, String topicId) {
        return delegate.deleteTopic(name, topicId);
    }

    @Override
    public Optional<PartitionHead> getHead(String topic, int partition) {
        return delegate.getHead(topic, partition);
    }

    @Override
    public List<PartitionHead> getHeads(String topic, int partitions) {
        return delegate.getHeads(topic, partitions);
    }

    @Override
    public Optional<IndexEntry> floorEntry(String topic, int partition, String topicId, long offset) {
        return delegate.floorEntry(topic, partition, topicId, offset);
    }

    @Override
    public List<IndexEntry> entriesFrom(String topic, int partition, String topicId, long fromOffset, int limit) {
        return delegate.entriesFrom(topic, partition, topicId, fromOffset, limit);
    }

    @Override
    public void fenceHead(String topic, int partition, String topicId) {
        delegate.fenceHead(topic, partition, topicId);
    }

    @Override
    public void deletePartition(String topic, int partition, String topicId) {
        delegate.deletePartition(topic, partition, topicId);
    }

    @Override
    public Optional<Long> producerIdForName(String name) {
        return delegate.producerIdForName(name);
    }

    @Override
    public long bindProducerName(String name, long producerId) {
        return delegate.bindProducerName(name, producerId);
    }

    @Override
    public Optional<io.sluice.meta.ProducerName> producerName(String name) {
        return delegate.producerName(name);
    }

    @Override
    public io.sluice.meta.ProducerName bindProducerName(String name, long producerId, String owner) {
        return delegate.bindProducerName(name, producerId, owner);
    }

    @Override
    public Optional<String> producerOwner(long producerId) {
        return delegate.producerOwner(producerId);
    }

    @Override
    public boolean createProducer(long producerId, String owner, long now) {
        return delegate.createProducer(producerId, owner, now);
    }

    @Override
    public Optional<Long> producerEpoch(long producerId) {
        return delegate.producerEpoch(producerId);
    }

    @Override
    public boolean compareAndSetProducerEpoch(long producerId, long expectedEpoch, long nextEpoch, long now) {
        return delegate.compareAndSetProducerEpoch(producerId, expectedEpoch, nextEpoch, now);
    }

    @Override
    public boolean replaceIndexEntry(IndexEntry expected, IndexEntry replacement) {
        return delegate.replaceIndexEntry(expected, replacement);
    }

    @Override
    public boolean deleteIndexEntry(IndexEntry expected) {
        return delegate.deleteIndexEntry(expected);
    }

    @Override
    public List<io.sluice.meta.ObjectReference> objectReferences() {
        return delegate.objectReferences();
    }

    @Override
    public java.util.Map<String, Long> garbageMarks() {
        return delegate.garbageMarks();
    }

    @Override
    public void markGarbage(String objectKey, long since) {
        delegate.markGarbage(objectKey, since);
    }

    @Override
    public void unmarkGarbage(String objectKey) {
        delegate.unmarkGarbage(objectKey);
    }

    @Override
    public Optional<io.sluice.meta.MaintenanceLease> acquireLease(String topic, int partition, String topicId,
                                                                  String owner, long now, long durationMs) {
        return delegate.acquireLease(topic, partition, topicId, owner, now, durationMs);
    }

    @Override
    public Optional<io.sluice.meta.MaintenanceLease> renewLease(io.sluice.meta.MaintenanceLease lease, long newExpiry) {
        return delegate.renewLease(lease, newExpiry);
    }

    @Override
    public void releaseLease(io.sluice.meta.MaintenanceLease lease) {
        delegate.releaseLease(lease);
    }
}
