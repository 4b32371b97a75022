package io.sluice.format;

import java.util.Arrays;
import java.util.Objects;

/** A record header: a UTF-8 key and a binary value, which may be null, as in Kafka. */
public record RecordHeader(String key, byte[] value) {

    /**
     * The most headers a producer may put on one record. With {@link #MAX_KEY_BYTES} it bounds what headers
     * add to a fetch response beyond their bytes (JSON framing, escaped keys), so that one record always
     * fits in a Lambda response.
     */
    public static final int MAX_HEADERS = 64;
    /** The longest header key, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 256;
    /** The most bytes a record's header keys and values may hold together (within its record size limit). */
    public static final int MAX_TOTAL_BYTES = 64 * 1024;

    public RecordHeader {
        Objects.requireNonNull(key, "header key");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordHeader h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "RecordHeader[" + key + "=" + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
