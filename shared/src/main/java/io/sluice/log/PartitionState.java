package io.sluice.log;

/** One partition's readable range: offsets [logStartOffset, highWatermark). */
public record PartitionState(int partition, long logStartOffset, long highWatermark) {
}
