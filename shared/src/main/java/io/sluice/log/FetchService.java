package io.sluice.log;

import io.sluice.error.CorruptObjectException;
import io.sluice.error.ErrorCode;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.format.ObjectFormat;
import io.sluice.format.ObjectFormat.DecodedBatch;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.store.ObjectNotFoundException;
import io.sluice.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads records back. A fetch reads the head (the high watermark, and {@code last}, which may not be
 * indexed yet), finds the entry holding the offset with one Query (or none, when {@code last} holds it),
 * and reads that entry's byte range with one ranged GET. It reads forward entry by entry until
 * {@code maxBytes}, always returning at least one record when there is one.
 */
public final class FetchService {

    public static final int DEFAULT_MAX_BYTES = 1 << 20;
    /** The most a fetch returns: base64 in a JSON body must stay under Lambda's 6 MB response limit. */
    public static final int MAX_MAX_BYTES = 3 << 20;
    private static final int TIMESTAMP_SCAN_PAGE = 100;
    /** Entries a fetch that reads past one entry looks up ahead with one Query. */
    static final int READ_AHEAD = 16;
    /** The longest a fetch waits for records to arrive. */
    public static final long MAX_WAIT_MS = 20_000;
    /** A waiting fetch reads the head after 50 ms, then doubles the gap up to this: at most 5 reads a second. */
    static final long MAX_POLL_INTERVAL_MS = 200;
    private static final long FIRST_POLL_INTERVAL_MS = 50;

    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final Heads heads;
    private final java.time.Clock clock;
    private final Sleeper sleeper;
    private final io.sluice.metrics.Metrics metrics;

    public FetchService(ObjectStore objects, MetadataStore metadata, TopicCache topics, java.time.Clock clock,
                        Sleeper sleeper) {
        this(objects, metadata, topics, clock, sleeper, io.sluice.metrics.Metrics.NOOP);
    }

    public FetchService(ObjectStore objects, MetadataStore metadata, TopicCache topics, java.time.Clock clock,
                        Sleeper sleeper, io.sluice.metrics.Metrics metrics) {
        this.objects = objects;
        this.metadata = metadata;
        this.heads = new Heads(metadata, topics);
        this.clock = clock;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    /**
     * A long-poll fetch: when there is nothing at {@code offset} yet (it is the high watermark), waits up
     * to {@code maxWaitMs} and returns as soon as records arrive. While it waits it reads only the
     * partition head: after 50, 100, then every 200 ms, so at most 5 reads a second and about 100 over
     * the longest wait; records are returned at most 200 ms after they are committed.
     */
    public FetchResult fetch(String topic, int partition, long offset, int maxBytes, int maxRecords, long maxWaitMs) {
        return fetch(topic, partition, offset, maxBytes, maxRecords, maxWaitMs, ResponseBudget.NONE);
    }

    /**
     * What a record costs in the response that carries it, and how much that response may hold: the HTTP
     * API counts each record's serialized bytes (JSON, base64, the Lambda envelope) so that no fetch
     * answer can exceed Lambda's response limit, whatever {@code maxBytes} says.
     */
    public record ResponseBudget(long limit, java.util.function.ToLongFunction<FetchedRecord> cost) {
        /** No limit beyond {@code maxBytes} and {@code maxRecords}. */
        public static final ResponseBudget NONE = new ResponseBudget(Long.MAX_VALUE, record -> 0);
    }

    /** As the long-poll fetch above, also stopping before the records' cost would pass {@code budget}'s limit. */
    public FetchResult fetch(String topic, int partition, long offset, int maxBytes, int maxRecords, long maxWaitMs,
                             ResponseBudget budget) {
        if (maxWaitMs < 0 || maxWaitMs > MAX_WAIT_MS) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "maxWaitMs must be between 0 and " + MAX_WAIT_MS + ", was " + maxWaitMs);
        }
        FetchResult result = fetch(topic, partition, offset, maxBytes, maxRecords, budget);
        if (!result.records().isEmpty() || maxWaitMs == 0) {
            return result;
        }
        long deadline = clock.millis() + maxWaitMs;
        long interval = FIRST_POLL_INTERVAL_MS;
        for (long now = clock.millis(); now < deadline; now = clock.millis()) {
            try {
                sleeper.sleep(Math.min(interval, deadline - now));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
            interval = Math.min(interval * 2, MAX_POLL_INTERVAL_MS);
            PartitionHead head = heads.read(topic, partition).head();
            if (head.nextOffset() > offset || head.logStartOffset() > offset) {
                return fetch(topic, partition, offset, maxBytes, maxRecords, budget);
            }
            result = new FetchResult(List.of(), offset, head.nextOffset(), head.logStartOffset());
        }
        return result;
    }

