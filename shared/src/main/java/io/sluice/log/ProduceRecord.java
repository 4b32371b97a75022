package io.sluice.log;

import io.sluice.format.RecordHeader;
import java.util.List;

/**
 * A record as a producer sends it. {@code partition} and {@code timestamp} are optional: without a
 * partition the key chooses one (Kafka's murmur2) or, for a keyless record, the call's sticky partition;
 * without a timestamp the server's clock stamps it.
 */
public record ProduceRecord(byte[] key, byte[] value, List<RecordHeader> headers, Integer partition, Long timestamp) {

    public ProduceRecord {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public static ProduceRecord of(byte[] key, byte[] value) {
        return new ProduceRecord(key, value, List.of(), null, null);
    }
}
