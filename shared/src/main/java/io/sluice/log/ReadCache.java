package io.sluice.log;

import io.sluice.format.SegmentIndex;
import io.sluice.meta.IndexEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a warm function remembers between fetches: the index entries it read, of compacted segments and of
 * WAL objects, and the segments' offset indexes, in bounded LRU maps.
 *
 * <p>An index entry is immutable once written: compaction replaces WAL entries with a segment's entry, and
 * retention drops entries, but none is ever changed. A fetch reads the partition head first and never asks
 * for an offset below its logStartOffset, and an object is deleted only a grace period after the last
 * reference to it went, so a cached entry's object is there for the read that uses it. An entry is still
 * served for at most {@link #lifetimeMs()}, which {@link #forGracePeriod} derives from that grace period
 * (half of it): the cache cannot outlive what the garbage collector allows, and a setting cannot shorten
 * one without the other. A fetch that finds a cached entry's object gone anyway forgets the partition's
 * entries and reads the index again.
 *
 * <p>Segment entries and WAL entries are kept apart, each bounded per partition, so that a function replaying
 * compacted data and one following the tail of the same partition do not evict each other's entries; a lookup
 * that finds both prefers the segment's. A WAL entry that compaction replaced may still be read from the cache
 * until it expires (its object is kept for the grace period): a warm reader sees a compaction up to
 * {@link #lifetimeMs()} late, which costs it GETs of the smaller objects, never a wrong or missing record.
 */
public final class ReadCache {

    /** Partitions whose entries are kept, least recently used dropped first. */
    static final int MAX_PARTITIONS = 1024;
    /** Segment entries kept per partition, the lowest base offsets dropped first. */
    static final int MAX_ENTRIES_PER_PARTITION = 256;
    /**
     * WAL entries kept per partition, the lowest base offsets dropped first: a reader moves through them a page
     * of {@value FetchService#READ_AHEAD} at a time, and they are far more numerous than segments.
     */
    static final int MAX_WAL_ENTRIES_PER_PARTITION = 64;
    /** Segment offset indexes kept (each at most 12 bytes per KiB of segment: 192 KiB for 16 MiB). */
    static final int MAX_SEGMENT_INDEXES = 64;

    private record Cached<T>(T value, long cachedAt) {
    }

    private record PartitionKey(String topic, int partition, String topicId) {
    }

    private final Clock clock;
    private final long lifetimeMs;
    /** One partition's cached entries: segments (level 1 and up) and WAL entries, each by base offset. */
    private record Partition(NavigableMap<Long, Cached<IndexEntry>> segments,
                             NavigableMap<Long, Cached<IndexEntry>> wal) {
        Partition() {
            this(new TreeMap<>(), new TreeMap<>());
        }
    }

    private final LinkedHashMap<PartitionKey, Partition> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PartitionKey, Partition> eldest) {
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

    /** Remembers entries just read from the index. */
    public synchronized void putEntries(Iterable<IndexEntry> read) {
        if (lifetimeMs == 0) {
            return;
        }
        long now = clock.millis();
        for (IndexEntry entry : read) {
            Partition partition = entries.computeIfAbsent(
                    new PartitionKey(entry.topic(), entry.partition(), entry.topicId()), k -> new Partition());
            boolean wal = entry.level() < 1;
            NavigableMap<Long, Cached<IndexEntry>> level = wal ? partition.wal() : partition.segments();
            level.put(entry.baseOffset(), new Cached<>(entry, now));
            while (level.size() > (wal ? MAX_WAL_ENTRIES_PER_PARTITION : MAX_ENTRIES_PER_PARTITION)) {
                level.pollFirstEntry();
            }
        }
    }

    /** A fresh cached entry of the incarnation {@code topicId} that holds {@code offset}, a segment's if one does. */
    public synchronized Optional<IndexEntry> entryHolding(String topic, int partition, String topicId, long offset) {
        Partition cached = entries.get(new PartitionKey(topic, partition, topicId));
        if (cached == null) {
            return Optional.empty();
        }
        Optional<IndexEntry> segment = holding(cached.segments(), offset);
        return segment.isPresent() ? segment : holding(cached.wal(), offset);
    }

    private Optional<IndexEntry> holding(NavigableMap<Long, Cached<IndexEntry>> level, long offset) {
        Map.Entry<Long, Cached<IndexEntry>> floor = level.floorEntry(offset);
        if (floor == null || !fresh(floor.getValue()) || !floor.getValue().value().contains(offset)) {
            return Optional.empty();
        }
        return Optional.of(floor.getValue().value());
    }

    /** A fresh cached entry of the incarnation {@code topicId} that starts exactly at {@code baseOffset}, a segment's if one does. */
    public synchronized Optional<IndexEntry> entryAt(String topic, int partition, String topicId, long baseOffset) {
        Partition cached = entries.get(new PartitionKey(topic, partition, topicId));
        return cached == null ? Optional.empty() : at(cached, baseOffset);
    }

    private Optional<IndexEntry> at(Partition cached, long baseOffset) {
        Cached<IndexEntry> segment = cached.segments().get(baseOffset);
        if (fresh(segment)) {
            return Optional.of(segment.value());
        }
        Cached<IndexEntry> wal = cached.wal().get(baseOffset);
        return fresh(wal) ? Optional.of(wal.value()) : Optional.empty();
    }

    /**
     * Up to {@code limit} fresh cached entries of the incarnation {@code topicId} back to back: the first starts
     * exactly at {@code fromOffset}, each next one where the one before ends; empty when none starts there.
     */
    public synchronized List<IndexEntry> entriesFrom(String topic, int partition, String topicId, long fromOffset,
                                                     int limit) {
        Partition cached = entries.get(new PartitionKey(topic, partition, topicId));
        List<IndexEntry> run = new ArrayList<>();
        for (long next = fromOffset; cached != null && run.size() < limit; ) {
            Optional<IndexEntry> entry = at(cached, next);
            if (entry.isEmpty()) {
                break;
            }
            run.add(entry.get());
            next = entry.get().lastOffset() + 1;
        }
        return run;
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
