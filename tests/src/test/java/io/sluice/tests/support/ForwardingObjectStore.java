package io.sluice.tests.support;

import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import java.util.List;

/** An {@link ObjectStore} that forwards every call; decorators override what they change. */
public abstract class ForwardingObjectStore implements ObjectStore {

    protected final ObjectStore delegate;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes) {
        delegate.putIfAbsent(key, bytes);
    }

    @Override
    public byte[] get(String key) {
        return delegate.get(key);
    }

    @Override
    public byte[] getRange(String key, long start, int length) {
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
