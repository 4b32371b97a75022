package io.sluice.store;

import java.time.Instant;

/** A listed object: its key, size and when it was last written. */
public record ObjectSummary(String key, long size, Instant lastModified) {
}
