package io.sluice.tests.support;

import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import java.util.List;

/** An {@link ObjectStore} decorator that crashes before or after a conditional put when told to. */
public final class FaultyObjectStore implements ObjectStore {

    private final ObjectStore delegate;
    private final FaultInjector faults;

    public FaultyObjectStore(ObjectStore delegate, FaultInjector faults) {
        this.delegate = delegate;
        this.faults = faults;
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes) {
        faults.reached(FaultPoint.BEFORE_OBJECT_PUT);
        delegate.putIfAbsent(key, bytes);
        faults.reached(FaultPoint.AFTER_OBJECT_PUT);
    }

    @Override
    public byte[] get(String key) {
        return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long start, int length) {
        faults.reached(FaultPoint.BEFORE_OBJECT_GET);
        return delegate.getRange(key, start, length);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public List<ObjectSummary> list(String prefix) {
        return delegate.list(prefix);
    }
}
