package io.sluice.log;

import io.sluice.client.Partitioner;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.format.ObjectFormat;
import io.sluice.format.ObjectFormat.BatchLocation;
import io.sluice.format.RecordHeader;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.ProducerState;
import io.sluice.meta.TopicConfig;
import io.sluice.metrics.Metrics;
import io.sluice.store.ObjectAlreadyExistsException;
import io.sluice.store.ObjectStore;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Appends records. One call writes one WAL object holding a batch for every partition it touches, then
 * commits each partition with single-item conditional writes (docs/architecture.md, "Commit protocol"):
 *
 * <ol>
 *   <li>read the head, strongly consistent (done while the object is written);</li>
 *   <li>if the head's {@code last} entry is still in the log, put it in the index (an idempotent
 *       conditional put);</li>
 *   <li>replace the head with {@code nextOffset + count}, the new {@code last} and {@code version + 1},
 *       on condition that the version is unchanged; on a lost race, back off and start again.</li>
 * </ol>
 *
 * <p>An instance that lost a race on a partition in the last minute reads the head once more right before
 * each conditional write there, and writes only if it is unchanged (else it backs off and starts from the
 * head it read): a commit that would lose costs a read instead of a failed write. The write stays
 * conditional, so the check changes what is wasted, never what is committed.
 *
 * Every committed entry is therefore in the index or is the head's {@code last}, so a crash between any
 * two steps loses nothing acknowledged and leaves neither a gap nor an overlap.
 *
 * <p>The partitions of one call are independent items, so steps 1 and 2 of every partition run at once on
 * an injected, bounded pool while the object is written, and after that every partition's step 3 runs at
 * once too. No head is updated before the object is written and every head has been read and indexed. A
 * call whose commit fails in one partition stops the others before their next head update and, once none
 * is in flight, throws; partitions already committed stay committed (as in a sequential commit, the call
 * was not acknowledged, and an idempotent retry does not append them twice).
 */
public final class ProduceService {

    /** Attempts at one partition's commit before answering CONTENTION. */
    public static final int MAX_COMMIT_ATTEMPTS = 64;
    /**
     * Producer states a partition head keeps at most. A new producer that needs a slot when every state is
     * inside {@link #PRODUCER_DEDUPE_WINDOW_MS} is refused with TOO_MANY_PRODUCERS (see {@link ProducerDedupe}).
     */
    public static final int MAX_PRODUCERS_PER_PARTITION = ProducerDedupe.MAX_PRODUCERS;
    /** A state written less than this long ago, by the head's clock, is never evicted to make room. */
    public static final long PRODUCER_DEDUPE_WINDOW_MS = ProducerDedupe.DEDUPE_WINDOW_MS;
    /** A state not written for this long, by the head's clock, is dropped. */
    public static final long PRODUCER_STATE_TTL_MS = ProducerDedupe.STATE_TTL_MS;

    /**
     * Makes a produce idempotent: the producer id and epoch from init, and the sequence of the first
     * record for each partition the call touches (each partition counts its own sequences from 0).
     */
    public record Idempotence(long producerId, long producerEpoch, Map<Integer, Long> baseSequences) {
        public Idempotence {
            baseSequences = Map.copyOf(baseSequences);
        }
    }
    private static final int MAX_KEY_ATTEMPTS = 3;
    private static final String WAL_PREFIX = "wal/";
    private static final String WAL_SUFFIX = ".wal";
    /** Threads of the pool {@link io.sluice.LogServices} gives a produce service: one call's partitions committed at once. */
    public static final int DEFAULT_COMMIT_THREADS = 16;

    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final TopicCache topics;
    private final Heads heads;
    private final Partitioner partitioner;
    private final Clock clock;
    private final Backoff backoff;
    private final Metrics metrics;
    private final Executor pool;
    private final CommitListener listener;

