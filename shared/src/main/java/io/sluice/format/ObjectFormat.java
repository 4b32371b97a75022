package io.sluice.format;

import io.sluice.error.CorruptObjectException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte layout of Sluice's S3 objects, both WAL objects ({@code wal/.../<ulid>.wal}, one per produce
 * call, holding one batch for each partition that call touched) and segments ({@code seg/...}, one
 * partition's consecutive batches). All integers are big-endian.
 *
 * <pre>
 * Object =>
 *   Magic => Int32            0x534C4345, "SLCE"
 *   Version => Int8           1
 *   Batches => [Batch]        back to back until the end of the object
 *
 * Batch =>
 *   Length => Int32           bytes of the batch after this field
 *   Crc => Uint32             CRC32C of every byte from Attributes to the end of the batch
 *   Attributes => Int16       bits 0-2: compression codec of Records ({@link CompressionCodec}: 0 none,
 *                             1 gzip, 3 lz4, 4 zstd); other bits 0
 *   RecordCount => Int32      at least 1
 *   BaseTimestamp => Int64    timestamp of the first record, epoch millis
 *   MaxTimestamp => Int64     largest record timestamp in the batch
 *   Records => [Record]       codec none: RecordCount records, in offset order
 *            | Compressed     any other codec
 *
 * Compressed =>
 *   UncompressedLength => Int32   bytes of [Record] once decompressed, 1 to MAX_UNCOMPRESSED_RECORDS_BYTES
 *   Data => Bytes                 [Record] compressed with the codec, to the end of the batch
 *
 * Record =>
 *   Length => Int32           bytes of the record after this field
 *   OffsetDelta => Int32      offset minus the batch's first offset; always the record's index
 *   TimestampDelta => Int64   timestamp minus BaseTimestamp (may be negative)
 *   KeyLength => Int32        -1 for a null key
 *   Key => Bytes
 *   ValueLength => Int32      -1 for a null value
 *   Value => Bytes
 *   HeaderCount => Int32
 *   Headers => [Header]
 *
 * Header =>
 *   KeyLength => Int32
 *   Key => UTF-8 bytes
 *   ValueLength => Int32      -1 for a null value
 *   Value => Bytes
 * </pre>
 *
 * <p>A batch carries no absolute offset and no partition: the index entry that points at its byte range
 * gives both, so one object can be written before offsets are assigned (they are assigned at commit).
 *
 * <p>A batch is compressed once, when it is produced, and stored and served compressed; a reader
 * decompresses. The header fields stay uncompressed, so compaction and the offset index work on any codec,
 * and one segment may hold batches of several codecs. A batch that would not shrink is stored uncompressed.
 * A reader checks the declared UncompressedLength against the limit before it allocates, and the data must
 * decompress to exactly that many bytes.
 *
 * <p>The CRC covers Attributes to the end, like Kafka's {@code DefaultRecordBatch}: for a compressed batch
 * it covers the stored, compressed bytes, and is checked before anything is decompressed. The Length in front
 * of it is checked another way: a reader always knows the byte range it asked for from the index entry,
 * and a Length that does not fill that range exactly is corruption.
 */
public final class ObjectFormat {

    public static final int MAGIC = 0x534C4345;
    public static final byte VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int MAGIC_LENGTH = 4;
    static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    static final int VERSION_LENGTH = 1;
    /** Bytes before the first batch of an object. */
    public static final int OBJECT_HEADER_LENGTH = VERSION_OFFSET + VERSION_LENGTH;

    static final int LENGTH_OFFSET = 0;
    static final int LENGTH_LENGTH = 4;
    static final int CRC_OFFSET = LENGTH_OFFSET + LENGTH_LENGTH;
    static final int CRC_LENGTH = 4;
    static final int ATTRIBUTES_OFFSET = CRC_OFFSET + CRC_LENGTH;
    static final int ATTRIBUTES_LENGTH = 2;
    static final int RECORD_COUNT_OFFSET = ATTRIBUTES_OFFSET + ATTRIBUTES_LENGTH;
    static final int RECORD_COUNT_LENGTH = 4;
    static final int BASE_TIMESTAMP_OFFSET = RECORD_COUNT_OFFSET + RECORD_COUNT_LENGTH;
    static final int BASE_TIMESTAMP_LENGTH = 8;
    static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + BASE_TIMESTAMP_LENGTH;
    static final int MAX_TIMESTAMP_LENGTH = 8;
    static final int RECORDS_OFFSET = MAX_TIMESTAMP_OFFSET + MAX_TIMESTAMP_LENGTH;
    /** Bytes a batch adds around its records. */
    public static final int BATCH_OVERHEAD = RECORDS_OFFSET;

    static final int RECORD_LENGTH_LENGTH = 4;
    static final int OFFSET_DELTA_LENGTH = 4;
    static final int TIMESTAMP_DELTA_LENGTH = 8;
    static final int BYTES_LENGTH_LENGTH = 4;
    static final int HEADER_COUNT_LENGTH = 4;
    static final int UNCOMPRESSED_LENGTH_LENGTH = 4;
    /** Bits of the attributes that hold the codec. */
    static final int CODEC_MASK = 0x7;
    /**
     * The most bytes a compressed batch's records may declare: a produce request carries at most 6 MB, and a
     * compacted batch at most one record of 4 MiB; a larger declaration is corruption (or a bomb), refused
     * before any memory is allocated for it.
     */
    public static final int MAX_UNCOMPRESSED_RECORDS_BYTES = 16 << 20;
    /** The smallest encoded record: a null key, a null value, no headers. */
    static final int MIN_RECORD_LENGTH = RECORD_LENGTH_LENGTH + OFFSET_DELTA_LENGTH + TIMESTAMP_DELTA_LENGTH
            + 2 * BYTES_LENGTH_LENGTH + HEADER_COUNT_LENGTH;

    private ObjectFormat() {
    }

    /**
     * The most record bytes ({@link LogRecord#sizeInBytes()}: keys, values, header keys and values) that
     * {@code byteLength} bytes of whole uncompressed batches holding {@code recordCount} records can carry: every
     * batch adds {@link #BATCH_OVERHEAD} bytes and every record at least {@link #MIN_RECORD_LENGTH} around them.
     * Compressed batches have no such bound (they may carry many times their stored bytes).
     */
    public static long maxUncompressedRecordBytes(long byteLength, long recordCount) {
        return Math.max(0, byteLength - BATCH_OVERHEAD - recordCount * MIN_RECORD_LENGTH);
    }

    /** Where one batch sits in an object being built, and what it holds. */
    public record BatchLocation(long position, int length, int recordCount, long maxTimestamp) {
    }

    /**
     * A batch read back: where it was, its stored length, its newest timestamp, its records in offset
     * order, and the codec it was stored with.
     */
    public record DecodedBatch(long position, int length, long maxTimestamp, List<LogRecord> records,
                               CompressionCodec codec) {
    }

    /** Builds one object: the header, then batches appended in order. */
    public static final class Builder {
        private final List<byte[]> batches = new ArrayList<>();
        private long size = OBJECT_HEADER_LENGTH;

        /** Appends an uncompressed batch of the given records and says where it will sit in the object. */
        public BatchLocation addBatch(List<LogRecord> records) {
            return addBatch(records, CompressionCodec.NONE);
        }

        /** Appends a batch of the given records compressed with {@code codec}, and says where it will sit. */
        public BatchLocation addBatch(List<LogRecord> records, CompressionCodec codec) {
            byte[] batch = encodeBatch(records, codec);
            BatchLocation location = new BatchLocation(size, batch.length, records.size(), maxTimestamp(records));
            batches.add(batch);
            size += batch.length;
            return location;
        }

        /**
         * Appends whole batches exactly as they were read from another object and checked (compaction
         * copies bytes as they are); answers where they start.
         */
        public long addEncodedBatches(byte[] batches) {
            long position = size;
            this.batches.add(batches.clone());
            size += batches.length;
            return position;
        }

        public long size() {
            return size;
        }

        public byte[] build() {
            if (size > Integer.MAX_VALUE) {
                throw new IllegalStateException("object too large: " + size + " bytes");
            }
            ByteBuffer out = ByteBuffer.allocate((int) size);
            out.putInt(MAGIC).put(VERSION);
            batches.forEach(out::put);
            return out.array();
        }
    }

    /** Encodes one batch, uncompressed. */
    public static byte[] encodeBatch(List<LogRecord> records) {
        return encodeBatch(records, CompressionCodec.NONE);
    }

    /**
     * Encodes one batch with its records compressed by {@code codec}; uncompressed when that would not make
     * it smaller, or when the records exceed {@link #MAX_UNCOMPRESSED_RECORDS_BYTES}.
     */
    public static byte[] encodeBatch(List<LogRecord> records, CompressionCodec codec) {
        byte[] plain = encodePlainBatch(records);
        int recordsSize = plain.length - RECORDS_OFFSET;
        if (codec == CompressionCodec.NONE || recordsSize > MAX_UNCOMPRESSED_RECORDS_BYTES) {
            return plain;
        }
        byte[] data = codec.compress(plain, RECORDS_OFFSET, recordsSize);
        if (UNCOMPRESSED_LENGTH_LENGTH + data.length >= recordsSize) {
            return plain;
        }
        ByteBuffer buf = ByteBuffer.allocate(RECORDS_OFFSET + UNCOMPRESSED_LENGTH_LENGTH + data.length);
        buf.put(plain, 0, RECORDS_OFFSET);
        buf.putInt(LENGTH_OFFSET, buf.capacity() - LENGTH_LENGTH);
        buf.putShort(ATTRIBUTES_OFFSET, (short) codec.id());
        buf.putInt(RECORDS_OFFSET, recordsSize);
        buf.put(RECORDS_OFFSET + UNCOMPRESSED_LENGTH_LENGTH, data);
        buf.putInt(CRC_OFFSET, (int) crc(buf.array(), ATTRIBUTES_OFFSET, buf.capacity() - ATTRIBUTES_OFFSET));
        return buf.array();
    }

    private static byte[] encodePlainBatch(List<LogRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one record");
        }
        long baseTimestamp = records.get(0).timestamp();
        int recordsSize = 0;
        for (LogRecord record : records) {
            recordsSize += RECORD_LENGTH_LENGTH + recordBodySize(record);
        }
        ByteBuffer buf = ByteBuffer.allocate(RECORDS_OFFSET + recordsSize);
        buf.putInt(LENGTH_OFFSET, buf.capacity() - LENGTH_LENGTH);
        buf.putShort(ATTRIBUTES_OFFSET, (short) CompressionCodec.NONE.id());
        buf.putInt(RECORD_COUNT_OFFSET, records.size());
        buf.putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp);
        buf.putLong(MAX_TIMESTAMP_OFFSET, maxTimestamp(records));
        buf.position(RECORDS_OFFSET);
        for (int i = 0; i < records.size(); i++) {
            LogRecord record = records.get(i);
            buf.putInt(recordBodySize(record));
            buf.putInt(i);
            buf.putLong(record.timestamp() - baseTimestamp);
            putBytes(buf, record.key());
            putBytes(buf, record.value());
            buf.putInt(record.headers().size());
            for (RecordHeader header : record.headers()) {
                putBytes(buf, header.key().getBytes(StandardCharsets.UTF_8));
                putBytes(buf, header.value());
            }
        }
        buf.putInt(CRC_OFFSET, (int) crc(buf.array(), ATTRIBUTES_OFFSET, buf.capacity() - ATTRIBUTES_OFFSET));
        return buf.array();
    }

    /**
     * Checks the object header of a whole object and decodes every batch in it.
     *
     * @throws CorruptObjectException naming {@code objectKey} and the damaged position
     */
    public static List<DecodedBatch> decodeObject(String objectKey, byte[] object) {
        if (object.length < OBJECT_HEADER_LENGTH) {
            throw new CorruptObjectException(objectKey, 0, "object of " + object.length + " bytes has no header");
        }
        ByteBuffer buf = ByteBuffer.wrap(object);
        int magic = buf.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new CorruptObjectException(objectKey, MAGIC_OFFSET, "bad magic 0x" + Integer.toHexString(magic));
        }
        byte version = buf.get(VERSION_OFFSET);
        if (version != VERSION) {
            throw new CorruptObjectException(objectKey, VERSION_OFFSET, "unknown version " + version);
        }
        return decodeBatches(objectKey, OBJECT_HEADER_LENGTH,
                Arrays.copyOfRange(object, OBJECT_HEADER_LENGTH, object.length));
    }

    /**
     * Decodes the batches that exactly fill {@code range}, a byte range read from {@code objectKey}
     * starting at {@code position}. Every batch's CRC is checked before any record is returned.
     *
     * @throws CorruptObjectException naming {@code objectKey} and the damaged position
     */
    public static List<DecodedBatch> decodeBatches(String objectKey, long position, byte[] range) {
        List<DecodedBatch> batches = new ArrayList<>();
        int start = 0;
        while (start < range.length) {
            long batchPosition = position + start;
            if (range.length - start < RECORDS_OFFSET) {
                throw new CorruptObjectException(objectKey, batchPosition,
                        "truncated batch: " + (range.length - start) + " bytes left, header needs " + RECORDS_OFFSET);
            }
            ByteBuffer buf = ByteBuffer.wrap(range, start, range.length - start).slice();
            int length = buf.getInt(LENGTH_OFFSET);
            if (length < RECORDS_OFFSET - LENGTH_LENGTH || length > buf.capacity() - LENGTH_LENGTH) {
                throw new CorruptObjectException(objectKey, batchPosition,
                        "batch length " + length + " does not fit the " + buf.capacity() + " bytes read");
            }
            int batchSize = length + LENGTH_LENGTH;
            batches.add(decodeBatch(objectKey, batchPosition, buf.slice(0, batchSize)));
            start += batchSize;
        }
        return batches;
    }

    private static DecodedBatch decodeBatch(String objectKey, long position, ByteBuffer buf) {
        long storedCrc = Integer.toUnsignedLong(buf.getInt(CRC_OFFSET));
        long computedCrc = crc(buf, ATTRIBUTES_OFFSET, buf.capacity() - ATTRIBUTES_OFFSET);
        if (storedCrc != computedCrc) {
            throw new CorruptObjectException(objectKey, position,
                    "batch CRC32C mismatch: stored " + storedCrc + ", computed " + computedCrc);
        }
        int attributes = buf.getShort(ATTRIBUTES_OFFSET);
        CompressionCodec codec;
        try {
            if ((attributes & ~CODEC_MASK) != 0) {
                throw new IllegalArgumentException("unknown attribute bits");
            }
            codec = CompressionCodec.forId(attributes & CODEC_MASK);
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(objectKey, position + ATTRIBUTES_OFFSET,
                    "unsupported batch attributes 0x" + Integer.toHexString(attributes));
        }
        int count = buf.getInt(RECORD_COUNT_OFFSET);
        if (count < 1) {
            throw new CorruptObjectException(objectKey, position + RECORD_COUNT_OFFSET, "record count " + count);
        }
        long baseTimestamp = buf.getLong(BASE_TIMESTAMP_OFFSET);
        long maxTimestamp = buf.getLong(MAX_TIMESTAMP_OFFSET);
        int storedLength = buf.capacity();
        if (codec != CompressionCodec.NONE) {
            buf = ByteBuffer.wrap(decompress(objectKey, position, buf, codec, count));
            buf.position(0);
        } else {
            buf.position(RECORDS_OFFSET);
        }
        List<LogRecord> records = new ArrayList<>(Math.min(count, 1 << 16));
        try {
            for (int i = 0; i < count; i++) {
                int recordStart = buf.position();
                int recordLength = buf.getInt();
                int recordEnd = buf.position() + recordLength;
                if (recordLength < 0 || recordEnd > buf.limit()) {
                    throw new CorruptObjectException(objectKey, at(position, codec, recordStart),
                            "record length " + recordLength + " overruns the batch");
                }
                int offsetDelta = buf.getInt();
                if (offsetDelta != i) {
                    throw new CorruptObjectException(objectKey, at(position, codec, recordStart),
                            "record " + i + " has offset delta " + offsetDelta);
                }
                long timestamp = baseTimestamp + buf.getLong();
                byte[] key = getBytes(buf);
                byte[] value = getBytes(buf);
                int headerCount = buf.getInt();
                if (headerCount < 0) {
                    throw new CorruptObjectException(objectKey, at(position, codec, recordStart), "header count " + headerCount);
                }
                // No list to allocate (and for LogRecord to copy) for a record without headers, the common case.
                List<RecordHeader> headers = headerCount == 0 ? List.of() : new ArrayList<>(Math.min(headerCount, 64));
                for (int h = 0; h < headerCount; h++) {
                    byte[] headerKey = getBytes(buf);
                    if (headerKey == null) {
                        throw new CorruptObjectException(objectKey, at(position, codec, recordStart), "null header key");
                    }
                    headers.add(new RecordHeader(new String(headerKey, StandardCharsets.UTF_8), getBytes(buf)));
                }
                if (buf.position() != recordEnd) {
                    throw new CorruptObjectException(objectKey, at(position, codec, recordStart),
                            "record body does not match its length " + recordLength);
                }
                records.add(new LogRecord(timestamp, key, value, headers));
            }
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptObjectException(objectKey, position, "malformed records: " + e);
        }
        if (buf.position() != buf.limit()) {
            throw new CorruptObjectException(objectKey, at(position, codec, buf.position()),
                    (buf.limit() - buf.position()) + " stray bytes after the last record");
        }
        return new DecodedBatch(position, storedLength, maxTimestamp, java.util.Collections.unmodifiableList(records),
                codec);
    }

    /**
     * The object position of {@code offset} in a batch's records: exact in an uncompressed batch; in a
     * compressed one, that of its compressed data (the offset is into the decompressed bytes).
     */
    private static long at(long batchPosition, CompressionCodec codec, int offset) {
        return codec == CompressionCodec.NONE ? batchPosition + offset
                : batchPosition + RECORDS_OFFSET + UNCOMPRESSED_LENGTH_LENGTH;
    }

    /**
     * The records section of a compressed batch, decompressed: its declared length checked against the
     * limit, and against the least {@code count} records can take, before anything is allocated.
     */
    private static byte[] decompress(String objectKey, long position, ByteBuffer batch, CompressionCodec codec,
                                     int count) {
        if (batch.capacity() < RECORDS_OFFSET + UNCOMPRESSED_LENGTH_LENGTH) {
            throw new CorruptObjectException(objectKey, position + RECORDS_OFFSET,
                    codec.configName() + " batch has no uncompressed length");
        }
        int declared = batch.getInt(RECORDS_OFFSET);
        if (declared < 1 || declared > MAX_UNCOMPRESSED_RECORDS_BYTES || (long) count * MIN_RECORD_LENGTH > declared) {
            throw new CorruptObjectException(objectKey, position + RECORDS_OFFSET, codec.configName()
                    + " batch declares " + declared + " uncompressed bytes for " + count + " records (at most "
                    + MAX_UNCOMPRESSED_RECORDS_BYTES + ")");
        }
        int dataOffset = RECORDS_OFFSET + UNCOMPRESSED_LENGTH_LENGTH;
        byte[] data = new byte[batch.capacity() - dataOffset];
        batch.get(dataOffset, data);
        try {
            return codec.decompress(data, 0, data.length, declared);
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException(objectKey, position + dataOffset, e.getMessage());
        }
    }

    private static int recordBodySize(LogRecord record) {
        int size = OFFSET_DELTA_LENGTH + TIMESTAMP_DELTA_LENGTH
                + BYTES_LENGTH_LENGTH + length(record.key())
                + BYTES_LENGTH_LENGTH + length(record.value())
                + HEADER_COUNT_LENGTH;
        for (RecordHeader header : record.headers()) {
            size += BYTES_LENGTH_LENGTH + header.key().getBytes(StandardCharsets.UTF_8).length
                    + BYTES_LENGTH_LENGTH + length(header.value());
        }
        return size;
    }

    private static long maxTimestamp(List<LogRecord> records) {
        long max = Long.MIN_VALUE;
        for (LogRecord record : records) {
            max = Math.max(max, record.timestamp());
        }
        return max;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer buf, byte[] bytes) {
        if (bytes == null) {
            buf.putInt(-1);
        } else {
            buf.putInt(bytes.length).put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer buf) {
        int length = buf.getInt();
        if (length == -1) {
            return null;
        }
        if (length < -1 || length > buf.remaining()) {
            throw new IllegalArgumentException("byte field length " + length + " with " + buf.remaining() + " left");
        }
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }

    private static long crc(ByteBuffer buf, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(offset, length));
        return crc.getValue();
    }
}
