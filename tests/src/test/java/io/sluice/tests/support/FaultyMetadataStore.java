package io.sluice.tests.support;

import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import java.util.List;
import java.util.Optional;

/** A {@link MetadataStore} decorator that crashes around the index write and the head update when told to. */
public final class FaultyMetadataStore implements MetadataStore {

    private final MetadataStore delegate;
    private final FaultInjector faults;

    public FaultyMetadataStore(MetadataStore delegate, FaultInjector faults) {
        this.delegate = delegate;
        this.faults = faults;
    }

    @Override
    public boolean putIndexEntryIfAbsent(IndexEntry entry) {
        faults.reached(FaultPoint.BEFORE_INDEX_WRITE);
        boolean written = delegate.putIndexEntryIfAbsent(entry);
        faults.reached(FaultPoint.AFTER_INDEX_WRITE);
        return written;
    }

    @Override
    public boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
        faults.reached(FaultPoint.BEFORE_HEAD_UPDATE);
        boolean won = delegate.compareAndSetHead(expectedVersion, next);
        if (won) {
            faults.reached(FaultPoint.AFTER_HEAD_UPDATE);
        }
        return won;
    }

    @Override
    public void createTopic(TopicConfig topic) {
        delegate.createTopic(topic);
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
        faults.reached(FaultPoint.BEFORE_HEAD_READ);
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
    public Optional<Long> producerEpoch(long producerId) {
        return delegate.producerEpoch(producerId);
    }

    @Override
    public boolean compareAndSetProducerEpoch(long producerId, long expectedEpoch, long nextEpoch, long now) {
        return delegate.compareAndSetProducerEpoch(producerId, expectedEpoch, nextEpoch, now);
    }
}
