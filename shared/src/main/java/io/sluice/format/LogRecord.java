package io.sluice.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One record as stored: timestamp (epoch millis), optional key, value and headers. Offsets are not part
 * of a record; they come from the index entry that covers it.
 */
public record LogRecord(long timestamp, byte[] key, byte[] value, List<RecordHeader> headers) {

    public LogRecord {
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp must not be negative: " + timestamp);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    /** Bytes this record counts against a fetch's {@code maxBytes} and a topic's record size limit. */
    public int sizeInBytes() {
        int size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (RecordHeader h : headers) {
            size += h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogRecord r
                && timestamp == r.timestamp
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value)
                && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestamp, Arrays.hashCode(key), Arrays.hashCode(value), headers);
    }

    @Override
    public String toString() {
        return "LogRecord[ts=" + timestamp + ", key=" + (key == null ? "null" : key.length + "B")
                + ", value=" + (value == null ? "null" : value.length + "B") + ", headers=" + headers.size() + "]";
    }
}
