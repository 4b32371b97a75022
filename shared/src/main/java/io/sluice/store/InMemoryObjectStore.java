package io.sluice.store;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/** An {@link ObjectStore} in a sorted map, for unit tests and as the contract's reference. */
public final class InMemoryObjectStore implements ObjectStore {

    private record Blob(byte[] bytes, java.time.Instant lastModified) {
    }

    private final ConcurrentSkipListMap<String, Blob> blobs = new ConcurrentSkipListMap<>();
    private final Clock clock;

    public InMemoryObjectStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes) {
        if (blobs.putIfAbsent(key, new Blob(bytes.clone(), clock.instant())) != null) {
            throw new ObjectAlreadyExistsException(key);
        }
    }

    @Override
    public byte[] get(String key) {
        return blob(key).bytes().clone();
    }

    @Override
    public byte[] getRange(String key, long start, int length) {
        if (start < 0 || length < 1) {
            throw new IllegalArgumentException("bad range start=" + start + " length=" + length);
        }
        byte[] bytes = blob(key).bytes();
        if (start >= bytes.length) {
            throw new ObjectNotFoundException(key + " range from " + start);
        }
        return Arrays.copyOfRange(bytes, (int) start, (int) Math.min(bytes.length, start + length));
    }

    @Override
    public void delete(String key) {
        blobs.remove(key);
    }

    @Override
    public List<ObjectSummary> list(String prefix) {
        return blobs.tailMap(prefix, true).entrySet().stream()
                .takeWhile(e -> e.getKey().startsWith(prefix))
                .map(e -> new ObjectSummary(e.getKey(), e.getValue().bytes().length, e.getValue().lastModified()))
                .toList();
    }

    private Blob blob(String key) {
        Blob blob = blobs.get(key);
        if (blob == null) {
            throw new ObjectNotFoundException(key);
        }
        return blob;
    }
}