    /**
     * Told, after a produce call committed, which partitions of which topic it wrote (the subscriptions'
     * trigger, issue 19). It must return at once and never throw: it runs on the produce's thread.
     */
    @FunctionalInterface
    public interface CommitListener {
        void committed(String topic, java.util.Set<Integer> partitions);

        CommitListener NONE = (topic, partitions) -> { };
    }
    /** Partitions this instance lost a commit race on lately: their commits check the head before writing. */
    private final Contention contention = new Contention();
    /** Whether lately contended commits check the head before writing; off only to measure what it saves. */
    private final boolean contentionCheck;

    public ProduceService(ObjectStore objects, MetadataStore metadata, TopicCache topics, Partitioner partitioner,
                          Clock clock, Backoff backoff) {
        this(objects, metadata, topics, partitioner, clock, backoff, Metrics.NOOP);
    }

    public ProduceService(ObjectStore objects, MetadataStore metadata, TopicCache topics, Partitioner partitioner,
                          Clock clock, Backoff backoff, Metrics metrics) {
        this(objects, metadata, topics, partitioner, clock, backoff, metrics, newPool(DEFAULT_COMMIT_THREADS));
    }

    /**
     * With the pool that reads, indexes and commits a call's partitions while the calling thread writes the
     * object and waits. Its size bounds how many partitions of one call (or of concurrent calls sharing it)
     * are in flight at once; a pool of one thread commits them one after another in ascending order.
     */
    public ProduceService(ObjectStore objects, MetadataStore metadata, TopicCache topics, Partitioner partitioner,
                          Clock clock, Backoff backoff, Metrics metrics, Executor pool) {
        this(objects, metadata, topics, partitioner, clock, backoff, metrics, pool, CommitListener.NONE, true);
    }

    /** With a listener told of every committed produce call. */
    public ProduceService(ObjectStore objects, MetadataStore metadata, TopicCache topics, Partitioner partitioner,
                          Clock clock, Backoff backoff, Metrics metrics, Executor pool, CommitListener listener) {
        this(objects, metadata, topics, partitioner, clock, backoff, metrics, pool, listener, true);
    }

    /**
     * As above; with {@code contentionCheck} false a commit never checks the head before its conditional
     * write, as before issue 17's contention work (for the benchmark's same-run baseline only).
     */
    public ProduceService(ObjectStore objects, MetadataStore metadata, TopicCache topics, Partitioner partitioner,
                          Clock clock, Backoff backoff, Metrics metrics, Executor pool, boolean contentionCheck) {
        this(objects, metadata, topics, partitioner, clock, backoff, metrics, pool, CommitListener.NONE, contentionCheck);
    }

    /** The full form: a listener told of every committed produce call, and whether contended commits check the head. */
    public ProduceService(ObjectStore objects, MetadataStore metadata, TopicCache topics, Partitioner partitioner,
                          Clock clock, Backoff backoff, Metrics metrics, Executor pool, CommitListener listener,
                          boolean contentionCheck) {
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        this.contentionCheck = contentionCheck;
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
        this.objects = objects;
        this.metadata = metadata;
        this.topics = topics;
        this.heads = new Heads(metadata, topics);
        this.partitioner = partitioner;
        this.clock = clock;
        this.backoff = backoff;
        this.metrics = metrics;
    }

    /**
     * A bounded pool for {@link #ProduceService(ObjectStore, MetadataStore, TopicCache, Partitioner, Clock,
     * Backoff, Metrics, Executor)}: at most {@code threads} daemon threads, which end after a minute idle.
     */
    public static ExecutorService newPool(int threads) {
        return newPool(threads, "sluice-produce-commit");
    }

