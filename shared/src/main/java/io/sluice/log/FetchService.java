package io.sluice.log;

import io.sluice.error.CorruptObjectException;
import io.sluice.error.ErrorCode;
import io.sluice.error.OffsetOutOfRangeException;
import io.sluice.error.SluiceException;
import io.sluice.format.CompressionCodec;
import io.sluice.format.LogRecord;
import io.sluice.format.ObjectFormat;
import io.sluice.format.ObjectFormat.DecodedBatch;
import io.sluice.format.SegmentIndex;
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
 * indexed yet), finds the entry holding the offset with one Query (or none, when {@code last} holds it or
 * a warm function's {@link ReadCache} does), and reads that entry's byte range with one ranged GET. It reads
 * forward entry by entry until {@code maxBytes}, always returning at least one record when there is one,
 * with the GETs of the following entries it is sure to read in flight at once.
 */
public final class FetchService {

    /** How far below a floor entry that misses its offset a read looks for the segment holding it. */
    private static final int MAX_FLOOR_STEPS = 64;

    public static final int DEFAULT_MAX_BYTES = 1 << 20;
    /** The most a fetch returns: base64 in a JSON body must stay under Lambda's 6 MB response limit. */
    public static final int MAX_MAX_BYTES = 3 << 20;
    private static final int TIMESTAMP_SCAN_PAGE = 100;
    /** Entries a fetch that reads past one entry looks up ahead with one Query. */
    static final int READ_AHEAD = 16;
    /** The longest a fetch waits for records to arrive. */
    public static final long MAX_WAIT_MS = 20_000;

    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final Heads heads;
    private final java.time.Clock clock;
    private final Sleeper sleeper;
    private final io.sluice.metrics.Metrics metrics;
    private final ReadCache cache;
    private final TopicCache topics;
    private final java.util.concurrent.Executor readPool;
    /** Ranged GETs one fetch has in flight at most when it reads ahead. */
    static final int READ_AHEAD_GETS = 4;

    public FetchService(ObjectStore objects, MetadataStore metadata, TopicCache topics, java.time.Clock clock,
                        Sleeper sleeper) {
        this(objects, metadata, topics, clock, sleeper, io.sluice.metrics.Metrics.NOOP);
    }

    /** Without a read cache: every fetch reads the index (a cache of lifetime 0). */
    public FetchService(ObjectStore objects, MetadataStore metadata, TopicCache topics, java.time.Clock clock,
                        Sleeper sleeper, io.sluice.metrics.Metrics metrics) {
        this(objects, metadata, topics, clock, sleeper, metrics, new ReadCache(clock, 0));
    }

    /** With a read cache of index entries and segment offset indexes ({@link ReadCache#forGracePeriod}). */
    public FetchService(ObjectStore objects, MetadataStore metadata, TopicCache topics, java.time.Clock clock,
                        Sleeper sleeper, io.sluice.metrics.Metrics metrics, ReadCache cache) {
        this(objects, metadata, topics, clock, sleeper, metrics, cache, null);
    }

    /**
     * With a pool that reads ahead: a fetch that will read on through following entries GETs up to
     * {@value #READ_AHEAD_GETS} of them at once, those that fit in what is left of its maxBytes.
     */
    public FetchService(ObjectStore objects, MetadataStore metadata, TopicCache topics, java.time.Clock clock,
                        Sleeper sleeper, io.sluice.metrics.Metrics metrics, ReadCache cache,
                        java.util.concurrent.Executor readPool) {
        this.readPool = readPool;
        this.cache = cache;
        this.objects = objects;
        this.metadata = metadata;
        this.topics = topics;
        this.heads = new Heads(metadata, topics);
        this.clock = clock;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    /**
     * A long-poll fetch: when there is nothing at {@code offset} yet (it is the high watermark), waits up
     * to {@code maxWaitMs} and returns as soon as records arrive. While it waits it reads only the
     * partition head, on the {@link PollSchedule}: every 20 ms or so while the partition's last commit is
     * recent, after 50, 100, then every 200 ms once it has been idle for 2 s; records are returned at most
     * 200 ms after they are committed.
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
        checkArguments(offset, maxBytes, maxRecords);
        // A warm function's GETs of cached entries overlap the head read.
        Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched =
                speculate(topic, partition, offset, maxBytes, maxRecords);
        PartitionHead head = heads.read(topic, partition).head();
        FetchResult result = fetchAt(head, offset, maxBytes, maxRecords, budget, prefetched);
        if (!result.records().isEmpty() || maxWaitMs == 0) {
            return result;
        }
        long deadline = clock.millis() + maxWaitMs;
        PollSchedule schedule = new PollSchedule();
        for (long now = clock.millis(); now < deadline; now = clock.millis()) {
            try {
                sleeper.sleep(Math.min(schedule.next(now, PollSchedule.lastCommitMillis(head)), deadline - now));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
            head = heads.read(topic, partition).head();
            if (head.nextOffset() > offset || head.logStartOffset() > offset) {
                // The head just read is as fresh as a second read would be: one read a poll.
                return fetchAt(head, offset, maxBytes, maxRecords, budget);
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
        return fetch(topic, partition, offset, maxBytes, maxRecords, 0, budget);
    }

    private static void checkArguments(long offset, int maxBytes, int maxRecords) {
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
    }

    /** A fetch from {@code offset} as of {@code head}, read by the caller. */
    private FetchResult fetchAt(PartitionHead head, long offset, int maxBytes, int maxRecords, ResponseBudget budget) {
        return fetchAt(head, offset, maxBytes, maxRecords, budget, new java.util.HashMap<>());
    }

    /** As above, with GETs already started for it ({@link #speculate}), used only where the fetch reads those ranges. */
    private FetchResult fetchAt(PartitionHead head, long offset, int maxBytes, int maxRecords, ResponseBudget budget,
                                Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        checkRange(head, offset);
        // The head read just cached the topic's configuration; without it (or for another incarnation) the fetch
        // takes the topic for compressed, which only turns reading ahead off.
        boolean uncompressed = topics.peek(head.topic()).filter(t -> t.topicId().equals(head.topicId()))
                .map(t -> t.compression() == CompressionCodec.NONE).orElse(false);
        try {
            return fetch(head, uncompressed, offset, maxBytes, maxRecords, budget, prefetched);
        } catch (ObjectGoneException e) {
            // A cached entry outlived its object (maintenance ran with a shorter grace than the cache's):
            // forget the partition's entries and read the index again; a second miss is DATA_MISSING.
            cache.forgetPartition(head.topic(), head.partition(), head.topicId());
            try {
                return fetch(head, uncompressed, offset, maxBytes, maxRecords, budget, new java.util.HashMap<>());
            } catch (ObjectGoneException again) {
                throw again.dataMissing();
            }
        }
    }

    /**
     * GETs started before the head is read, so that they overlap that read: when this warm function's cache
     * holds the entry with {@code offset} (and those after it), the ones the fetch is sure to read, as
     * {@link #readAhead} picks them, assuming they are committed (cached entries come from the index, which
     * holds committed entries only). The fetch uses such a GET only if, once it has read the head, it reads
     * that very range; a GET it leaves unused (the offset was out of range, or the topic was re-created under
     * the cached configuration) is the only request this can add.
     */
    private Map<String, java.util.concurrent.CompletableFuture<byte[]>> speculate(String topic, int partition,
                                                                                 long offset, long maxBytes,
                                                                                 long maxRecords) {
        Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched = new java.util.HashMap<>();
        if (readPool == null || cache.lifetimeMs() == 0) {
            return prefetched;
        }
        io.sluice.meta.TopicConfig config = topics.peek(topic).orElse(null);
        if (config == null) {
            return prefetched; // not read yet (or unknown): the head read reads it, and reports an unknown topic
        }
        IndexEntry first = cache.entryHolding(topic, partition, config.topicId(), offset).orElse(null);
        if (first == null || first.hasOffsetIndex()) {
            return prefetched;
        }
        prefetch(first, prefetched);
        readAhead(first, offset, cache.entriesFrom(topic, partition, config.topicId(), first.lastOffset() + 1,
                READ_AHEAD_GETS), Long.MAX_VALUE, maxBytes, maxRecords, config.compression() == CompressionCodec.NONE,
                prefetched);
        return prefetched;
    }

    private FetchResult fetch(PartitionHead head, boolean uncompressed, long offset, int maxBytes, int maxRecords,
                              ResponseBudget budget,
                              Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        List<FetchedRecord> records = new ArrayList<>();
        java.util.ArrayDeque<IndexEntry> ahead = new java.util.ArrayDeque<>();
        long want = offset;
        long bytes = 0;
        long spent = 0;
        IndexEntry entry = null;
        while (want < head.nextOffset() && bytes < maxBytes && records.size() < maxRecords
                && spent < budget.limit()) {
            if (entry == null) {
                entry = entryFor(head, want);
                readAhead(head, entry, want, ahead, maxBytes, maxRecords, uncompressed, prefetched);
            } else if (want > entry.lastOffset()) {
                entry = nextEntry(head, want, ahead);
                readAhead(head, entry, want, ahead, maxBytes - bytes, maxRecords - records.size(), uncompressed,
                        prefetched);
            }
            boolean full = false;
            for (FetchedRecord record : read(entry, want, maxBytes - bytes, maxRecords - records.size(), prefetched)) {
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
            metrics.record("BytesFetched", bytes, io.sluice.metrics.Metrics.Unit.Bytes, Map.of("Topic", head.topic()));
        }
        return new FetchResult(List.copyOf(records), want, head.nextOffset(), head.logStartOffset());
    }

    public long earliestOffset(String topic, int partition) {
        return heads.read(topic, partition).head().logStartOffset();
    }

    /** A partition's readable range, from one strongly consistent head read. */
    public PartitionState range(String topic, int partition) {
        PartitionHead head = heads.read(topic, partition).head();
        return new PartitionState(partition, head.logStartOffset(), head.nextOffset());
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
        try {
            return offsetForTimestamp(head, timestamp);
        } catch (ObjectGoneException e) {
            cache.forgetPartition(head.topic(), head.partition(), head.topicId());
            try {
                return offsetForTimestamp(head, timestamp);
            } catch (ObjectGoneException again) {
                throw again.dataMissing();
            }
        }
    }

    private long offsetForTimestamp(PartitionHead head, long timestamp) {
        String topic = head.topic();
        int partition = head.partition();
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
     * The entry after the one just read: the head's last, or from the entries that follow (cached, or a page of
     * {@value #READ_AHEAD} of them read with one Query), or by a floor lookup when entries overlap during a
     * compaction.
     */
    private IndexEntry nextEntry(PartitionHead head, long offset, java.util.ArrayDeque<IndexEntry> ahead) {
        IndexEntry last = head.last();
        if (last != null && offset >= last.baseOffset()) {
            return last;
        }
        fillAhead(head, offset, ahead);
        if (!ahead.isEmpty() && ahead.peek().baseOffset() == offset) {
            return ahead.poll();
        }
        return entryFor(head, offset);
    }

    /**
     * Makes {@code ahead} hold the entries from {@code next} on, unless it already holds some: the head's last
     * if it starts there, else those the cache holds back to back from there, else a page of
     * {@value #READ_AHEAD} read with one Query (and cached); the head's last follows when they reach it.
     */
    private void fillAhead(PartitionHead head, long next, java.util.ArrayDeque<IndexEntry> ahead) {
        while (!ahead.isEmpty() && ahead.peek().baseOffset() < next) {
            ahead.poll();
        }
        if (!ahead.isEmpty()) {
            return;
        }
        IndexEntry last = head.last();
        if (last != null && next >= last.baseOffset()) {
            ahead.add(last);
            return;
        }
        List<IndexEntry> run = cache.entriesFrom(head.topic(), head.partition(), head.topicId(), next, READ_AHEAD);
        if (run.isEmpty()) {
            run = metadata.entriesFrom(head.topic(), head.partition(), head.topicId(), next, READ_AHEAD);
            cache.putEntries(run);
        }
        ahead.addAll(run);
        if (last != null && !run.isEmpty() && run.get(run.size() - 1).lastOffset() + 1 == last.baseOffset()) {
            ahead.add(last);
        }
    }

    /**
     * Starts GETs of the entries after {@code current} that this fetch is sure to read (see the other form),
     * when it is sure to read past {@code current} at all: only then are the following entries looked up.
     */
    private void readAhead(PartitionHead head, IndexEntry current, long from, java.util.ArrayDeque<IndexEntry> ahead,
                           long bytesLeft, long recordsLeft, boolean uncompressed,
                           Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        if (readPool == null || !uncompressed || current.lastOffset() + 1 >= head.nextOffset()
                || !surelyPast(current, from, bytesLeft, recordsLeft)) {
            return;
        }
        fillAhead(head, current.lastOffset() + 1, ahead);
        readAhead(current, from, ahead, head.nextOffset(), bytesLeft, recordsLeft, true, prefetched);
    }

    /**
     * Starts GETs of up to {@value #READ_AHEAD_GETS} of {@code following}, entries back to back after
     * {@code current} (read from {@code from} on) and committed below {@code committedEnd}, each of which a
     * fetch of {@code bytesLeft} and {@code recordsLeft} is sure to read: the records it can take from the
     * entries before it are fewer than both, counted from above by
     * {@link ObjectFormat#maxUncompressedRecordBytes} and the entries' offsets. So reading ahead adds no GET
     * that reading one entry after another would not make, it only overlaps them. Not in a compressed topic,
     * whose batches carry more record bytes than they store (by how much, nothing says before they are read),
     * nor into a segment with an offset index, which is read by the range its index gives.
     */
    private void readAhead(IndexEntry current, long from, Iterable<IndexEntry> following, long committedEnd,
                           long bytesLeft, long recordsLeft, boolean uncompressed,
                           Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        if (readPool == null || !uncompressed) {
            return;
        }
        long bytes = ObjectFormat.maxUncompressedRecordBytes(current.byteLength(), current.recordCount());
        long records = current.lastOffset() - from + 1;
        long next = current.lastOffset() + 1;
        int started = 0;
        for (IndexEntry e : following) {
            if (bytes >= bytesLeft || records >= recordsLeft || started == READ_AHEAD_GETS || e.baseOffset() != next
                    || e.lastOffset() >= committedEnd || e.hasOffsetIndex()) {
                return;
            }
            prefetch(e, prefetched);
            started++;
            bytes += ObjectFormat.maxUncompressedRecordBytes(e.byteLength(), e.recordCount());
            records += e.recordCount();
            next = e.lastOffset() + 1;
        }
    }

    /** Whether a fetch of {@code bytesLeft} and {@code recordsLeft} that reads {@code entry} from {@code from} reads past it. */
    private static boolean surelyPast(IndexEntry entry, long from, long bytesLeft, long recordsLeft) {
        return ObjectFormat.maxUncompressedRecordBytes(entry.byteLength(), entry.recordCount()) < bytesLeft
                && entry.lastOffset() - from + 1 < recordsLeft;
    }

    /** Starts the GET of a whole entry on the read pool, unless it is started already. */
    private void prefetch(IndexEntry e, Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        prefetched.computeIfAbsent(rangeKey(e.objectKey(), e.byteStart(), e.byteLength()),
                key -> java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> objects.getRange(e.objectKey(), e.byteStart(), e.byteLength()), readPool));
    }

    private static String rangeKey(String objectKey, long start, int length) {
        return objectKey + "@" + start + "+" + length;
    }

    /** The committed entry that holds {@code offset}, which must be in [logStartOffset, nextOffset). */
    private IndexEntry entryFor(PartitionHead head, long offset) {
        IndexEntry last = head.last();
        if (last != null && offset >= last.baseOffset()) {
            return last;
        }
        java.util.Optional<IndexEntry> cached = cache.entryHolding(head.topic(), head.partition(), head.topicId(), offset);
        if (cached.isPresent()) {
            return cached.get();
        }
        // A reader whose last fetch ended with a cached entry starts at the base of the next one: one Query reads
        // that entry and a page of those after it, for the fetches that follow.
        java.util.Optional<IndexEntry> before = offset == 0 ? java.util.Optional.empty()
                : cache.entryHolding(head.topic(), head.partition(), head.topicId(), offset - 1);
        if (before.isPresent() && before.get().lastOffset() == offset - 1) {
            List<IndexEntry> page = metadata.entriesFrom(head.topic(), head.partition(), head.topicId(), offset,
                    READ_AHEAD);
            cache.putEntries(page);
            if (!page.isEmpty() && page.get(0).baseOffset() == offset) {
                return page.get(0);
            }
        }
        IndexEntry floor = metadata.floorEntry(head.topic(), head.partition(), head.topicId(), offset).orElse(null);
        IndexEntry entry = floor;
        // Two interrupted compactions over one range can leave covered entries (still readable, awaiting
        // dropCovered) below a range the second one deleted: the floor is then a leftover that ends before
        // the offset, and the segment that holds it lies further down. Walk down to it, a Query a step.
        for (int step = 0; entry != null && !entry.contains(offset) && entry.baseOffset() > head.logStartOffset()
                && step < MAX_FLOOR_STEPS; step++) {
            entry = metadata.floorEntry(head.topic(), head.partition(), head.topicId(), entry.baseOffset() - 1)
                    .orElse(null);
        }
        if (entry == null || !entry.contains(offset)) {
            throw new SluiceException(ErrorCode.DATA_MISSING, "no index entry holds offset " + offset + " of "
                    + head.topic() + "/" + head.partition() + " (found " + floor + ")");
        }
        cache.putEntries(List.of(entry));
        return entry;
    }

    /** Every record of an entry, checksums verified before any is returned. */
    private List<FetchedRecord> read(IndexEntry entry) {
        return read(entry, entry.baseOffset(), Long.MAX_VALUE, Long.MAX_VALUE, Map.of());
    }

    /**
     * Records of an entry from the batch that holds {@code from}: all of them, or, when the entry's segment
     * has an offset index, those of the batches that cover {@code maxBytes} and {@code maxRecords} from
     * {@code from}, read with one ranged GET (and one more for the index unless it is cached, so a fetch
     * that wants the whole entry reads it whole instead). Checksums are verified before any record is returned.
     */
    private List<FetchedRecord> read(IndexEntry entry, long from, long maxBytes, long maxRecords,
                                     Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        boolean wholeEntryWanted = from == entry.baseOffset() && maxBytes >= entry.byteLength()
                && maxRecords >= entry.recordCount();
        if (!entry.hasOffsetIndex() || wholeEntryWanted && cache.segmentIndex(entry.objectKey()).isEmpty()) {
            return readRange(entry, entry.baseOffset(), 0, entry.byteLength(), entry.recordCount(), prefetched);
        }
        SegmentIndex.Range range = segmentIndex(entry).range(from - entry.baseOffset(), maxBytes, maxRecords);
        return readRange(entry, entry.baseOffset() + range.offsetDelta(), range.position(), range.length(),
                range.records(), Map.of());
    }

    /** The segment's offset index, from the cache or with one ranged GET of the bytes after its batches. */
    private SegmentIndex segmentIndex(IndexEntry entry) {
        java.util.Optional<SegmentIndex> cached = cache.segmentIndex(entry.objectKey());
        if (cached.isPresent()) {
            return cached.get();
        }
        long position = entry.byteStart() + entry.byteLength();
        byte[] bytes = get(entry, position, entry.indexLength(), Map.of());
        SegmentIndex index = SegmentIndex.decode(entry.objectKey(), position, bytes, entry.byteLength(),
                entry.recordCount());
        cache.putSegmentIndex(entry.objectKey(), index);
        return index;
    }

    /**
     * The records of {@code length} bytes of whole batches at {@code position} (relative to the entry's
     * first batch), which must hold exactly {@code count} records from offset {@code base}.
     */
    private List<FetchedRecord> readRange(IndexEntry entry, long base, long position, int length, long count,
                                          Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        long start = entry.byteStart() + position;
        byte[] range = get(entry, start, length, prefetched);
        List<FetchedRecord> records = new ArrayList<>((int) Math.min(count, 1 << 16));
        long offset = base;
        for (DecodedBatch batch : ObjectFormat.decodeBatches(entry.objectKey(), start, range)) {
            for (LogRecord record : batch.records()) {
                records.add(new FetchedRecord(offset++, record));
            }
        }
        if (offset != base + count) {
            throw new CorruptObjectException(entry.objectKey(), start, "index says " + count + " records from offset "
                    + base + ", object holds " + (offset - base));
        }
        return records;
    }

    /** {@code length} bytes of the entry's object at {@code start}; exactly that many, or the object is corrupt. */
    private byte[] get(IndexEntry entry, long start, int length,
                       Map<String, java.util.concurrent.CompletableFuture<byte[]>> prefetched) {
        byte[] range;
        java.util.concurrent.CompletableFuture<byte[]> ready = prefetched.get(rangeKey(entry.objectKey(), start, length));
        try {
            if (ready == null) {
                range = objects.getRange(entry.objectKey(), start, length);
            } else {
                try {
                    range = ready.join();
                } catch (java.util.concurrent.CompletionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    throw e;
                }
            }
        } catch (ObjectNotFoundException e) {
            throw new ObjectGoneException(entry, e);
        }
        if (range.length != length) {
            throw new CorruptObjectException(entry.objectKey(), start,
                    "index says " + length + " bytes, object holds " + range.length);
        }
        return range;
    }

    /** An entry's object is gone: a stale cached entry, or, read from the index itself, DATA_MISSING. */
    private static final class ObjectGoneException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient IndexEntry entry;

        ObjectGoneException(IndexEntry entry, ObjectNotFoundException cause) {
            super(cause.getMessage(), cause);
            this.entry = entry;
        }

        SluiceException dataMissing() {
            return new SluiceException(ErrorCode.DATA_MISSING, "object " + entry.objectKey() + " of "
                    + entry.topic() + "/" + entry.partition() + " offsets " + entry.baseOffset() + "-"
                    + entry.lastOffset() + " is missing", Map.of("objectKey", entry.objectKey()), getCause());
        }
    }
}
