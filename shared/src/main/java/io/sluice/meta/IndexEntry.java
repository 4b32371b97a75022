package io.sluice.meta;

import java.util.Objects;

/**
 * One committed run of offsets {@code [baseOffset, lastOffset]} of a partition, stored as the bytes
 * {@code [byteStart, byteStart + byteLength)} of one object: one or more whole batches, back to back.
 * Immutable once written.
 *
 * @param level       0 for a WAL object written by a produce call, 1 for a compacted segment
 * @param indexLength bytes of the segment's offset index ({@link io.sluice.format.SegmentIndex}), which
 *                    follows the batches at {@code byteStart + byteLength}; 0 when there is none (every WAL
 *                    object, and segments compacted before segments had one)
 */
public record IndexEntry(String topic, int partition, String topicId, long baseOffset, long lastOffset,
                         String objectKey, long byteStart, int byteLength, long maxTimestamp, int level,
                         int indexLength) {

    /** An entry without an offset index. */
    public IndexEntry(String topic, int partition, String topicId, long baseOffset, long lastOffset,
                      String objectKey, long byteStart, int byteLength, long maxTimestamp, int level) {
        this(topic, partition, topicId, baseOffset, lastOffset, objectKey, byteStart, byteLength, maxTimestamp, level, 0);
    }

    public IndexEntry {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(topicId, "topicId");
        Objects.requireNonNull(objectKey, "objectKey");
        if (partition < 0) {
            throw new IllegalArgumentException("partition < 0: " + partition);
        }
        if (baseOffset < 0 || lastOffset < baseOffset) {
            throw new IllegalArgumentException("bad offsets [" + baseOffset + ", " + lastOffset + "]");
        }
        if (byteStart < 0 || byteLength < 1) {
            throw new IllegalArgumentException("bad byte range start=" + byteStart + " length=" + byteLength);
        }
        if (level < 0) {
            throw new IllegalArgumentException("level < 0: " + level);
        }
        if (indexLength < 0) {
            throw new IllegalArgumentException("indexLength < 0: " + indexLength);
        }
    }

    public long recordCount() {
        return lastOffset - baseOffset + 1;
    }

    /** Whether the object holds an offset index after the entry's batches. */
    public boolean hasOffsetIndex() {
        return indexLength > 0;
    }

    public boolean contains(long offset) {
        return offset >= baseOffset && offset <= lastOffset;
    }
}