    /**
     * Records from {@code offset} on, up to {@code maxBytes} of keys, values and headers (at least one
     * record whenever one exists at {@code offset}).
     *
     * @throws OffsetOutOfRangeException if {@code offset} is below logStartOffset or above the high watermark
     * @throws CorruptObjectException    if stored bytes fail their checksum; no record is returned then
     */
    public FetchResult fetch(String topic, int partition, long offset, int maxBytes) {
        return fetch(topic, partition, offset, maxBytes, Integer.MAX_VALUE);
    }

    /** As {@link #fetch(String, int, long, int)}, returning at most {@code maxRecords} records. */
    public FetchResult fetch(String topic, int partition, long offset, int maxBytes, int maxRecords) {
        return fetch(topic, partition, offset, maxBytes, maxRecords, ResponseBudget.NONE);
    }

    /**
     * As {@link #fetch(String, int, long, int, int)}, also stopping before the records' cost passes
     * {@code budget}'s limit; the first record is returned whatever it costs.
     */
    public FetchResult fetch(String topic, int partition, long offset, int maxBytes, int maxRecords,
                             ResponseBudget budget) {
        if (maxRecords < 1) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "maxRecords must be at least 1, was " + maxRecords);
        }
        if (maxBytes < 1 || maxBytes > MAX_MAX_BYTES) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "maxBytes must be between 1 and " + MAX_MAX_BYTES + ", was " + maxBytes);
        }
        if (offset < 0) {
            throw new SluiceException(ErrorCode.INVALID_OFFSET, "offset must not be negative, was " + offset);
        }
        PartitionHead head = heads.read(topic, partition).head();
        checkRange(head, offset);
        List<FetchedRecord> records = new ArrayList<>();
        java.util.ArrayDeque<IndexEntry> ahead = new java.util.ArrayDeque<>();
        long want = offset;
        long bytes = 0;
        long spent = 0;
        boolean first = true;
        while (want < head.nextOffset() && bytes < maxBytes && records.size() < maxRecords
                && spent < budget.limit()) {
            IndexEntry entry = first ? entryFor(head, want) : nextEntry(head, want, ahead);
            first = false;
            boolean full = false;
            for (FetchedRecord record : read(entry)) {
                if (record.offset() < want) {
                    continue;
                }
                int size = record.record().sizeInBytes();
                long cost = budget.cost().applyAsLong(record);
                if (!records.isEmpty() && (bytes + size > maxBytes || records.size() == maxRecords
                        || spent + cost > budget.limit())) {
                    full = true;
                    break;
                }
                records.add(record);
                bytes += size;
                spent += cost;
                want = record.offset() + 1;
            }
            if (full) {
                break;
            }
        }
        if (!records.isEmpty()) {
            metrics.record("BytesFetched", bytes, io.sluice.metrics.Metrics.Unit.Bytes, Map.of("Topic", topic));
        }
        return new FetchResult(List.copyOf(records), want, head.nextOffset(), head.logStartOffset());
    }

    public long earliestOffset(String topic, int partition) {
        return heads.read(topic, partition).head().logStartOffset();
    }

    public long latestOffset(String topic, int partition) {
        return heads.read(topic, partition).head().nextOffset();
    }

    /**
     * The first offset whose record timestamp is at or after {@code timestamp}, as Kafka's ListOffsets
     * answers it; the high watermark when no record is that new. Walks the index in pages of
     * {@value #TIMESTAMP_SCAN_PAGE} entries, skipping every entry whose newest timestamp is older, and
     * reads only the one object range that holds the answer.
     */
    public long offsetForTimestamp(String topic, int partition, long timestamp) {
        PartitionHead head = heads.read(topic, partition).head();
        long cursor = head.logStartOffset();
        List<IndexEntry> page = List.of();
        int pageIndex = 0;
        while (cursor < head.nextOffset()) {
            IndexEntry entry;
            if (pageIndex < page.size() && page.get(pageIndex).baseOffset() == cursor) {
                entry = page.get(pageIndex++);
            } else if (head.last() != null && cursor >= head.last().baseOffset()) {
                entry = head.last();
            } else {
                entry = entryFor(head, cursor);
                page = metadata.entriesFrom(topic, partition, head.topicId(), entry.lastOffset() + 1,
                        TIMESTAMP_SCAN_PAGE);
                pageIndex = 0;
            }
            if (entry.maxTimestamp() >= timestamp) {
                for (FetchedRecord record : read(entry)) {
                    if (record.offset() >= cursor && record.record().timestamp() >= timestamp) {
                        return record.offset();
                    }
                }
            }
            cursor = entry.lastOffset() + 1;
        }
        return head.nextOffset();
    }

    private static void checkRange(PartitionHead head, long offset) {
        if (offset < head.logStartOffset() || offset > head.nextOffset()) {
            throw new OffsetOutOfRangeException(head.topic(), head.partition(), offset, head.logStartOffset(),
                    head.nextOffset());
        }
    }

    /**
     * The entry after the one just read: from a page of the following entries (one Query per
     * {@value #READ_AHEAD} entries), or by a floor lookup when entries overlap during a compaction.
     */
    private IndexEntry nextEntry(PartitionHead head, long offset, java.util.ArrayDeque<IndexEntry> ahead) {
        IndexEntry last = head.last();
        if (last != null && offset >= last.baseOffset()) {
            return last;
        }
        while (!ahead.isEmpty() && ahead.peek().baseOffset() < offset) {
            ahead.poll();
        }
        if (ahead.isEmpty()) {
            ahead.addAll(metadata.entriesFrom(head.topic(), head.partition(), head.topicId(), offset, READ_AHEAD));
        }
        if (!ahead.isEmpty() && ahead.peek().baseOffset() == offset) {
            return ahead.poll();
        }
        return entryFor(head, offset);
    }

    /** The committed entry that holds {@code offset}, which must be in [logStartOffset, nextOffset). */
    private IndexEntry entryFor(PartitionHead head, long offset) {
        IndexEntry last = head.last();
        if (last != null && offset >= last.baseOffset()) {
            return last;
        }
        IndexEntry entry = metadata.floorEntry(head.topic(), head.partition(), head.topicId(), offset).orElse(null);
        if (entry == null || !entry.contains(offset)) {
            throw new SluiceException(ErrorCode.DATA_MISSING, "no index entry holds offset " + offset + " of "
                    + head.topic() + "/" + head.partition() + " (found " + entry + ")");
        }
        return entry;
    }

    /** Every record of an entry, checksums verified before any is returned. */
    private List<FetchedRecord> read(IndexEntry entry) {
        byte[] range;
        try {
            range = objects.getRange(entry.objectKey(), entry.byteStart(), entry.byteLength());
        } catch (ObjectNotFoundException e) {
            throw new SluiceException(ErrorCode.DATA_MISSING, "object " + entry.objectKey() + " of "
                    + entry.topic() + "/" + entry.partition() + " offsets " + entry.baseOffset() + "-"
                    + entry.lastOffset() + " is missing", Map.of("objectKey", entry.objectKey()), e);
        }
        if (range.length != entry.byteLength()) {
            throw new CorruptObjectException(entry.objectKey(), entry.byteStart(),
                    "index says " + entry.byteLength() + " bytes, object holds " + range.length);
        }
        List<FetchedRecord> records = new ArrayList<>((int) entry.recordCount());
        long offset = entry.baseOffset();
        for (DecodedBatch batch : ObjectFormat.decodeBatches(entry.objectKey(), entry.byteStart(), range)) {
            for (LogRecord record : batch.records()) {
                records.add(new FetchedRecord(offset++, record));
            }
        }
        if (offset != entry.lastOffset() + 1) {
            throw new CorruptObjectException(entry.objectKey(), entry.byteStart(), "index says "
                    + entry.recordCount() + " records, object holds " + (offset - entry.baseOffset()));
        }
        return records;
    }
}
