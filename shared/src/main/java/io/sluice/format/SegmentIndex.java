package io.sluice.format;

import io.sluice.error.CorruptObjectException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The offset index a compacted segment carries after its batches, so that a fetch reads only the batches
 * it needs with one ranged GET instead of the whole segment. Compaction cuts batches of more than
 * {@link #BATCH_RECORD_BYTES} bytes of records into batches of at most that (a larger record gets a batch
 * of its own), copies smaller ones as they are, and indexes every batch: where it starts and the offset of
 * its first record. A compressed batch is cut at {@link #COMPRESSED_BATCH_RECORD_BYTES} instead, and its
 * cuts are compressed with its codec, so a segment may mix codecs as its source batches did.
 *
 * <pre>
 * Segment =>
 *   Magic => Int32, Version => Int8      as every object ({@link ObjectFormat})
 *   Batches => [Batch]                   the index entry's byte range [byteStart, byteStart + byteLength)
 *   OffsetIndex                          the next indexLength bytes (the index entry's indexLength)
 *
 * OffsetIndex =>
 *   IndexMagic => Int32                  0x534C4932, "SLI2" (0x534C4958, "SLIX": the first version, below)
 *   PointCount => Int32                  batches in the segment, at least 1
 *   Points => [Point]                    PointCount points, in batch order
 *     OffsetDelta => Int32               offset of the batch's first record minus the segment's base offset
 *     Position => Int32                  position of the batch minus byteStart
 *     RecordBytes => Int32               bytes of the batch's records (key, value, headers), uncompressed
 *   Crc => Uint32                        CRC32C of every byte from IndexMagic to the end of Points
 * </pre>
 *
 * The first point is {@code (0, 0)}; both offset delta and position strictly increase, record bytes are
 * not negative. A reader checks the CRC and this ordering before it trusts a point, and then still checks
 * every batch it reads by its own CRC, and that the batches between two points hold exactly the records the
 * points say.
 *
 * <p>Segments compacted before points carried RecordBytes have "SLIX" indexes: a reader still decodes them
 * and estimates a batch's record bytes from the positions less the batch and record overheads, which is
 * exact for uncompressed records without headers but falls short many times over for a compressed batch,
 * whose stored bytes are compressed (a fetch then reads far past what it returns, up to the segment's end):
 * hence RecordBytes, so that a fetch in a compressed segment reads about what it returns.
 */
public final class SegmentIndex {

    /** The index written now: points with their batch's record bytes. */
    public static final int MAGIC = 0x534C4932;
    /** The first index: points without record bytes, still read. */
    public static final int MAGIC_V1 = 0x534C4958;
    /** Bytes of records (key, value, headers) a segment batch holds at most, unless one record is larger. */
    public static final int BATCH_RECORD_BYTES = 1024;
    /**
     * The same for a compressed batch, which compaction cuts into batches compressed with the same codec:
     * larger, because a codec gains little on 1 KiB (JSON logs compress about 2x at 1 KiB and 4 to 8x at 16 KiB).
     */
    public static final int COMPRESSED_BATCH_RECORD_BYTES = 16 * 1024;

    static final int MAGIC_OFFSET = 0;
    static final int MAGIC_LENGTH = 4;
    static final int POINT_COUNT_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    static final int POINT_COUNT_LENGTH = 4;
    static final int POINTS_OFFSET = POINT_COUNT_OFFSET + POINT_COUNT_LENGTH;
    static final int POINT_OFFSET_DELTA_LENGTH = 4;
    static final int POINT_POSITION_LENGTH = 4;
    static final int POINT_RECORD_BYTES_LENGTH = 4;
    /** Bytes of a point in a first-version ("SLIX") index. */
    static final int POINT_LENGTH_V1 = POINT_OFFSET_DELTA_LENGTH + POINT_POSITION_LENGTH;
    static final int POINT_LENGTH = POINT_LENGTH_V1 + POINT_RECORD_BYTES_LENGTH;
    static final int CRC_LENGTH = 4;
    /** Encoded bytes a record adds beyond its {@link LogRecord#sizeInBytes()} when it has no headers. */
    static final int RECORD_OVERHEAD = ObjectFormat.RECORD_LENGTH_LENGTH + ObjectFormat.OFFSET_DELTA_LENGTH
            + ObjectFormat.TIMESTAMP_DELTA_LENGTH + 2 * ObjectFormat.BYTES_LENGTH_LENGTH
            + ObjectFormat.HEADER_COUNT_LENGTH;

    private final int[] offsetDeltas;
    private final int[] positions;
    /** Bytes of records of each point's batch; null for a first-version index, which estimates them. */
    private final int[] recordBytes;
    private final long recordCount;
    private final int batchesLength;

    private SegmentIndex(int[] offsetDeltas, int[] positions, int[] recordBytes, long recordCount,
                         int batchesLength) {
        this.offsetDeltas = offsetDeltas;
        this.positions = positions;
        this.recordBytes = recordBytes;
        this.recordCount = recordCount;
        this.batchesLength = batchesLength;
    }

    /** Bytes of the encoded index with {@code points} points. */
    public static int encodedLength(int points) {
        return encodedLength(points, POINT_LENGTH);
    }

    private static int encodedLength(int points, int pointLength) {
        return POINTS_OFFSET + points * pointLength + CRC_LENGTH;
    }

    public int points() {
        return positions.length;
    }

    /**
     * The batches a fetch from {@code offsetDelta} (relative to the segment's base) needs for up to
     * {@code maxBytes} of records and at most {@code maxRecords} records: from the batch holding
     * {@code offsetDelta} to the first batch boundary past either limit (by the points' record bytes, or,
     * in a first-version index, the encoded sizes less the batch and record overheads), or the segment's end.
     */
    public Range range(long offsetDelta, long maxBytes, long maxRecords) {
        if (offsetDelta < 0 || offsetDelta >= recordCount) {
            throw new IllegalArgumentException("offset delta " + offsetDelta + " outside [0, " + recordCount + ")");
        }
        int first = floor(offsetDelta);
        int end = first + 1;
        long bytes = recordBytes(first); // of the batches [first, end)
        // Records of the first batch before offsetDelta are not returned: their share of its bytes is left out.
        long skipped = end < positions.length
                ? bytes * (offsetDelta - offsetDeltas[first]) / (offsetDeltas[end] - offsetDeltas[first])
                : 0;
        while (end < positions.length) {
            long records = offsetDeltas[end] - offsetDelta;
            if (records >= maxRecords || bytes - skipped >= maxBytes) {
                break;
            }
            bytes += recordBytes(end);
            end++;
        }
        int endPosition = end < positions.length ? positions[end] : batchesLength;
        long endDelta = end < positions.length ? offsetDeltas[end] : recordCount;
        return new Range(positions[first], endPosition - positions[first], offsetDeltas[first],
                endDelta - offsetDeltas[first]);
    }

    /**
     * Bytes of records in batch {@code i}: as its point says, or, in a first-version index, by its encoded
     * size less the batch and record overheads.
     */
    private long recordBytes(int i) {
        if (recordBytes != null) {
            return recordBytes[i];
        }
        long end = i + 1 < positions.length ? positions[i + 1] : batchesLength;
        long endDelta = i + 1 < positions.length ? offsetDeltas[i + 1] : recordCount;
        return end - positions[i] - ObjectFormat.BATCH_OVERHEAD - (endDelta - offsetDeltas[i]) * RECORD_OVERHEAD;
    }

    /** The last point at or below {@code offsetDelta}. */
    private int floor(long offsetDelta) {
        int lo = 0;
        int hi = offsetDeltas.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (offsetDeltas[mid] <= offsetDelta) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * Whole batches of a segment: {@code length} bytes from {@code position} (both relative to the first
     * batch), holding {@code records} records from {@code offsetDelta} (relative to the segment's base).
     */
    public record Range(long position, int length, long offsetDelta, long records) {
    }

    /**
     * Decodes and checks an index read from {@code objectKey} at {@code position}, for a segment whose
     * batches are {@code batchesLength} bytes holding {@code recordCount} records.
     *
     * @throws CorruptObjectException naming the object and the position of the damage
     */
    public static SegmentIndex decode(String objectKey, long position, byte[] bytes, int batchesLength,
                                      long recordCount) {
        if (bytes.length < encodedLength(1)) {
            throw new CorruptObjectException(objectKey, position, "offset index of " + bytes.length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        int magic = buf.getInt(MAGIC_OFFSET);
        if (magic != MAGIC && magic != MAGIC_V1) {
            throw new CorruptObjectException(objectKey, position + MAGIC_OFFSET,
                    "bad offset index magic 0x" + Integer.toHexString(magic));
        }
        int pointLength = magic == MAGIC ? POINT_LENGTH : POINT_LENGTH_V1;
        int count = buf.getInt(POINT_COUNT_OFFSET);
        if (count < 1 || (long) POINTS_OFFSET + (long) count * pointLength + CRC_LENGTH != bytes.length) {
            throw new CorruptObjectException(objectKey, position + POINT_COUNT_OFFSET,
                    "offset index of " + count + " points does not fill its " + bytes.length + " bytes");
        }
        int crcOffset = bytes.length - CRC_LENGTH;
        long stored = Integer.toUnsignedLong(buf.getInt(crcOffset));
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcOffset);
        if (stored != crc.getValue()) {
            throw new CorruptObjectException(objectKey, position,
                    "offset index CRC32C mismatch: stored " + stored + ", computed " + crc.getValue());
        }
        int[] deltas = new int[count];
        int[] positions = new int[count];
        int[] recordBytes = magic == MAGIC ? new int[count] : null;
        for (int i = 0; i < count; i++) {
            int at = POINTS_OFFSET + i * pointLength;
            deltas[i] = buf.getInt(at);
            positions[i] = buf.getInt(at + POINT_OFFSET_DELTA_LENGTH);
            int bytesOfRecords = recordBytes == null ? 0 : buf.getInt(at + POINT_LENGTH_V1);
            boolean ordered = i == 0 ? deltas[0] == 0 && positions[0] == 0
                    : deltas[i] > deltas[i - 1] && positions[i] > positions[i - 1];
            if (!ordered || deltas[i] >= recordCount || positions[i] >= batchesLength || bytesOfRecords < 0) {
                throw new CorruptObjectException(objectKey, position + at, "offset index point " + i + " ("
                        + deltas[i] + ", " + positions[i] + ", " + bytesOfRecords + ") out of order");
            }
            if (recordBytes != null) {
                recordBytes[i] = bytesOfRecords;
            }
        }
        return new SegmentIndex(deltas, positions, recordBytes, recordCount, batchesLength);
    }

    /** A segment built by {@link Builder}: the object, and how its entry describes it. */
    public record Segment(byte[] bytes, int batchesLength, int indexLength, long recordCount) {
    }

    /**
     * Builds a segment from batches in offset order: its batches, then its offset index. A batch of at most
     * {@link #BATCH_RECORD_BYTES} bytes of records (or of one record) is copied as it is; a larger one is cut
     * into batches of that size, so that no fetch has to read more than about that much beyond what it needs.
     */
    public static final class Builder {
        private final ObjectFormat.Builder object = new ObjectFormat.Builder();
        private final List<Integer> deltas = new ArrayList<>();
        private final List<Integer> positions = new ArrayList<>();
        private final List<Integer> recordBytes = new ArrayList<>();
        private long records;

        /** Appends {@code batch}, whose encoded bytes (as read and checked) are {@code encoded}. */
        public void add(ObjectFormat.DecodedBatch batch, byte[] encoded) {
            long recordBytes = batch.records().stream().mapToLong(LogRecord::sizeInBytes).sum();
            int limit = batch.codec() == CompressionCodec.NONE ? BATCH_RECORD_BYTES : COMPRESSED_BATCH_RECORD_BYTES;
            if (batch.records().size() == 1 || recordBytes <= limit) {
                point(recordBytes);
                object.addEncodedBatches(encoded);
                records += batch.records().size();
                return;
            }
            List<LogRecord> pending = new ArrayList<>();
            long pendingBytes = 0;
            for (LogRecord record : batch.records()) {
                if (!pending.isEmpty() && pendingBytes + record.sizeInBytes() > limit) {
                    addCut(pending, pendingBytes, batch.codec());
                    pending = new ArrayList<>();
                    pendingBytes = 0;
                }
                pending.add(record);
                pendingBytes += record.sizeInBytes();
            }
            addCut(pending, pendingBytes, batch.codec());
        }

        private void addCut(List<LogRecord> batch, long batchRecordBytes, CompressionCodec codec) {
            point(batchRecordBytes);
            object.addBatch(batch, codec);
            records += batch.size();
        }

        private void point(long batchRecordBytes) {
            long position = object.size() - ObjectFormat.OBJECT_HEADER_LENGTH;
            if (records > Integer.MAX_VALUE || position > Integer.MAX_VALUE || batchRecordBytes > Integer.MAX_VALUE) {
                throw new IllegalStateException("segment too large: " + records + " records, " + position
                        + " bytes, a batch of " + batchRecordBytes + " bytes of records");
            }
            deltas.add((int) records);
            positions.add((int) position);
            recordBytes.add((int) batchRecordBytes);
        }

        public Segment build() {
            if (records == 0) {
                throw new IllegalStateException("a segment needs at least one record");
            }
            byte[] batches = object.build();
            int indexLength = encodedLength(deltas.size());
            ByteBuffer out = ByteBuffer.allocate(batches.length + indexLength);
            out.put(batches);
            int indexStart = out.position();
            out.putInt(MAGIC).putInt(deltas.size());
            for (int i = 0; i < deltas.size(); i++) {
                out.putInt(deltas.get(i)).putInt(positions.get(i)).putInt(recordBytes.get(i));
            }
            CRC32C crc = new CRC32C();
            crc.update(out.array(), indexStart, out.position() - indexStart);
            out.putInt((int) crc.getValue());
            return new Segment(out.array(), batches.length - ObjectFormat.OBJECT_HEADER_LENGTH, indexLength, records);
        }
    }
}
