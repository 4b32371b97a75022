package io.sluice.format;

import java.util.Arrays;
import java.util.Objects;

/** A record header: a UTF-8 key and a binary value, which may be null, as in Kafka. */
public record RecordHeader(String key, byte[] value) {

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
