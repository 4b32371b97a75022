package io.sluice.log;

import io.sluice.format.LogRecord;

/** A record read back with its offset. */
public record FetchedRecord(long offset, LogRecord record) {
}
