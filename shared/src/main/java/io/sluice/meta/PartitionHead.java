package io.sluice.meta;

import java.util.Map;
import java.util.Objects;

/**
 * The HEAD item of a partition: the single point that orders all appends to it.
 *
 * <p>{@code version} counts commits; version 0 means the item does not exist yet, which reads the same as
 * an empty partition. {@code last} is the newest committed entry, which may not be in the index yet.
 *
 * @param nextOffset     the high watermark: the offset the next record will get
 * @param logStartOffset the first offset still readable
 * @param producers      idempotent producers' states, by producer id (bounded, see ProduceService)
 */
public record PartitionHead(String topic, int partition, String topicId, long nextOffset, long logStartOffset,
                            long version, IndexEntry last, Map<Long, ProducerState> producers) {

    public PartitionHead(String topic, int partition, String topicId, long nextOffset, long logStartOffset,
                         long version, IndexEntry last) {
        this(topic, partition, topicId, nextOffset, logStartOffset, version, last, Map.of());
    }

    public PartitionHead {
        producers = producers == null ? Map.of() : Map.copyOf(producers);
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(topicId, "topicId");
        if (nextOffset < 0 || logStartOffset < 0 || logStartOffset > nextOffset) {
            throw new IllegalArgumentException(
                    "bad head offsets nextOffset=" + nextOffset + " logStartOffset=" + logStartOffset);
        }
        if (version < 0) {
            throw new IllegalArgumentException("version < 0: " + version);
        }
        if (last != null && last.lastOffset() + 1 != nextOffset) {
            throw new IllegalArgumentException("last entry ends at " + last.lastOffset() + " but nextOffset is " + nextOffset);
        }
    }

    /** The head of a partition nothing was ever written to, or whose stored head is {@code version}. */
    public static PartitionHead empty(String topic, int partition, String topicId, long version) {
        return new PartitionHead(topic, partition, topicId, 0, 0, version, null);
    }

    public boolean exists() {
        return version > 0;
    }

    /** The head after committing {@code entry}, which must start at {@link #nextOffset()}. */
    public PartitionHead append(IndexEntry entry) {
        return append(entry, producers);
    }

    /** The head after committing {@code entry}, with the producer states replaced. */
    public PartitionHead append(IndexEntry entry, Map<Long, ProducerState> nextProducers) {
        if (entry.baseOffset() != nextOffset) {
            throw new IllegalArgumentException("entry starts at " + entry.baseOffset() + ", head is at " + nextOffset);
        }
        return new PartitionHead(topic, partition, topicId, entry.lastOffset() + 1, logStartOffset, version + 1, entry,
                nextProducers);
    }

    /** True when {@code last} is still within the log and must be in the index before it is replaced. */
    public boolean lastNeedsIndexing() {
        return last != null && last.lastOffset() >= logStartOffset;
    }

    /** The head with the log starting at {@code offset}, as a new version. */
    public PartitionHead withLogStartOffset(long offset) {
        return new PartitionHead(topic, partition, topicId, nextOffset, offset, version + 1, last, producers);
    }

    /** The head with {@code replacement} as its last entry (same offsets, another object), as a new version. */
    public PartitionHead withLast(IndexEntry replacement) {
        return new PartitionHead(topic, partition, topicId, nextOffset, logStartOffset, version + 1, replacement,
                producers);
    }

    /**
     * The rule every store holds a compare-and-set to: a head replaces the one at {@code expectedVersion}
     * only as its successor.
     *
     * @throws IllegalArgumentException if this head's version is not {@code expectedVersion + 1}
     */
    public void requireSuccessorOf(long expectedVersion) {
        if (version != expectedVersion + 1) {
            throw new IllegalArgumentException(
                    "next head version must be " + (expectedVersion + 1) + ", was " + version);
        }
    }
}
