package io.sluice.tests.support;

import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ObjectStore} whose listing reports each object's last-modified time as {@code clock} read it
 * when this store wrote the object, the way the in-memory store stamps objects. A test that moves its
 * clock by hand can then run grace periods against S3 emulators, which stamp objects with the wall clock.
 * Objects written around this store keep the time the backend gave them.
 */
public final class ClockStampedObjectStore extends ForwardingObjectStore {

    private final Clock clock;
    private final Map<String, Instant> written = new ConcurrentHashMap<>();

    public ClockStampedObjectStore(ObjectStore delegate, Clock clock) {
        super(delegate);
        this.clock = clock;
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes) {
        Instant now = clock.instant();
        delegate.putIfAbsent(key, bytes);
        written.put(key, now);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
        written.remove(key);
    }

    @Override
    public List<ObjectSummary> list(String prefix) {
        return delegate.list(prefix).stream()
                .map(s -> written.containsKey(s.key()) ? new ObjectSummary(s.key(), s.size(), written.get(s.key())) : s)
                .toList();
    }
}
