package io.sluice.log;

import io.sluice.format.RecordHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The checksum an idempotent producer's batch is remembered by, beside its sequences: a CRC32C of its
 * records as the producer sent them, so that a retry (the same records) is told from a different batch
 * that reuses the sequences. Server-assigned values (offsets, the timestamp of a record sent without
 * one) are left out, so a retry at another time still matches. Per record, in order:
 *
 * <pre>
 * Record =>
 *   Timestamp => Int8 0 | Int8 1 Int64     absent, or the producer's timestamp
 *   Key => Int32 -1 | Int32 n Bytes        null, or its length and bytes
 *   Value => Int32 n Bytes
 *   HeaderCount => Int32
 *   Headers => [Int32 n UTF8 Key, Int32 -1 | Int32 m Bytes Value]
 * </pre>
 *
 * A CRC32C of 32 bits takes a different batch for a retry with probability 2^-32, and only when its
 * sequences also match a remembered batch, which a producer following KIP-360 never sends.
 */
final class BatchChecksum {

    private static final int NULL_LENGTH = -1;

    private BatchChecksum() {
    }

    static int of(List<ProduceRecord> records) {
        CRC32C crc = new CRC32C();
        ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES + 1);
        for (ProduceRecord record : records) {
            scratch.clear();
            if (record.timestamp() == null) {
                scratch.put((byte) 0);
            } else {
                scratch.put((byte) 1).putLong(record.timestamp());
            }
            crc.update(scratch.array(), 0, scratch.position());
            bytes(crc, scratch, record.key());
            bytes(crc, scratch, record.value());
            integer(crc, scratch, record.headers().size());
            for (RecordHeader header : record.headers()) {
                bytes(crc, scratch, header.key().getBytes(StandardCharsets.UTF_8));
                bytes(crc, scratch, header.value());
            }
        }
        return (int) crc.getValue();
    }

    private static void bytes(CRC32C crc, ByteBuffer scratch, byte[] bytes) {
        integer(crc, scratch, bytes == null ? NULL_LENGTH : bytes.length);
        if (bytes != null) {
            crc.update(bytes);
        }
    }

    private static void integer(CRC32C crc, ByteBuffer scratch, int value) {
        scratch.clear();
        scratch.putInt(value);
        crc.update(scratch.array(), 0, Integer.BYTES);
    }
}
