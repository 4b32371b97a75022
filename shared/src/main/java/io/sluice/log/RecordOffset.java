package io.sluice.log;

/** Where an acknowledged record was committed. */
public record RecordOffset(int partition, long offset) {
}
