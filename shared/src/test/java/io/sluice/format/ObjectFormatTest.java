package io.sluice.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.CorruptObjectException;
import io.sluice.format.ObjectFormat.BatchLocation;
import io.sluice.format.ObjectFormat.DecodedBatch;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectFormatTest {

    private static final String KEY = "wal/2026/11/24/20/01JABC.wal";

    private static List<LogRecord> records() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        return List.of(
                new LogRecord(1_700_000_000_000L, "k1".getBytes(UTF_8), "v1".getBytes(UTF_8), List.of()),
                new LogRecord(1_699_999_999_000L, null, binary,
                        List.of(new RecordHeader("trace", "abc".getBytes(UTF_8)), new RecordHeader("empty", null))),
                new LogRecord(1_700_000_000_500L, new byte[0], new byte[0], List.of()));
    }

    @Test
    void batchesRoundTripThroughAnObject() {
        ObjectFormat.Builder builder = new ObjectFormat.Builder();
        BatchLocation first = builder.addBatch(records());
        BatchLocation second = builder.addBatch(records().subList(0, 1));
        byte[] object = builder.build();

        assertThat(first.position()).isEqualTo(ObjectFormat.OBJECT_HEADER_LENGTH);
        assertThat(second.position()).isEqualTo(first.position() + first.length());
        assertThat(object).hasSize((int) (second.position() + second.length()));
        assertThat(first.recordCount()).isEqualTo(3);
        assertThat(first.maxTimestamp()).isEqualTo(1_700_000_000_500L);

        List<DecodedBatch> decoded = ObjectFormat.decodeObject(KEY, object);
        assertThat(decoded).hasSize(2);
        assertThat(decoded.get(0).records()).isEqualTo(records());
        assertThat(decoded.get(0).maxTimestamp()).isEqualTo(1_700_000_000_500L);
        assertThat(decoded.get(1).records()).isEqualTo(records().subList(0, 1));

        byte[] range = Arrays.copyOfRange(object, (int) second.position(), object.length);
        assertThat(ObjectFormat.decodeBatches(KEY, second.position(), range).get(0).records())
                .isEqualTo(records().subList(0, 1));
    }

    @Test
    void everySingleByteFlipInABatchIsRejected() {
        byte[] batch = ObjectFormat.encodeBatch(records());
        for (int i = 0; i < batch.length; i++) {
            byte[] damaged = batch.clone();
            damaged[i] ^= 0x01;
            int position = i;
            assertThatThrownBy(() -> ObjectFormat.decodeBatches(KEY, 100, damaged))
                    .as("flip at byte %d", position)
                    .isInstanceOfSatisfying(CorruptObjectException.class, e -> {
                        assertThat(e.objectKey()).isEqualTo(KEY);
                        assertThat(e.position()).isGreaterThanOrEqualTo(100);
                        assertThat(e.getMessage()).contains(KEY);
                    });
        }
    }

    @Test
    void eachNamedFieldIsProtected() {
        byte[] batch = ObjectFormat.encodeBatch(records());
        Map<String, Integer> fields = Map.of(
                "Length", ObjectFormat.LENGTH_OFFSET,
                "Crc", ObjectFormat.CRC_OFFSET,
                "Attributes", ObjectFormat.ATTRIBUTES_OFFSET,
                "RecordCount", ObjectFormat.RECORD_COUNT_OFFSET,
                "BaseTimestamp", ObjectFormat.BASE_TIMESTAMP_OFFSET,
                "MaxTimestamp", ObjectFormat.MAX_TIMESTAMP_OFFSET,
                "Records", ObjectFormat.RECORDS_OFFSET);
        fields.forEach((name, offset) -> {
            byte[] damaged = batch.clone();
            damaged[offset + 1] ^= (byte) 0x40;
            assertThatThrownBy(() -> ObjectFormat.decodeBatches(KEY, 0, damaged)).as(name)
                    .isInstanceOf(CorruptObjectException.class);
        });
    }

    @Test
    void crcMismatchReportsStoredAndComputed() {
        byte[] batch = ObjectFormat.encodeBatch(records());
        batch[ObjectFormat.RECORDS_OFFSET + 10] ^= 0x7f;
        assertThatThrownBy(() -> ObjectFormat.decodeBatches(KEY, 42, batch))
                .isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("at byte 42")
                .hasMessageContaining("stored")
                .hasMessageContaining("computed");
    }

    @Test
    void truncatedRangeIsRejected() {
        byte[] batch = ObjectFormat.encodeBatch(records());
        assertThatThrownBy(() -> ObjectFormat.decodeBatches(KEY, 0, Arrays.copyOf(batch, batch.length - 1)))
                .isInstanceOf(CorruptObjectException.class);
        assertThatThrownBy(() -> ObjectFormat.decodeBatches(KEY, 0, Arrays.copyOf(batch, 10)))
                .isInstanceOf(CorruptObjectException.class);
    }

    @Test
    void badObjectHeaderIsRejected() {
        ObjectFormat.Builder builder = new ObjectFormat.Builder();
        builder.addBatch(records());
        byte[] object = builder.build();
        byte[] badMagic = object.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> ObjectFormat.decodeObject(KEY, badMagic)).hasMessageContaining("magic");
        byte[] badVersion = object.clone();
        badVersion[ObjectFormat.VERSION_OFFSET] = 9;
        assertThatThrownBy(() -> ObjectFormat.decodeObject(KEY, badVersion)).hasMessageContaining("version");
    }

    @Test
    void emptyBatchIsRefused() {
        assertThatThrownBy(() -> ObjectFormat.encodeBatch(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownCodecIdIsRefused() {
        assertThat(CompressionCodec.forId(0)).isEqualTo(CompressionCodec.NONE);
        assertThatThrownBy(() -> CompressionCodec.forId(5)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The bound read-ahead relies on: exact for one batch of records without headers, never below the records. */
    @Test
    void uncompressedBatchesCarryAtMostTheirBoundInRecordBytes() {
        List<LogRecord> plain = List.of(new LogRecord(1L, null, new byte[1024], List.of()),
                new LogRecord(2L, "key".getBytes(UTF_8), new byte[7], List.of()));
        int plainBytes = plain.stream().mapToInt(LogRecord::sizeInBytes).sum();
        assertThat(ObjectFormat.maxUncompressedRecordBytes(ObjectFormat.encodeBatch(plain).length, plain.size()))
                .isEqualTo(plainBytes);

        int withHeaders = records().stream().mapToInt(LogRecord::sizeInBytes).sum();
        long twoBatches = ObjectFormat.encodeBatch(records()).length + ObjectFormat.encodeBatch(plain).length;
        assertThat(ObjectFormat.maxUncompressedRecordBytes(twoBatches, records().size() + plain.size()))
                .isGreaterThanOrEqualTo(withHeaders + plainBytes);
    }
}
