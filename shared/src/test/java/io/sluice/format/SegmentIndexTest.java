package io.sluice.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.CorruptObjectException;
import io.sluice.format.ObjectFormat.DecodedBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentIndexTest {

    private static final String KEY = "seg/t/0/00000000000000000000-00000000000000000019-id-1.seg";

    private static List<LogRecord> records(int count, int valueBytes, int first) {
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) (first + i));
            records.add(new LogRecord(1_700_000_000_000L + first + i, null, value, List.of()));
        }
        return records;
    }

    /** A segment of a large batch (10 records of 300 bytes, cut 3 to a batch) and a small one (copied). */
    private static SegmentIndex.Segment segment() {
        SegmentIndex.Builder builder = new SegmentIndex.Builder();
        for (List<LogRecord> batch : List.of(records(10, 300, 0), records(2, 100, 10))) {
            byte[] encoded = ObjectFormat.encodeBatch(batch);
            DecodedBatch decoded = ObjectFormat.decodeBatches(KEY, 0, encoded).get(0);
            builder.add(decoded, encoded);
        }
        return builder.build();
    }

    private static SegmentIndex index(SegmentIndex.Segment segment) {
        int start = ObjectFormat.OBJECT_HEADER_LENGTH + segment.batchesLength();
        return SegmentIndex.decode(KEY, start, Arrays.copyOfRange(segment.bytes(), start, segment.bytes().length),
                segment.batchesLength(), segment.recordCount());
    }

    @Test
    void largeBatchesAreCutSmallAndEveryBatchIsIndexed() {
        SegmentIndex.Segment segment = segment();
        SegmentIndex index = index(segment);

        assertThat(segment.recordCount()).isEqualTo(12);
        assertThat(index.points()).as("3 + 3 + 3 + 1 cut from the large batch, the small one as it was").isEqualTo(5);
        assertThat(segment.indexLength()).isEqualTo(SegmentIndex.encodedLength(5));
        List<DecodedBatch> batches = ObjectFormat.decodeBatches(KEY, ObjectFormat.OBJECT_HEADER_LENGTH,
                Arrays.copyOfRange(segment.bytes(), ObjectFormat.OBJECT_HEADER_LENGTH,
                        ObjectFormat.OBJECT_HEADER_LENGTH + segment.batchesLength()));
        assertThat(batches).extracting(b -> b.records().size()).containsExactly(3, 3, 3, 1, 2);
        List<LogRecord> all = batches.stream().flatMap(b -> b.records().stream()).toList();
        List<LogRecord> expected = new ArrayList<>(records(10, 300, 0));
        expected.addAll(records(2, 100, 10));
        assertThat(all).isEqualTo(expected);
    }

    @Test
    void aRangeCoversTheWantedRecordsAndLittleMore() {
        SegmentIndex.Segment segment = segment();
        SegmentIndex index = index(segment);

        SegmentIndex.Range one = index.range(4, Long.MAX_VALUE, 1);
        assertThat(one.offsetDelta()).as("the batch holding offset 4 starts at 3").isEqualTo(3);
        assertThat(one.records()).isEqualTo(3);

        SegmentIndex.Range exact = index.range(4, 600, Long.MAX_VALUE);
        assertThat(exact.offsetDelta()).isEqualTo(3);
        assertThat(exact.records()).as("records 4 and 5 are 600 bytes: the batch of 3-5 holds them").isEqualTo(3);

        SegmentIndex.Range bytes = index.range(4, 700, Long.MAX_VALUE);
        assertThat(bytes.offsetDelta()).isEqualTo(3);
        assertThat(bytes.records()).as("700 bytes from offset 4 reach into the batch of 6-8").isEqualTo(6);
        assertThat(bytes.length()).isEqualTo(2 * exact.length());

        SegmentIndex.Range rest = index.range(11, Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(rest.offsetDelta()).isEqualTo(10);
        assertThat(rest.records()).isEqualTo(2);
        assertThat(rest.position() + rest.length()).isEqualTo(segment.batchesLength());
    }

    @Test
    void aDamagedIndexIsRejected() {
        SegmentIndex.Segment segment = segment();
        int start = ObjectFormat.OBJECT_HEADER_LENGTH + segment.batchesLength();
        byte[] bytes = Arrays.copyOfRange(segment.bytes(), start, segment.bytes().length);

        byte[] badPoint = bytes.clone();
        badPoint[SegmentIndex.POINTS_OFFSET + SegmentIndex.POINT_LENGTH + 3] ^= 1;
        assertThatThrownBy(() -> SegmentIndex.decode(KEY, start, badPoint, segment.batchesLength(), 12))
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining("CRC32C");

        byte[] badMagic = bytes.clone();
        badMagic[SegmentIndex.MAGIC_OFFSET] ^= 1;
        assertThatThrownBy(() -> SegmentIndex.decode(KEY, start, badMagic, segment.batchesLength(), 12))
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining("magic");

        // Points out of order, with a CRC that matches them: still refused.
        byte[] swapped = bytes.clone();
        ByteBuffer buf = ByteBuffer.wrap(swapped);
        int second = SegmentIndex.POINTS_OFFSET + SegmentIndex.POINT_LENGTH;
        buf.putInt(second, 7);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(swapped, 0, swapped.length - SegmentIndex.CRC_LENGTH);
        buf.putInt(swapped.length - SegmentIndex.CRC_LENGTH, (int) crc.getValue());
        buf.putInt(second + SegmentIndex.POINT_LENGTH, 6);
        crc.reset();
        crc.update(swapped, 0, swapped.length - SegmentIndex.CRC_LENGTH);
        buf.putInt(swapped.length - SegmentIndex.CRC_LENGTH, (int) crc.getValue());
        assertThatThrownBy(() -> SegmentIndex.decode(KEY, start, swapped, segment.batchesLength(), 12))
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining("out of order");

        assertThatThrownBy(() -> SegmentIndex.decode(KEY, start, bytes, segment.batchesLength(), 5))
                .as("points beyond the entry's record count").isInstanceOf(CorruptObjectException.class);
    }

    /** The index without record bytes that segments were written with first ("SLIX"): still read. */
    private static byte[] firstVersion(byte[] index) {
        ByteBuffer in = ByteBuffer.wrap(index);
        int points = in.getInt(SegmentIndex.POINT_COUNT_OFFSET);
        ByteBuffer out = ByteBuffer.allocate(SegmentIndex.POINTS_OFFSET + points * SegmentIndex.POINT_LENGTH_V1
                + SegmentIndex.CRC_LENGTH);
        out.putInt(SegmentIndex.MAGIC_V1).putInt(points);
        for (int i = 0; i < points; i++) {
            int at = SegmentIndex.POINTS_OFFSET + i * SegmentIndex.POINT_LENGTH;
            out.putInt(in.getInt(at)).putInt(in.getInt(at + SegmentIndex.POINT_OFFSET_DELTA_LENGTH));
        }
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    @Test
    void pointsCarryTheirBatchesRecordBytesAndAFirstVersionIndexStillReads() {
        SegmentIndex.Segment segment = segment();
        int start = ObjectFormat.OBJECT_HEADER_LENGTH + segment.batchesLength();
        byte[] bytes = Arrays.copyOfRange(segment.bytes(), start, segment.bytes().length);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        assertThat(buf.getInt(SegmentIndex.MAGIC_OFFSET)).isEqualTo(SegmentIndex.MAGIC);
        List<Integer> recordBytes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            recordBytes.add(buf.getInt(SegmentIndex.POINTS_OFFSET + i * SegmentIndex.POINT_LENGTH
                    + SegmentIndex.POINT_LENGTH_V1));
        }
        assertThat(recordBytes).containsExactly(900, 900, 900, 300, 200);

        byte[] old = firstVersion(bytes);
        assertThat(old.length).isEqualTo(bytes.length - 5 * SegmentIndex.POINT_RECORD_BYTES_LENGTH);
        SegmentIndex current = index(segment);
        SegmentIndex first = SegmentIndex.decode(KEY, start, old, segment.batchesLength(), segment.recordCount());
        assertThat(first.points()).isEqualTo(5);
        for (long delta = 0; delta < 12; delta++) {
            for (long maxBytes : new long[] {1, 300, 600, 700, 1500, Long.MAX_VALUE}) {
                assertThat(first.range(delta, maxBytes, Long.MAX_VALUE))
                        .as("uncompressed records without headers: the estimate is exact (%d, %d)", delta, maxBytes)
                        .isEqualTo(current.range(delta, maxBytes, Long.MAX_VALUE));
            }
        }

        byte[] badPoint = old.clone();
        badPoint[SegmentIndex.POINTS_OFFSET + SegmentIndex.POINT_LENGTH_V1 + 3] ^= 1;
        assertThatThrownBy(() -> SegmentIndex.decode(KEY, start, badPoint, segment.batchesLength(), 12))
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining("CRC32C");
        assertThatThrownBy(() -> SegmentIndex.decode(KEY, start, Arrays.copyOf(old, old.length + 4),
                segment.batchesLength(), 12)).isInstanceOf(CorruptObjectException.class).hasMessageContaining("points");
    }
}