    /** As {@link #newPool(int)}, its threads named {@code name}. */
    public static ExecutorService newPool(int threads, String name) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, name);
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * Appends {@code records} to {@code topicName} and answers where each landed, in the order given.
     *
     * @throws SluiceException INVALID_RECORD, RECORD_TOO_LARGE, UNKNOWN_TOPIC, UNKNOWN_PARTITION (nothing
     *                         written), or CONTENTION (retry)
     */
    public List<RecordOffset> produce(String topicName, List<ProduceRecord> records) {
        return produce(topicName, records, null);
    }

    /**
     * As {@link #produce(String, List)}; with {@code idempotence}, a batch already committed by the same
     * producer, epoch and sequence is not written again, and its original offsets are answered.
     *
     * @throws SluiceException also FENCED (a newer epoch of the producer exists), OUT_OF_ORDER_SEQUENCE,
     *                         DUPLICATE_SEQUENCE, INVALID_SEQUENCE (the sequences of a remembered batch
     *                         with other records), UNKNOWN_PRODUCER, TOO_MANY_PRODUCERS
     */
    public List<RecordOffset> produce(String topicName, List<ProduceRecord> records, Idempotence idempotence) {
        TopicConfig topic = topics.get(topicName);
        if (records == null || records.isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "a produce call needs at least one record");
        }
        long now = clock.millis();
        int[] partitionOf = assignPartitions(topic, records);
        if (idempotence != null) {
            checkIdempotence(records, partitionOf, idempotence);
        }
        Map<Integer, List<LogRecord>> byPartition = new TreeMap<>();
        Map<Integer, List<ProduceRecord>> sentByPartition = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            byPartition.computeIfAbsent(partitionOf[i], p -> new ArrayList<>())
                    .add(toLogRecord(topic, i, records.get(i), now));
            sentByPartition.computeIfAbsent(partitionOf[i], p -> new ArrayList<>()).add(records.get(i));
        }
        Map<Integer, Integer> checksums = new TreeMap<>();
        if (idempotence != null) {
            sentByPartition.forEach((partition, sent) -> checksums.put(partition, BatchChecksum.of(sent)));
        }

        ObjectFormat.Builder object = new ObjectFormat.Builder();
        Map<Integer, BatchLocation> locations = new TreeMap<>();
        byPartition.forEach((partition, batch) -> locations.put(partition, object.addBatch(batch, topic.compression())));
        byte[] walObject = object.build();
        // The heads are read, and their last entries indexed, on the pool while this thread writes the object,
        // every partition at once (each touches only its own items): neither step depends on the other, and
        // nothing is committed until both are done.
        Abort abort = new Abort();
        Map<Integer, CompletableFuture<Prepared>> prepared = new TreeMap<>();
        locations.keySet().forEach(partition -> prepared.put(partition, CompletableFuture.supplyAsync(
                () -> abort.guard(() -> prepare(topic, partition, lately(topic, partition))), pool)));
        String objectKey;
        try {
            objectKey = putWalObject(walObject, now);
        } catch (RuntimeException e) {
            abort.set();
            prepared.values().forEach(f -> f.handle((head, error) -> null).join());
            throw e;
        }
        Map<Integer, Prepared> firstPrepared = joinAll(prepared, abort);
        Map<Integer, PartitionHead> firstHeads = new TreeMap<>();
        firstPrepared.forEach((partition, p) -> firstHeads.put(partition, p.head()));
        Map<Integer, ProducerDedupe.Decision> firstDecisions = new TreeMap<>();
        if (idempotence != null) {
            // Every partition's sequence and slot are checked on the heads just read before any is committed,
            // so a call refused on one partition has written none (only a race in between can refuse later).
            locations.forEach((partition, location) -> firstDecisions.put(partition,
                    dedupe(topic, partition, firstHeads.get(partition), idempotence, location,
                            checksums.get(partition), now)));
        }

        // The partitions are committed at once, each by its own unchanged protocol. When one fails, those not
        // yet committed stop before their next head update; the call waits for all, then throws the failure.
        Map<Integer, Long> baseOffsets;
        if (locations.size() == 1) {
            int partition = locations.keySet().iterator().next();
            baseOffsets = Map.of(partition, commit(topic, partition, objectKey, locations.get(partition), idempotence,
                    checksums.get(partition), now, firstPrepared.get(partition), firstDecisions.get(partition), abort));
        } else {
            Map<Integer, CompletableFuture<Long>> commits = new TreeMap<>();
            locations.forEach((partition, location) -> commits.put(partition, CompletableFuture.supplyAsync(
                    () -> abort.guard(() -> commit(topic, partition, objectKey, location, idempotence,
                            checksums.get(partition), now, firstPrepared.get(partition), firstDecisions.get(partition),
                            abort)), pool)));
            baseOffsets = joinAll(commits, abort);
        }

        try {
            listener.committed(topic.name(), java.util.Collections.unmodifiableSet(baseOffsets.keySet()));
        } catch (RuntimeException e) {
            // The trigger is best effort; the subscriptions' sweep catches what it misses.
        }
        Map<String, String> dimension = Map.of("Topic", topic.name());
        metrics.record("RecordsProduced", records.size(), Metrics.Unit.Count, dimension);
        metrics.record("BytesProduced", walObject.length, Metrics.Unit.Bytes, dimension);
        Map<Integer, Long> nextOffset = new TreeMap<>(baseOffsets);
        List<RecordOffset> offsets = new ArrayList<>(records.size());
        for (int partition : partitionOf) {
            offsets.add(new RecordOffset(partition, nextOffset.merge(partition, 1L, Long::sum) - 1));
        }
        return offsets;
    }

    private int[] assignPartitions(TopicConfig topic, List<ProduceRecord> records) {
        int[] partitionOf = new int[records.size()];
        int sticky = -1;
        for (int i = 0; i < records.size(); i++) {
            ProduceRecord record = records.get(i);
            if (record == null) {
                throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + i + " is null");
            }
            if (record.partition() != null) {
                topic.requirePartition(record.partition());
                partitionOf[i] = record.partition();
            } else if (record.key() != null) {
                partitionOf[i] = Partitioner.partitionForKey(record.key(), topic.partitions());
            } else {
                if (sticky < 0) {
                    sticky = partitioner.stickyPartition(topic.partitions());
                }
                partitionOf[i] = sticky;
            }
        }
        return partitionOf;
    }

    private static LogRecord toLogRecord(TopicConfig topic, int index, ProduceRecord record, long now) {
        if (record.value() == null) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + index + " has no value");
        }
        if (record.timestamp() != null && record.timestamp() < 0) {
            throw new SluiceException(ErrorCode.INVALID_RECORD,
                    "record " + index + " has a negative timestamp " + record.timestamp());
        }
        if (record.timestamp() != null && record.timestamp() > topic.latestTimestampAt(now)) {
            throw new SluiceException(ErrorCode.INVALID_TIMESTAMP, "record " + index + " is stamped "
                    + record.timestamp() + ", more than maxTimestampSkewMs (" + topic.maxTimestampSkewMs()
                    + ") ahead of the server's clock (" + now + ")",
                    Map.of("maxTimestampSkewMs", topic.maxTimestampSkewMs(), "serverTime", now));
        }
        checkHeaders(index, record.headers());
        LogRecord logRecord = new LogRecord(record.timestamp() == null ? now : record.timestamp(),
                record.key(), record.value(), record.headers());
        if (logRecord.sizeInBytes() > topic.maxRecordBytes()) {
            throw new SluiceException(ErrorCode.RECORD_TOO_LARGE, "record " + index + " is " + logRecord.sizeInBytes()
                    + " bytes; topic " + topic.name() + " allows " + topic.maxRecordBytes(),
                    Map.of("maxRecordBytes", topic.maxRecordBytes()));
        }
        return logRecord;
    }

    /** Headers within {@link RecordHeader}'s bounds: count, key length, and bytes together. */
    private static void checkHeaders(int index, List<RecordHeader> headers) {
        Map<String, Object> limits = Map.of("maxHeaders", RecordHeader.MAX_HEADERS,
                "maxHeaderKeyBytes", RecordHeader.MAX_KEY_BYTES, "maxHeaderBytes", RecordHeader.MAX_TOTAL_BYTES);
        if (headers.size() > RecordHeader.MAX_HEADERS) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + index + " has " + headers.size()
                    + " headers; at most " + RecordHeader.MAX_HEADERS + " are allowed", limits);
        }
        long total = 0;
        for (int h = 0; h < headers.size(); h++) {
            RecordHeader header = headers.get(h);
            int keyBytes = header.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (keyBytes > RecordHeader.MAX_KEY_BYTES) {
                throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + index + " header " + h + " has a "
                        + keyBytes + "-byte key; at most " + RecordHeader.MAX_KEY_BYTES + " bytes are allowed", limits);
            }
            total += keyBytes + (header.value() == null ? 0 : header.value().length);
        }
        if (total > RecordHeader.MAX_TOTAL_BYTES) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + index + " has " + total
                    + " bytes of headers; at most " + RecordHeader.MAX_TOTAL_BYTES + " are allowed", limits);
        }
    }

    /**
     * When the WAL object under {@code objectKey} was named, from the ULID in its key (the produce function's
     * clock, never a client's); empty for any other key (a segment's).
     */
    public static java.util.OptionalLong walWriteMillis(String objectKey) {
        if (!objectKey.startsWith(WAL_PREFIX) || !objectKey.endsWith(WAL_SUFFIX)
                || objectKey.length() < WAL_PREFIX.length() + Ulid.LENGTH + WAL_SUFFIX.length()) {
            return java.util.OptionalLong.empty();
        }
        int end = objectKey.length() - WAL_SUFFIX.length();
        try {
            return java.util.OptionalLong.of(Ulid.timestampOf(objectKey.substring(end - Ulid.LENGTH, end)));
        } catch (IllegalArgumentException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** Writes the object under a fresh {@code wal/yyyy/mm/dd/hh/<ulid>.wal} key, never over another. */
    private String putWalObject(byte[] bytes, long now) {
        ZonedDateTime time = ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC);
        String prefix = String.format(WAL_PREFIX + "%04d/%02d/%02d/%02d/", time.getYear(), time.getMonthValue(),
                time.getDayOfMonth(), time.getHour());
        for (int attempt = 1; ; attempt++) {
            String key = prefix + Ulid.generate(now, ThreadLocalRandom.current()) + WAL_SUFFIX;
            try {
                objects.putIfAbsent(key, bytes);
                return key;
            } catch (ObjectAlreadyExistsException e) {
                if (attempt == MAX_KEY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * A head read for a commit attempt, and whether its last entry is known to be in the index (put by this
     * attempt, or found there). A head is never replaced unless its last entry is known to be indexed.
     */
    private record Prepared(PartitionHead head, boolean lastIndexed) {
        boolean needsIndexing() {
            return head.lastNeedsIndexing() && !lastIndexed;
        }
    }

    /** Whether this instance lost a commit race on the partition lately, so its commits there check first. */
    private boolean lately(TopicConfig topic, int partition) {
        return contentionCheck && contention.recentlyLost(topic.topicId() + "/" + partition, clock.millis());
    }

    /**
     * Steps 1 and 2 of a partition's commit: read the head, and put its last entry in the index, unless
     * {@code deferIndexing} (the partition is lately contended): then the commit first reads whether another
     * committer indexed it already (all that read the same head put the same entry, and every put but the
     * first is a failed conditional write).
     */
    private Prepared prepare(TopicConfig topic, int partition, boolean deferIndexing) {
        PartitionHead head = heads.readPinned(topic, partition);
        if (head.lastNeedsIndexing() && !deferIndexing) {
            metadata.putIndexEntryIfAbsent(head.last());
            return new Prepared(head, true);
        }
        return new Prepared(head, false);
    }

    /**
     * Set when one partition's step fails: the others' steps not yet begun are skipped, and their commit loops
     * stop before their next head update, so a failed call commits no more than the sequential protocol would
     * have allowed to be in flight.
     */
    private static final class Abort {
        private volatile boolean set;

        void set() {
            set = true;
        }

        boolean isSet() {
            return set;
        }

        <T> T guard(java.util.function.Supplier<T> step) {
            if (set) {
                throw new Skipped();
            }
            try {
                return step.get();
            } catch (RuntimeException | Error e) {
                set = true;
                throw e;
            }
        }
    }

    /** A partition step skipped because another failed; never the failure the caller sees. */
    private static final class Skipped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skipped() {
            super("skipped: another partition of the call failed", null, false, false);
        }
    }

    /**
     * Waits for every future (none is left running when this returns or throws) and answers their results;
     * throws the first real failure in partition order, with any others suppressed.
     */
    private static <T> Map<Integer, T> joinAll(Map<Integer, CompletableFuture<T>> futures, Abort abort) {
        Map<Integer, T> results = new TreeMap<>();
        Throwable failure = null;
        for (Map.Entry<Integer, CompletableFuture<T>> f : futures.entrySet()) {
            try {
                results.put(f.getKey(), f.getValue().join());
            } catch (java.util.concurrent.CompletionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                if (cause instanceof Skipped) {
                    continue;
                }
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure == null && abort.isSet()) {
            failure = new IllegalStateException("a partition step was skipped without a failure");
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return results;
    }

    /**
     * Commits one partition's batch, starting from the head {@code prepared} read (and indexed), and, for
     * an idempotent produce, the dedupe decision {@code preparedDecision} taken on it; answers its base
     * offset (the original one for a duplicate).
     */
    private long commit(TopicConfig topic, int partition, String objectKey, BatchLocation location,
                        Idempotence idempotence, Integer checksum, long now, Prepared prepared,
                        ProducerDedupe.Decision preparedDecision, Abort abort) {
        String contended = topic.topicId() + "/" + partition;
        boolean check = contentionCheck && contention.recentlyLost(contended, clock.millis());
        long yieldedTo = -1;
        for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
            if (attempt > 0 && abort.isSet()) {
                throw new Skipped();
            }
            Prepared read;
            long readAt = clock.millis();
            // Whether time passed between this attempt's head read and its write: the object's PUT, or an index put.
            boolean stale;
            if (attempt == 0) {
                read = prepared;
                stale = true;
            } else {
                read = prepare(topic, partition, check);
                stale = read.lastIndexed();
            }
            PartitionHead head = read.head();
            if (read.needsIndexing()) {
                // Indexing was deferred to here (lately contended): a consistent read of the last entry's index
                // item tells whether another committer indexed it already; only if not is it put (a put of an
                // entry already there is a failed conditional write, billed as a write unit; the read costs a
                // fifth of that). The conditional put elects the next committer: of all that read this head,
                // exactly one puts its last entry.
                boolean elected = !metadata.isIndexed(head.last()) && metadata.putIndexEntryIfAbsent(head.last());
                if (elected) {
                    // Until this put no committer could replace this head (its last entry was not indexed);
                    // since it, only one that yielded to this version before, or an instance that has not lost
                    // a race here lately, may. So the head is most likely still the one read (however long ago,
                    // even before the object's PUT), and the write follows at once, without the check read.
                    stale = false;
                } else if (head.version() != yieldedTo) {
                    // Another committer read this head and indexed its last entry (found indexed, or its put
                    // refused this one): it is on its way to the head update, and a write now would most likely
                    // lose to it. Yield to it once per head version (never twice, so a committer that died after
                    // its put stalls no one for long).
                    yieldedTo = head.version();
                    backoff.beforeRetry(attempt, clock.millis() - readAt);
                    continue;
                } else {
                    stale = true;
                }
            }
            if (check && stale) {
                // Lately contended: check with a read that the head is still the one this attempt read before its
                // conditional write. Between that read and the write lie the index put (and, on a first attempt,
                // the object's PUT), in which other producers commit; a write from a stale head is a certain loss,
                // billed as a write unit, while the read costs a fifth of that and narrows the window to one read.
                PartitionHead current = heads.readPinned(topic, partition);
                if (current.version() != head.version()) {
                    backoff.beforeRetry(attempt, clock.millis() - readAt);
                    continue;
                }
            }
            Map<Long, ProducerState> producers = head.producers();
            if (idempotence != null) {
                ProducerDedupe.Decision decision = attempt == 0 ? preparedDecision
                        : dedupe(topic, partition, head, idempotence, location, checksum, now);
                if (decision.duplicateOf() != null) {
                    return decision.duplicateOf();
                }
                producers = decision.producers();
            }
            IndexEntry entry = new IndexEntry(topic.name(), partition, head.topicId(), head.nextOffset(),
                    head.nextOffset() + location.recordCount() - 1, objectKey, location.position(), location.length(),
                    location.maxTimestamp(), 0);
            if (metadata.compareAndSetHead(head.version(), head.append(entry, producers))) {
                metrics.record("CommitRetries", attempt, Metrics.Unit.Count, Map.of("Topic", topic.name()));
                return entry.baseOffset();
            }
            contention.lost(contended, clock.millis());
            check = contentionCheck;
            backoff.beforeRetry(attempt, clock.millis() - readAt);
        }
        throw new SluiceException(ErrorCode.CONTENTION, "partition " + topic.name() + "/" + partition + " lost "
                + MAX_COMMIT_ATTEMPTS + " commit races in a row; nothing was committed there, retry later");
    }

    /**
     * The partitions an instance lost a commit race on in the last {@link #WINDOW_MS}, by incarnation and
     * partition, bounded (the least recently lost is forgotten first). A warm function keeps it between calls.
     */
    static final class Contention {
        static final long WINDOW_MS = 60_000;
        static final int MAX_PARTITIONS = 1_024;
        private final Map<String, Long> lostAt = new java.util.LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > MAX_PARTITIONS;
            }
        };

        synchronized boolean recentlyLost(String partition, long now) {
            Long at = lostAt.get(partition);
            return at != null && now - at < WINDOW_MS;
        }

        synchronized void lost(String partition, long now) {
            lostAt.put(partition, now);
        }
    }

    private static ProducerDedupe.Decision dedupe(TopicConfig topic, int partition, PartitionHead head,
                                                  Idempotence idempotence, BatchLocation location, int checksum,
                                                  long now) {
        return ProducerDedupe.decide(topic.name() + "/" + partition, head, idempotence.producerId(),
                idempotence.producerEpoch(), idempotence.baseSequences().get(partition), location.recordCount(),
                checksum, now);
    }

    private void checkIdempotence(List<ProduceRecord> records, int[] partitionOf, Idempotence idempotence) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).partition() == null && records.get(i).key() == null) {
                throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + i + " has neither partition nor key;"
                        + " an idempotent produce must know each record's partition in advance");
            }
        }
        java.util.Set<Integer> touched = new java.util.TreeSet<>();
        for (int p : partitionOf) {
            touched.add(p);
        }
        if (!touched.equals(new java.util.TreeSet<>(idempotence.baseSequences().keySet()))) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "sequences must name exactly the partitions the "
                    + "records go to: " + touched + ", got " + new java.util.TreeSet<>(idempotence.baseSequences().keySet()));
        }
        idempotence.baseSequences().forEach((p, sequence) -> {
            if (sequence == null || sequence < 0) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "sequence of partition " + p + " must be >= 0");
            }
        });
        long current = metadata.producerEpoch(idempotence.producerId()).orElseThrow(() -> new SluiceException(
                ErrorCode.UNKNOWN_PRODUCER, "producer id " + idempotence.producerId() + " was never initialized"));
        if (idempotence.producerEpoch() != current) {
            throw new SluiceException(ErrorCode.FENCED, "producer " + idempotence.producerId() + " is at epoch "
                    + current + ", not " + idempotence.producerEpoch() + "; a newer instance has initialized");
        }
    }
}
