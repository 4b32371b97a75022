package io.sluice.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.format.ObjectFormat.DecodedBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The object format against committed bytes ({@code golden-object-v1.hex}). The other format tests
 * round-trip through the codec, so they pass whatever layout the codec uses as long as it agrees with
 * itself; these fail when a field moves, changes width or changes meaning.
 *
 * <p>Positions here are literal numbers on purpose, not the codec's {@code *_OFFSET} constants: a test
 * that read a field through the constant it is checking would move with it.
 */
class GoldenBytesTest {

    private static final String KEY = "wal/golden.wal";
    private static final long T0 = 1_700_000_000_000L;

    /** The batch the golden file holds. */
    static List<LogRecord> batch() {
        return List.of(
                new LogRecord(T0, "k".getBytes(UTF_8), "v1".getBytes(UTF_8),
                        List.of(new RecordHeader("h", "x".getBytes(UTF_8)))),
                new LogRecord(T0 + 250, null, new byte[0], List.of()));
    }

    static byte[] golden() {
        try (InputStream in = GoldenBytesTest.class.getResourceAsStream("golden-object-v1.hex")) {
            assertThat(in).as("golden-object-v1.hex on the test classpath").isNotNull();
            StringBuilder hex = new StringBuilder();
            for (String line : new String(in.readAllBytes(), UTF_8).split("\n")) {
                int comment = line.indexOf('#');
                hex.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
            }
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] encoded() {
        ObjectFormat.Builder builder = new ObjectFormat.Builder();
        builder.addBatch(batch());
        return builder.build();
    }

    private static ByteBuffer goldenBuffer() {
        return ByteBuffer.wrap(golden());
    }

    @Test
    void encodingAFixedBatchGivesTheCommittedBytes() {
        assertThat(HexFormat.of().formatHex(encoded())).isEqualTo(HexFormat.of().formatHex(golden()));
    }

    @Test
    void committedBytesDecodeToTheFixedBatch() {
        List<DecodedBatch> decoded = ObjectFormat.decodeObject(KEY, golden());
        assertThat(decoded).hasSize(1);
        assertThat(decoded.get(0).position()).isEqualTo(5);
        assertThat(decoded.get(0).length()).isEqualTo(99);
        assertThat(decoded.get(0).maxTimestamp()).isEqualTo(T0 + 250);
        assertThat(decoded.get(0).records()).isEqualTo(batch());
    }

    @Test
    void batchLocationMatchesTheCommittedLayout() {
        ObjectFormat.BatchLocation location = new ObjectFormat.Builder().addBatch(batch());
        assertThat(location.position()).isEqualTo(5);
        assertThat(location.length()).isEqualTo(99);
        assertThat(location.recordCount()).isEqualTo(2);
        assertThat(location.maxTimestamp()).isEqualTo(T0 + 250);
    }

    // One test per field: the value the committed bytes hold at its position, and the same value in what
    // the codec writes today.

    @Test
    void magicIsBytes0To3() {
        assertThat(goldenBuffer().getInt(0)).isEqualTo(0x534C4345);
        assertThat(ByteBuffer.wrap(encoded()).getInt(0)).isEqualTo(0x534C4345);
        assertThat(ObjectFormat.MAGIC).isEqualTo(0x534C4345);
    }

    @Test
    void versionIsByte4() {
        assertThat(goldenBuffer().get(4)).isEqualTo((byte) 1);
        assertThat(ByteBuffer.wrap(encoded()).get(4)).isEqualTo((byte) 1);
        assertThat(ObjectFormat.OBJECT_HEADER_LENGTH).isEqualTo(5);
    }

    @Test
    void batchLengthIsBytes5To8AndCountsTheBytesAfterIt() {
        assertThat(goldenBuffer().getInt(5)).isEqualTo(95);
        assertThat(ByteBuffer.wrap(encoded()).getInt(5)).isEqualTo(95);
        assertThat(golden()).hasSize(5 + 4 + 95);
    }

    @Test
    void crcIsBytes9To12AndCoversAttributesToTheEndOfTheBatch() {
        byte[] golden = golden();
        CRC32C crc = new CRC32C();
        crc.update(golden, 13, golden.length - 13);
        assertThat(Integer.toUnsignedLong(ByteBuffer.wrap(golden).getInt(9))).isEqualTo(crc.getValue());
        assertThat(ByteBuffer.wrap(encoded()).getInt(9)).isEqualTo(ByteBuffer.wrap(golden).getInt(9));
    }

    @Test
    void attributesAreBytes13To14() {
        assertThat(goldenBuffer().getShort(13)).isEqualTo((short) CompressionCodec.NONE.id());
        assertThat(ByteBuffer.wrap(encoded()).getShort(13)).isEqualTo((short) 0);
    }

    @Test
    void recordCountIsBytes15To18() {
        assertThat(goldenBuffer().getInt(15)).isEqualTo(2);
        assertThat(ByteBuffer.wrap(encoded()).getInt(15)).isEqualTo(2);
    }

    @Test
    void baseTimestampIsBytes19To26AndIsTheFirstRecords() {
        assertThat(goldenBuffer().getLong(19)).isEqualTo(T0);
        assertThat(ByteBuffer.wrap(encoded()).getLong(19)).isEqualTo(T0);
    }

    @Test
    void maxTimestampIsBytes27To34AndIsTheLargest() {
        assertThat(goldenBuffer().getLong(27)).isEqualTo(T0 + 250);
        assertThat(ByteBuffer.wrap(encoded()).getLong(27)).isEqualTo(T0 + 250);
        assertThat(ObjectFormat.decodeObject(KEY, golden()).get(0).maxTimestamp()).isEqualTo(T0 + 250);
    }

    @Test
    void recordsStartAtByte35() {
        assertThat(ObjectFormat.BATCH_OVERHEAD).isEqualTo(30);
        assertThat(goldenBuffer().getInt(35)).isEqualTo(37);
        assertThat(ByteBuffer.wrap(encoded()).getInt(35)).isEqualTo(37);
    }

    @Test
    void recordFieldsSitInOrderLengthOffsetDeltaTimestampDeltaKeyValueHeaders() {
        for (ByteBuffer buf : List.of(goldenBuffer(), ByteBuffer.wrap(encoded()))) {
            buf.position(35);
            assertThat(buf.getInt()).as("record 0 Length").isEqualTo(37);
            assertThat(buf.getInt()).as("record 0 OffsetDelta").isEqualTo(0);
            assertThat(buf.getLong()).as("record 0 TimestampDelta").isEqualTo(0);
            assertThat(buf.getInt()).as("record 0 KeyLength").isEqualTo(1);
            assertThat(buf.get()).as("record 0 Key").isEqualTo((byte) 'k');
            assertThat(buf.getInt()).as("record 0 ValueLength").isEqualTo(2);
            assertThat(buf.getShort()).as("record 0 Value").isEqualTo((short) (('v' << 8) | '1'));
            assertThat(buf.getInt()).as("record 0 HeaderCount").isEqualTo(1);
            assertThat(buf.getInt()).as("header KeyLength").isEqualTo(1);
            assertThat(buf.get()).as("header Key").isEqualTo((byte) 'h');
            assertThat(buf.getInt()).as("header ValueLength").isEqualTo(1);
            assertThat(buf.get()).as("header Value").isEqualTo((byte) 'x');

            assertThat(buf.position()).isEqualTo(76);
            assertThat(buf.getInt()).as("record 1 Length").isEqualTo(24);
            assertThat(buf.getInt()).as("record 1 OffsetDelta").isEqualTo(1);
            assertThat(buf.getLong()).as("record 1 TimestampDelta").isEqualTo(250);
            assertThat(buf.getInt()).as("record 1 KeyLength, null key").isEqualTo(-1);
            assertThat(buf.getInt()).as("record 1 ValueLength, empty value").isEqualTo(0);
            assertThat(buf.getInt()).as("record 1 HeaderCount").isEqualTo(0);
            assertThat(buf.remaining()).isZero();
        }
    }
}
