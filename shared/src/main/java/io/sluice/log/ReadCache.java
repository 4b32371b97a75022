package io.sluice.log;

import io.sluice.format.SegmentIndex;
import io.sluice.meta.IndexEntry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a warm function remembers between fetches: the index entries of compacted segments and the
 * segments' offset indexes, in bounded LRU maps.
 *
 * <p>Only segment entries (level 1 and up) are kept: compaction never merges a segment again, so a
 * segment's entry is final until retention drops it, while a WAL entry is replaced by the segment that
 * absorbs it, and a cached one would keep a reader on the small objects. A fetch reads the partition head
 * first and never asks for an offset below its logStartOffset, and an object is deleted only a grace period
 * after the last reference to it went, so a cached entry's object is there for the read that uses it. An
 * entry is still served for at most {@link #lifetimeMs()}, which {@link #forGracePeriod} derives from that
 * grace period (half of it): the cache cannot outlive what the garbage collector allows, and a setting
 * cannot shorten one without the other. A fetch that finds a cached entry's object gone anyway forgets the
 * partition's entries and reads the index again.
 */
public final class ReadCache {

    /** Partitions whose entries are kept, least recently used dropped first. */
    static final int MAX_PARTITIONS = 1024;
    /** Entries kept per partition, the lowest base offsets dropped first. */
    static final int MAX_ENTRIES_PER_PARTITION = 256;
    /** Segment offset indexes kept (each at most 12 bytes per KiB of segment: 192 KiB for 16 MiB). */
    static final int MAX_SEGMENT_INDEXES = 64;

    private record Cached<T>(T value, long cachedAt) {
    }

    private record PartitionKey(String topic, int partition, String topicId) {
    }

    private final Clock clock;
    private final long lifetimeMs;
    private final LinkedHashMap<PartitionKey, NavigableMap<Long, Cached<IndexEntry>>> entries =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<PartitionKey, NavigableMap<Long, Cached<IndexEntry>>> eldest) {
                    return size() > MAX_PARTITIONS;
                }
            };
    private final LinkedHashMap<String, Cached<SegmentIndex>> segmentIndexes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached<SegmentIndex>> eldest) {
            return size() > MAX_SEGMENT_INDEXES;
        }
    };

    public ReadCache(Clock clock, long lifetimeMs) {
        if (lifetimeMs < 0) {
            throw new IllegalArgumentException("lifetime < 0: " + lifetimeMs);
        }
        this.clock = clock;
        this.lifetimeMs = lifetimeMs;
    }

    /** A cache whose entries live half of {@code graceMs}, the garbage collector's grace period. */
    public static ReadCache forGracePeriod(Clock clock, long graceMs) {
        return new ReadCache(clock, graceMs / 2);
    }

    /** How long an entry is served after it was read from the store. */
    public long lifetimeMs() {
        return lifetimeMs;
    }

    private boolean fresh(Cached<?> cached) {
        return cached != null && clock.millis() - cached.cachedAt() < lifetimeMs;
    }

    /** Remembers the segment entries among entries just read from the index. */
    public synchronized void putEntries(Iterable<IndexEntry> read) {
        long now = clock.millis();
        for (IndexEntry entry : read) {
            if (entry.level() < 1 || lifetimeMs == 0) {
                continue;
            }
            NavigableMap<Long, Cached<IndexEntry>> partition = entries.computeIfAbsent(
                    new PartitionKey(entry.topic(), entry.partition(), entry.topicId()), k -> new TreeMap<>());
            partition.put(entry.baseOffset(), new Cached<>(entry, now));
            while (partition.size() > MAX_ENTRIES_PER_PARTITION) {
                partition.pollFirstEntry();
            }
        }
    }

    /** A fresh cached entry of the incarnation {@code topicId} that holds {@code offset}. */
    public synchronized Optional<IndexEntry> entryHolding(String topic, int partition, String topicId, long offset) {
        NavigableMap<Long, Cached<IndexEntry>> cached = entries.get(new PartitionKey(topic, partition, topicId));
        if (cached == null) {
            return Optional.empty();
        }
        Map.Entry<Long, Cached<IndexEntry>> floor = cached.floorEntry(offset);
        if (floor == null || !fresh(floor.getValue()) || !floor.getValue().value().contains(offset)) {
            return Optional.empty();
        }
        return Optional.of(floor.getValue().value());
    }

    /** A fresh cached entry of the incarnation {@code topicId} that starts exactly at {@code baseOffset}. */
    public synchronized Optional<IndexEntry> entryAt(String topic, int partition, String topicId, long baseOffset) {
        NavigableMap<Long, Cached<IndexEntry>> cached = entries.get(new PartitionKey(topic, partition, topicId));
        Cached<IndexEntry> at = cached == null ? null : cached.get(baseOffset);
        return fresh(at) ? Optional.of(at.value()) : Optional.empty();
    }

    /** Forgets every entry of a partition (one of them pointed at an object that is gone). */
    public synchronized void forgetPartition(String topic, int partition, String topicId) {
        entries.remove(new PartitionKey(topic, partition, topicId));
    }

    public synchronized Optional<SegmentIndex> segmentIndex(String objectKey) {
        Cached<SegmentIndex> cached = segmentIndexes.get(objectKey);
        return fresh(cached) ? Optional.of(cached.value()) : Optional.empty();
    }

    public synchronized void putSegmentIndex(String objectKey, SegmentIndex index) {
        segmentIndexes.put(objectKey, new Cached<>(index, clock.millis()));
    }
}
