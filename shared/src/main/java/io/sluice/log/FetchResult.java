package io.sluice.log;

import java.util.List;

/**
 * The answer to a fetch.
 *
 * @param nextOffset the offset to fetch next: one past the last record returned, or the requested
 *                   offset when nothing was returned
 */
public record FetchResult(List<FetchedRecord> records, long nextOffset, long highWatermark, long logStartOffset) {
}
