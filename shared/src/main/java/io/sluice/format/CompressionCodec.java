package io.sluice.format;

import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The codec of a batch's records section, stored in the low bits of the batch attributes. The ids are
 * Kafka's ({@code compression.type}: 1 gzip, 3 lz4, 4 zstd; Sluice has no snappy). gzip is the JDK's;
 * LZ4 (block format) and Zstandard (frame format) are aircompressor's pure-Java implementations, so the
 * functions jar carries no native code.
 *
 * <p>{@link #decompress} writes into a buffer of the size the batch declares and fails unless the
 * compressed bytes fill it exactly, so a batch can never inflate to more than it declared; the format
 * bounds the declaration ({@link ObjectFormat#MAX_UNCOMPRESSED_RECORDS_BYTES}).
 */
public enum CompressionCodec {
    NONE(0, "none"),
    GZIP(1, "gzip"),
    LZ4(3, "lz4"),
    ZSTD(4, "zstd");

    /** The names a topic's {@code compression} accepts, in order. */
    public static final List<String> NAMES = Arrays.stream(values()).map(CompressionCodec::configName).toList();

    private final int id;
    private final String configName;

    CompressionCodec(int id, String configName) {
        this.id = id;
        this.configName = configName;
    }

    public int id() {
        return id;
    }

    /** The name of this codec in a topic's {@code compression} config. */
    public String configName() {
        return configName;
    }

    /** The codec with this id; throws on an id this version does not know. */
    public static CompressionCodec forId(int id) {
        for (CompressionCodec codec : values()) {
            if (codec.id == id) {
                return codec;
            }
        }
        throw new IllegalArgumentException("unknown compression codec id " + id);
    }

    /** The codec named {@code name} (case-insensitive), or empty. */
    public static java.util.Optional<CompressionCodec> forName(String name) {
        if (name == null) {
            return java.util.Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.configName.equals(lower)).findFirst();
    }

    /** {@code length} bytes of {@code source} from {@code offset}, compressed. */
    public byte[] compress(byte[] source, int offset, int length) {
        switch (this) {
            case NONE:
                return Arrays.copyOfRange(source, offset, offset + length);
            case GZIP: {
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 4));
                try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
                    gzip.write(source, offset, length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return out.toByteArray();
            }
            case LZ4: {
                Lz4Compressor lz4 = new Lz4Compressor();
                byte[] out = new byte[lz4.maxCompressedLength(length)];
                int written = lz4.compress(source, offset, length, out, 0, out.length);
                return Arrays.copyOf(out, written);
            }
            case ZSTD: {
                ZstdCompressor zstd = new ZstdCompressor();
                byte[] out = new byte[zstd.maxCompressedLength(length)];
                int written = zstd.compress(source, offset, length, out, 0, out.length);
                return Arrays.copyOf(out, written);
            }
            default:
                throw new IllegalStateException("no compressor for " + this);
        }
    }

    /**
     * Decompresses {@code length} bytes of {@code source} from {@code offset} into exactly
     * {@code uncompressedLength} bytes.
     *
     * @throws IllegalArgumentException when the input is malformed or does not decompress to exactly that many bytes
     */
    public byte[] decompress(byte[] source, int offset, int length, int uncompressedLength) {
        byte[] out = new byte[uncompressedLength];
        int written;
        try {
            switch (this) {
                case NONE:
                    if (length != uncompressedLength) {
                        throw new IllegalArgumentException(length + " bytes where " + uncompressedLength + " were declared");
                    }
                    System.arraycopy(source, offset, out, 0, length);
                    written = length;
                    break;
                case GZIP:
                    written = gunzip(source, offset, length, out);
                    break;
                case LZ4:
                    written = new Lz4Decompressor().decompress(source, offset, length, out, 0, out.length);
                    break;
                case ZSTD:
                    written = new ZstdDecompressor().decompress(source, offset, length, out, 0, out.length);
                    break;
                default:
                    throw new IllegalStateException("no decompressor for " + this);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // aircompressor's MalformedInputException, or any bounds failure on bad input
            throw new IllegalArgumentException(configName + " input is malformed: " + e.getMessage(), e);
        }
        if (written != uncompressedLength) {
            throw new IllegalArgumentException(configName + " input decompressed to " + written + " bytes, "
                    + uncompressedLength + " were declared");
        }
        return out;
    }

    /** Inflates into {@code out}; fails when the stream holds more than {@code out} (it never writes past it). */
    private static int gunzip(byte[] source, int offset, int length, byte[] out) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(source, offset, length), 8192)) {
            int written = in.readNBytes(out, 0, out.length);
            if (in.read() != -1) {
                throw new IllegalArgumentException("gzip input decompresses to more than the " + out.length
                        + " bytes declared");
            }
            return written;
        } catch (IOException e) {
            throw new IllegalArgumentException("gzip input is malformed: " + e.getMessage(), e);
        }
    }
}
