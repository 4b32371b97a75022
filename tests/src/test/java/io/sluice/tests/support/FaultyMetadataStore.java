package io.sluice.tests.support;

import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import java.util.Optional;

/** A {@link MetadataStore} decorator that injects faults around the head read, the index write, the
 * contended commit's index check and the head update. */
public final class FaultyMetadataStore extends ForwardingMetadataStore {

    private final FaultInjector faults;

    public FaultyMetadataStore(MetadataStore delegate, FaultInjector faults) {
        super(delegate);
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
    public boolean isIndexed(IndexEntry entry) {
        faults.reached(FaultPoint.BEFORE_INDEX_CHECK);
        return delegate.isIndexed(entry);
    }

    @Override
    public Optional<PartitionHead> getHead(String topic, int partition) {
        faults.reached(FaultPoint.BEFORE_HEAD_READ);
        return delegate.getHead(topic, partition);
    }
}
