package io.sluice.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The head's producer states as one binary attribute. Every produce reads and writes the head, so every
 * byte here is paid on every produce (a read unit per 4 KB, a write unit per 1 KB); the layout is built
 * to be small at the bound of 50 producers with 5 batches each. Integers are big-endian or varlongs.
 *
 * <pre>
 * ProducerStates =>
 *   Format => Int8                  2 (1: the same without ChecksumMask and Checksum, still read)
 *   Clock => Varlong                the newest lastWrite of any state, epoch millis (0 with no states)
 *   Count => Varlong                number of producers
 *   Producers => [Producer]         Count of them, by ascending producer id
 *
 * Producer =>
 *   ProducerId => Int64             fixed width: ids are random 63-bit numbers, a varlong would not save
 *   Epoch => Varlong
 *   Idle => Varlong                 Clock minus the state's lastWrite, millis
 *   BatchCount => Int8              0 to 5
 *   ChecksumMask => Int8            bit i set: the i-th batch (oldest first) carries a Checksum
 *   BaseSequence => Varlong         first sequence of the oldest batch; absent when BatchCount is 0
 *   Batches => [Batch]              BatchCount of them, oldest first
 *
 * Batch =>
 *   SequenceSpan => Varlong         lastSequence minus baseSequence: the batch's record count minus 1
 *   OffsetGap => Varlong            the oldest batch: its baseOffset; a later batch: its baseOffset minus
 *                                   the previous batch's last offset + 1 (records of others in between)
 *   Checksum => Int32               the batch's BatchChecksum (CRC32C of its records as sent); absent
 *                                   when its ChecksumMask bit is clear (batches remembered before format 2)
 *
 * Varlong => unsigned LEB128: 7 bits a byte, low bits first, the high bit set on all but the last byte.
 *            Every stored value is &gt;= 0, so a varlong is 1 to 9 bytes.
 * </pre>
 *
 * <p>A batch's baseSequence is not stored: it is the previous batch's lastSequence + 1, because a
 * producer's remembered batches on one partition are always contiguous (a gap is refused and a new epoch
 * starts over), and {@link #encode} refuses states that are not. Times are stored relative to the newest
 * one, so they cost 1 to 4 bytes instead of 6.
 *
 * <p>Heads written before this format carry the states as a JSON string under the same attribute name;
 * {@link #fromJson} still reads those, and the next commit of that head replaces them with this format.
 * Format 1, the same layout without checksums, is still read; its batches decode without a checksum
 * and are written back as such (mask bit clear) until they age out of the last 5.
 */
public final class ProducerStates {

    /** The leading format byte of {@link #encode}'s output. */
    public static final byte FORMAT = 2;
    /** The format before checksums: no ChecksumMask, no Checksum. Read, never written. */
    static final byte FORMAT_WITHOUT_CHECKSUMS = 1;

    static final int FORMAT_LENGTH = 1;
    static final int PRODUCER_ID_LENGTH = 8;
    static final int BATCH_COUNT_LENGTH = 1;
    static final int CHECKSUM_MASK_LENGTH = 1;
    static final int CHECKSUM_LENGTH = 4;
    /** The longest varlong of a value &gt;= 0: 63 bits at 7 bits a byte. */
    static final int MAX_VARLONG_LENGTH = 9;
    static final int MAX_BATCH_BYTES = MAX_VARLONG_LENGTH + MAX_VARLONG_LENGTH + CHECKSUM_LENGTH;
    /** The most one producer's state can take: id, epoch, idle, batch count, checksum mask, base sequence, batches. */
    public static final int MAX_PRODUCER_BYTES = PRODUCER_ID_LENGTH + MAX_VARLONG_LENGTH + MAX_VARLONG_LENGTH
            + BATCH_COUNT_LENGTH + CHECKSUM_MASK_LENGTH + MAX_VARLONG_LENGTH + ProducerState.MAX_BATCHES * MAX_BATCH_BYTES;
    static final int MAX_HEADER_BYTES = FORMAT_LENGTH + MAX_VARLONG_LENGTH + MAX_VARLONG_LENGTH;

    private static final int VARLONG_PAYLOAD_BITS = 7;
    private static final int VARLONG_PAYLOAD_MASK = 0x7F;
    private static final int VARLONG_CONTINUE = 0x80;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<Long, ProducerState>> TYPE = new TypeReference<>() {
    };

    private ProducerStates() {
    }

    /** The most bytes {@link #encode} can produce for {@code producers} states, whatever their values. */
    public static int maxEncodedBytes(int producers) {
        return MAX_HEADER_BYTES + producers * MAX_PRODUCER_BYTES;
    }

    /** The states in the layout above. */
    public static byte[] encode(Map<Long, ProducerState> producers) {
        TreeMap<Long, ProducerState> sorted = new TreeMap<>(producers);
        long clock = sorted.values().stream().mapToLong(ProducerState::lastWrite).max().orElse(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream(FORMAT_LENGTH + sorted.size() * 40);
        out.write(FORMAT);
        writeVarlong(out, clock);
        writeVarlong(out, sorted.size());
        sorted.forEach((producerId, state) -> {
            if (producerId < 0) {
                throw new IllegalArgumentException("producer id < 0: " + producerId);
            }
            writeLong(out, producerId);
            writeVarlong(out, state.epoch());
            writeVarlong(out, clock - state.lastWrite());
            List<ProducerState.SequencedBatch> batches = state.batches();
            if (batches.size() > ProducerState.MAX_BATCHES) {
                throw new IllegalArgumentException("producer " + producerId + " has " + batches.size() + " batches");
            }
            out.write(batches.size());
            int mask = 0;
            for (int b = 0; b < batches.size(); b++) {
                if (batches.get(b).checksum() != null) {
                    mask |= 1 << b;
                }
            }
            out.write(mask);
            ProducerState.SequencedBatch previous = null;
            for (ProducerState.SequencedBatch batch : batches) {
                if (previous == null) {
                    writeVarlong(out, batch.baseSequence());
                    writeVarlong(out, batch.lastSequence() - batch.baseSequence());
                    writeVarlong(out, batch.baseOffset());
                } else {
                    if (batch.baseSequence() != previous.lastSequence() + 1) {
                        throw new IllegalArgumentException("producer " + producerId + "'s batches are not contiguous: "
                                + previous + " then " + batch);
                    }
                    writeVarlong(out, batch.lastSequence() - batch.baseSequence());
                    writeVarlong(out, batch.baseOffset() - lastOffset(previous) - 1);
                }
                if (batch.checksum() != null) {
                    writeInt(out, batch.checksum());
                }
                previous = batch;
            }
        });
        return out.toByteArray();
    }

    /** The states {@link #encode} wrote. */
    public static Map<Long, ProducerState> decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte format = in.get();
            if (format != FORMAT && format != FORMAT_WITHOUT_CHECKSUMS) {
                throw new IllegalStateException("producer states of unknown format " + format);
            }
            long clock = readVarlong(in);
            long count = readVarlong(in);
            Map<Long, ProducerState> producers = new TreeMap<>();
            for (long i = 0; i < count; i++) {
                long producerId = in.getLong();
                long epoch = readVarlong(in);
                long lastWrite = clock - readVarlong(in);
                int batchCount = in.get();
                if (batchCount < 0 || batchCount > ProducerState.MAX_BATCHES) {
                    throw new IllegalStateException("producer " + producerId + " has " + batchCount + " batches");
                }
                int mask = format == FORMAT ? in.get() & 0xFF : 0;
                if (mask >>> batchCount != 0) {
                    throw new IllegalStateException("producer " + producerId + " has a checksum mask " + mask
                            + " for " + batchCount + " batches");
                }
                List<ProducerState.SequencedBatch> batches = new ArrayList<>(batchCount);
                long baseSequence = batchCount == 0 ? 0 : readVarlong(in);
                long nextOffset = 0;
                for (int b = 0; b < batchCount; b++) {
                    long lastSequence = Math.addExact(baseSequence, readVarlong(in));
                    long baseOffset = Math.addExact(nextOffset, readVarlong(in));
                    Integer checksum = (mask & (1 << b)) != 0 ? in.getInt() : null;
                    ProducerState.SequencedBatch batch =
                            new ProducerState.SequencedBatch(baseSequence, lastSequence, baseOffset, checksum);
                    batches.add(batch);
                    baseSequence = lastSequence + 1;
                    nextOffset = lastOffset(batch) + 1;
                }
                producers.put(producerId, new ProducerState(epoch, batches, lastWrite));
            }
            if (in.hasRemaining()) {
                throw new IllegalStateException(in.remaining() + " bytes after the last producer state");
            }
            return producers;
        } catch (BufferUnderflowException | ArithmeticException e) {
            throw new IllegalStateException("unreadable producer states in a partition head", e);
        }
    }

    /** The states from the JSON string that heads carried before {@link #FORMAT} 1 (read only, never written). */
    public static Map<Long, ProducerState> fromJson(String json) {
        try {
            return JSON.readValue(json, TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable producer states in a partition head", e);
        }
    }

    private static long lastOffset(ProducerState.SequencedBatch batch) {
        return batch.baseOffset() + batch.lastSequence() - batch.baseSequence();
    }

    private static void writeLong(ByteArrayOutputStream out, long value) {
        for (int shift = Long.SIZE - Byte.SIZE; shift >= 0; shift -= Byte.SIZE) {
            out.write((int) (value >>> shift));
        }
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        for (int shift = Integer.SIZE - Byte.SIZE; shift >= 0; shift -= Byte.SIZE) {
            out.write(value >>> shift);
        }
    }

    private static void writeVarlong(ByteArrayOutputStream out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("producer states hold no negative numbers, got " + value);
        }
        while ((value & ~VARLONG_PAYLOAD_MASK) != 0) {
            out.write((int) (value & VARLONG_PAYLOAD_MASK) | VARLONG_CONTINUE);
            value >>>= VARLONG_PAYLOAD_BITS;
        }
        out.write((int) value);
    }

    private static long readVarlong(ByteBuffer in) {
        long value = 0;
        for (int i = 0; i < MAX_VARLONG_LENGTH; i++) {
            int b = in.get() & 0xFF;
            value |= (long) (b & VARLONG_PAYLOAD_MASK) << (i * VARLONG_PAYLOAD_BITS);
            if ((b & VARLONG_CONTINUE) == 0) {
                if (value < 0) {
                    throw new IllegalStateException("varlong out of range");
                }
                return value;
            }
        }
        throw new IllegalStateException("varlong longer than " + MAX_VARLONG_LENGTH + " bytes");
    }
}
