package io.sluice.maintenance;

import io.sluice.format.ObjectFormat;
import io.sluice.format.SegmentIndex;
import io.sluice.log.TopicCache;
import io.sluice.log.Ulid;
import io.sluice.meta.Incarnations;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MaintenanceLease;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.ObjectReference;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import io.sluice.metrics.Metrics;
import io.sluice.store.ObjectAlreadyExistsException;
import io.sluice.store.ObjectNotFoundException;
import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The scheduled housekeeping of the log (docs/architecture.md, "Maintenance"):
 *
 * <ul>
 *   <li><b>Retention</b>: advance a partition's logStartOffset past whole entries that are older than
 *       {@code retention.ms}, or beyond {@code retention.bytes}, with a conditional head update; then
 *       drop the index entries below it.</li>
 *   <li><b>Compaction</b>: merge runs of consecutive level-0 entries into one segment
 *       {@code seg/<topic>/<partition>/<base>-<last>-<topicId>-<leaseEpoch>.seg}. A run closes when it
 *       reaches the target size, or when its records span the roll interval, or when its first record is
 *       that old; the open tail is left alone, and a segment is never merged again, so no segment grows
 *       without end and time retention can retire the oldest ones. The segment's records are cut into
 *       small batches followed by an offset index ({@link SegmentIndex}), so a fetch reads only what it
 *       needs. Replace the run's first entry with the merged one (conditional), then delete the others.
 *       Readers tolerate the overlap meanwhile.</li>
 *   <li><b>Garbage collection</b>: an object that no index entry or head references is marked; once it
 *       has stayed unreferenced for the grace period (and is itself older than that), it is deleted. A
 *       WAL object shared by several partitions is referenced until the last of them lets it go.</li>
 * </ul>
 *
 * A pass changes a partition only while it holds that partition's lease ({@link MaintenanceLease}): it
 * checks, and when half of it has run renews, the lease before every write, and stops at once when the
 * lease was taken over. A merge verifies that its entries are contiguous and hold exactly the records
 * the index says before it writes anything. Every step is a single-item conditional write naming the
 * incarnation and the object it read, so passes may run concurrently with producers, fetchers and each
 * other, and a pass that stops part-way is finished by the next. A failure in one partition is logged,
 * counted and reported, and the pass goes on with the others and with garbage collection.
 */
public final class Maintenance {

    private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());
    /** Index entries read per Query while walking a partition. */
    static final int PAGE = 500;

    /**
     * How maintenance runs.
     *
     * @param targetSegmentBytes the size at which a segment closes
     * @param graceMs            how long an unreferenced object is kept (longer than any in-flight read)
     * @param leaseMs            how long a partition's lease lasts unless renewed
     * @param segmentRollMs      the longest time span a segment's records cover, and the age at which an
     *                           open run closes; a topic with retention.ms rolls at half of that if sooner
     * @param safeguards         the lease and the merge checks; false only in the test that shows the
     *                           reliability checker catches what they prevent
     */
    public record Settings(long targetSegmentBytes, long graceMs, long leaseMs, long segmentRollMs,
                           boolean safeguards) {
        /** 16 MiB segments; 15 minutes, the longest a Lambda (so any in-flight read) can run; 2-minute leases; hourly rolls. */
        public static final Settings DEFAULT = new Settings(16L << 20, 15L * 60 * 1000, 120_000, 3_600_000, true);

        public Settings(long targetSegmentBytes, long graceMs) {
            this(targetSegmentBytes, graceMs, DEFAULT.leaseMs, DEFAULT.segmentRollMs, true);
        }

        public Settings {
            if (targetSegmentBytes < 1 || graceMs < 0 || leaseMs < 1 || segmentRollMs < 1) {
                throw new IllegalArgumentException("bad maintenance settings");
            }
        }

        public Settings withSegmentRollMs(long rollMs) {
            return new Settings(targetSegmentBytes, graceMs, leaseMs, rollMs, safeguards);
        }

        public Settings withoutSafeguards() {
            return new Settings(targetSegmentBytes, graceMs, leaseMs, segmentRollMs, false);
        }
    }

    /** Thrown inside a partition's work when its lease was taken over: the pass stops there. */
    static final class LeaseLostException extends RuntimeException {
        LeaseLostException(MaintenanceLease lease) {
            super("lost the maintenance lease of " + lease.topic() + "/" + lease.partition() + " at epoch "
                    + lease.epoch());
        }
    }

    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final TopicCache topics;
    private final Clock clock;
    private final Settings settings;
    private final Metrics metrics;

    public Maintenance(ObjectStore objects, MetadataStore metadata, TopicCache topics, Clock clock, Settings settings) {
        this(objects, metadata, topics, clock, settings, Metrics.NOOP);
    }

    public Maintenance(ObjectStore objects, MetadataStore metadata, TopicCache topics, Clock clock, Settings settings,
                       Metrics metrics) {
        this.objects = objects;
        this.metadata = metadata;
        this.topics = topics;
        this.clock = clock;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** A full pass: retention and compaction of every partition of every topic (or of one), then garbage collection. */
    public MaintenanceReport run(String onlyTopic) {
        long started = clock.millis();
        String owner = Ulid.generate(started, ThreadLocalRandom.current());
        MaintenanceReport.Builder report = new MaintenanceReport.Builder();
        List<TopicConfig> all = onlyTopic == null ? metadata.listTopics() : List.of(topics.refresh(onlyTopic));
        for (TopicConfig topic : all) {
            for (int p = 0; p < topic.partitions(); p++) {
                try {
                    maintain(topic, p, owner, report);
                } catch (LeaseLostException e) {
                    report.leaseLost();
                    LOG.log(System.Logger.Level.WARNING, e.getMessage());
                } catch (RuntimeException e) {
                    failed(report, topic.name() + "/" + p, e);
                }
            }
        }
        try {
            collectGarbage(report);
        } catch (RuntimeException e) {
            failed(report, "garbage collection", e);
        }
        return report.build(clock.millis() - started);
    }

    private void failed(MaintenanceReport.Builder report, String where, RuntimeException e) {
        report.failed(where, e.getClass().getSimpleName() + ": " + e.getMessage());
        metrics.record("MaintenanceFailures", 1, Metrics.Unit.Count, Map.of());
        LOG.log(System.Logger.Level.ERROR, "maintenance of " + where + " failed; the pass goes on", e);
    }

    private void maintain(TopicConfig topic, int partition, String owner, MaintenanceReport.Builder report) {
        Optional<PartitionHead> head = head(topic, partition);
        if (head.isEmpty() || head.get().nextOffset() == head.get().logStartOffset()) {
            return;
        }
        Guard guard;
        if (settings.safeguards()) {
            long now = clock.millis();
            Optional<MaintenanceLease> lease = metadata.acquireLease(topic.name(), partition, topic.topicId(), owner,
                    now, settings.leaseMs());
            if (lease.isEmpty()) {
                report.partitionBusy();
                return;
            }
            guard = new Guard(lease.get());
        } else {
            guard = new Guard(null);
        }
        try {
            dropCovered(head.get(), guard, report);
            Optional<PartitionHead> current = head(topic, partition);
            if (current.isEmpty()) {
                return;
            }
            retain(topic, current.get(), guard, report);
            compact(topic, partition, guard, report);
        } finally {
            guard.release();
        }
    }

    /**
     * A pass's hold on one partition. {@link #check()} comes before every write: it renews the lease when
     * half of it has run, and throws when the lease was taken over, so a pass that lost its lease writes
     * nothing more. A write is therefore only ever sent with at least half a lease (a minute by default)
     * left, far longer than any one request may take.
     */
    private final class Guard {
        private MaintenanceLease lease;

        Guard(MaintenanceLease lease) {
            this.lease = lease;
        }

        long epoch() {
            return lease == null ? 0 : lease.epoch();
        }

        void check() {
            if (lease == null) {
                return;
            }
            long now = clock.millis();
            if (lease.expiresAt() - now >= settings.leaseMs() / 2) {
                return;
            }
            lease = metadata.renewLease(lease, now + settings.leaseMs())
                    .orElseThrow(() -> new LeaseLostException(lease));
        }

        void release() {
            if (lease != null) {
                metadata.releaseLease(lease);
            }
        }
    }

    // ---- covered entries ----

    /**
     * Deletes the entries that an earlier, larger entry wholly covers: what a compaction interrupted
     * between replacing its first entry and deleting the rest left behind. Readers tolerate them (they read
     * either copy); this step removes them, so that the index is a chain again. The head's last entry is
     * never deleted here: a commit still refers to it.
     */
    void dropCovered(PartitionHead head, Guard guard, MaintenanceReport.Builder report) {
        Chain chain = new Chain(head, head.logStartOffset());
        chain.forEach(entry -> { });
        if (chain.lastCoveredBy() != null) {
            // a merge that took in the head's last entry stopped before pointing the head at its segment
            guard.check();
            if (metadata.compareAndSetHead(head.version(), head.withLast(chain.lastCoveredBy()))) {
                guard.check();
                if (metadata.deleteIndexEntry(head.last())) { // a later commit may have indexed it
                    report.entryDropped();
                }
            }
        }
        for (IndexEntry entry : chain.covered()) {
            guard.check();
            if (metadata.deleteIndexEntry(entry)) {
                report.entryDropped();
            }
        }
    }

    // ---- retention ----

    /** Retention of the partition whose head (non-empty, of the topic's incarnation) is {@code head}. */
    void retain(TopicConfig topic, PartitionHead head, Guard guard, MaintenanceReport.Builder report) {
        if (topic.retentionMs() < 0 && topic.retentionBytes() < 0) {
            return;
        }
        long now = clock.millis();
        long logStart = head.logStartOffset();
        if (topic.retentionMs() > 0) {
            for (IndexEntry entry : new Chain(head, logStart)) {
                if (retentionTimestamp(topic, entry) >= now - topic.retentionMs()) {
                    break;
                }
                logStart = Math.max(logStart, entry.lastOffset() + 1);
            }
        }
        if (topic.retentionBytes() > 0) {
            // Two walks, one to sum and one to cut, so that memory stays one page whatever the index holds.
            long total = 0;
            for (IndexEntry entry : new Chain(head, head.logStartOffset())) {
                total += entry.byteLength();
            }
            for (IndexEntry entry : new Chain(head, head.logStartOffset())) {
                if (total - entry.byteLength() < topic.retentionBytes()) {
                    break;
                }
                total -= entry.byteLength();
                logStart = Math.max(logStart, entry.lastOffset() + 1);
            }
        }
        if (logStart > head.logStartOffset()) {
            guard.check();
            if (!metadata.compareAndSetHead(head.version(), head.withLogStartOffset(logStart))) {
                return;
            }
            report.logStartAdvanced(logStart - head.logStartOffset());
        }
        for (IndexEntry entry : index(head, 0)) {
            if (entry.lastOffset() >= logStart) {
                return;
            }
            if (!entry.equals(head.last())) {
                guard.check();
                if (metadata.deleteIndexEntry(entry)) {
                    report.entryDropped();
                }
            }
        }
    }

    /**
     * The time retention ages an entry by: its newest record's timestamp, but never later than its WAL
     * object's write time (the ULID in its key) plus the topic's {@code maxTimestampSkewMs}, the latest a
     * producer could have stamped it then. A far-future timestamp that got in (before the skew was
     * checked) therefore holds retention back by at most the skew. Segments carry the bound from their
     * merge.
     */
    static long retentionTimestamp(TopicConfig topic, IndexEntry entry) {
        java.util.OptionalLong written = io.sluice.log.ProduceService.walWriteMillis(entry.objectKey());
        return written.isPresent() ? Math.min(entry.maxTimestamp(), topic.latestTimestampAt(written.getAsLong()))
                : entry.maxTimestamp();
    }

    // ---- compaction ----

    void compact(TopicConfig topic, int partition, Guard guard, MaintenanceReport.Builder report) {
        PartitionHead head = head(topic, partition).orElse(null);
        if (head == null || head.nextOffset() == head.logStartOffset()) {
            return;
        }
        long targetBytes = topic.retentionBytes() > 0
                ? Math.max(1, Math.min(settings.targetSegmentBytes(), topic.retentionBytes() / 2))
                : settings.targetSegmentBytes();
        long rollMs = topic.retentionMs() > 0
                ? Math.max(1, Math.min(settings.segmentRollMs(), topic.retentionMs() / 2))
                : settings.segmentRollMs();
        List<IndexEntry> run = new ArrayList<>();
        long runBytes = 0;
        for (IndexEntry entry : new Chain(head, head.logStartOffset())) {
            boolean joins = entry.level() == 0 && (run.isEmpty()
                    || entry.baseOffset() == run.get(run.size() - 1).lastOffset() + 1
                    && entry.maxTimestamp() - run.get(0).maxTimestamp() < rollMs);
            if (!joins) {
                merge(topic, head, run, guard, report);
                run = new ArrayList<>();
                runBytes = 0;
                if (entry.level() != 0) {
                    continue;
                }
            }
            run.add(entry);
            runBytes += entry.byteLength();
            if (runBytes >= targetBytes) {
                merge(topic, head, run, guard, report);
                run = new ArrayList<>();
                runBytes = 0;
            }
        }
        if (!run.isEmpty() && clock.millis() - run.get(0).maxTimestamp() >= rollMs) {
            merge(topic, head, run, guard, report);
        }
    }

    private void merge(TopicConfig topic, PartitionHead head, List<IndexEntry> run, Guard guard,
                       MaintenanceReport.Builder report) {
        if (run.size() < 2) {
            return;
        }
        IndexEntry first = run.get(0);
        IndexEntry last = run.get(run.size() - 1);
        SegmentIndex.Builder segment = new SegmentIndex.Builder();
        long maxTimestamp = Long.MIN_VALUE;
        long expectedBase = first.baseOffset();
        for (IndexEntry entry : run) {
            byte[] bytes;
            try {
                bytes = objects.getRange(entry.objectKey(), entry.byteStart(), entry.byteLength());
            } catch (ObjectNotFoundException e) {
                skipped(head, run, "object " + entry.objectKey() + " is gone (another pass compacted and collected "
                        + "it since this one read the index)");
                return;
            }
            List<ObjectFormat.DecodedBatch> batches = ObjectFormat.decodeBatches(entry.objectKey(), entry.byteStart(),
                    bytes);
            long records = batches.stream().mapToLong(b -> b.records().size()).sum();
            if (settings.safeguards() && (entry.baseOffset() != expectedBase || records != entry.recordCount()
                    || !entry.topicId().equals(head.topicId()))) {
                throw new IllegalStateException("refusing to merge " + head.topic() + "/" + head.partition()
                        + " entries " + first.baseOffset() + "-" + last.lastOffset() + ": entry " + entry.baseOffset()
                        + "-" + entry.lastOffset() + " of " + entry.objectKey() + " holds " + records
                        + " records where offset " + expectedBase + " was expected next");
            }
            expectedBase = entry.lastOffset() + 1;
            // Large batches are cut small, under an offset index, so a fetch reads only the batches it needs.
            for (ObjectFormat.DecodedBatch batch : batches) {
                int at = (int) (batch.position() - entry.byteStart());
                segment.add(batch, java.util.Arrays.copyOfRange(bytes, at, at + batch.length()));
            }
            maxTimestamp = Math.max(maxTimestamp, retentionTimestamp(topic, entry));
        }
        SegmentIndex.Segment built = segment.build();
        byte[] object = built.bytes();
        String key = String.format("seg/%s/%d/%020d-%020d-%s-%d.seg", head.topic(), head.partition(),
                first.baseOffset(), last.lastOffset(), head.topicId(), guard.epoch());
        guard.check();
        try {
            objects.putIfAbsent(key, object);
        } catch (ObjectAlreadyExistsException e) {
            if (settings.safeguards()) {
                throw e;
            }
            // the unguarded pass of old: another pass wrote this range; trust it
            LOG.log(System.Logger.Level.WARNING, "unguarded merge reuses existing segment " + key);
        }
        report.segmentWritten(object.length);
        IndexEntry merged = new IndexEntry(head.topic(), head.partition(), head.topicId(), first.baseOffset(),
                last.lastOffset(), key, ObjectFormat.OBJECT_HEADER_LENGTH, built.batchesLength(), maxTimestamp, 1,
                built.indexLength());
        guard.check();
        if (!metadata.replaceIndexEntry(first, merged)) {
            skipped(head, run, "the entry at " + first.baseOffset() + " no longer points at " + first.objectKey()
                    + "; segment " + key + " is left to the collector");
            return;
        }
        if (last.equals(head.last())) {
            guard.check();
            if (!metadata.compareAndSetHead(head.version(), head.withLast(merged))) {
                // the head moved on; its last entry is the next commit's to index, and reads it either way
                LOG.log(System.Logger.Level.DEBUG, () -> "head of " + head.topic() + "/" + head.partition()
                        + " moved on; its last entry stays the WAL's");
            }
        }
        for (IndexEntry covered : run.subList(1, run.size())) {
            guard.check();
            metadata.deleteIndexEntry(covered);
        }
        report.entriesMerged(run.size());
    }

    /**
     * The partition's committed entries that hold offsets from {@code from} up to the head's nextOffset, in
     * order, read a page at a time, and the head's last entry if the index does not hold it yet. An entry
     * wholly covered by an earlier, larger one (left over by an interrupted compaction) is skipped, and
     * listed in {@link #covered()} for {@link #dropCovered}. Entries committed after the head was read are
     * not part of the walk. Reading the chain changes nothing.
     */
    private final class Chain implements Iterable<IndexEntry> {
        private final PartitionHead head;
        private final long from;
        private final List<IndexEntry> covered = new ArrayList<>();
        private IndexEntry lastCoveredBy;

        Chain(PartitionHead head, long from) {
            this.head = head;
            this.from = from;
        }

        /** The covered entries (at or after {@code from}, other than the head's last) the walks so far skipped. */
        List<IndexEntry> covered() {
            return covered;
        }

        /** The entry that covers the head's last entry and ends where it does, if a walk met one. */
        IndexEntry lastCoveredBy() {
            return lastCoveredBy;
        }

        @Override
        public java.util.Iterator<IndexEntry> iterator() {
            return new java.util.Iterator<>() {
                private final java.util.Iterator<IndexEntry> index = index(head, metadata.floorEntry(head.topic(),
                        head.partition(), head.topicId(), from).map(IndexEntry::baseOffset).orElse(0L)).iterator();
                private boolean lastDone;
                private long coveredUpTo = from - 1;
                private IndexEntry coverer;
                private IndexEntry next = advance();

                private IndexEntry advance() {
                    while (true) {
                        IndexEntry entry = pull();
                        if (entry == null) {
                            return null;
                        }
                        if (entry.lastOffset() >= head.nextOffset()) {
                            continue;
                        }
                        if (entry.lastOffset() <= coveredUpTo) {
                            if (entry.equals(head.last())) {
                                // only another, larger entry: the index may hold the head's last entry
                                // itself (a commit writes it there before its head update), and that copy
                                // must stay, or a commit that lands next leaves a gap where it was
                                if (coverer != null && coverer.baseOffset() < entry.baseOffset()
                                        && coverer.lastOffset() == entry.lastOffset()) {
                                    lastCoveredBy = coverer;
                                }
                            } else if (entry.baseOffset() >= from) {
                                covered.add(entry);
                            }
                            continue;
                        }
                        coveredUpTo = entry.lastOffset();
                        coverer = entry;
                        return entry;
                    }
                }

                private IndexEntry pull() {
                    if (index.hasNext()) {
                        return index.next();
                    }
                    if (!lastDone) {
                        lastDone = true;
                        return head.last();
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public IndexEntry next() {
                    if (next == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    IndexEntry current = next;
                    next = advance();
                    return current;
                }
            };
        }
    }

    /**
     * The partition's index entries (of {@code head}'s incarnation) with base offsets from {@code fromBase},
     * in order, read {@value #PAGE} to a Query as the walk goes. Entries deleted behind the walk do not
     * disturb it: each page starts after the last base offset read.
     */
    private Iterable<IndexEntry> index(PartitionHead head, long fromBase) {
        return () -> new java.util.Iterator<>() {
            private final java.util.ArrayDeque<IndexEntry> page = new java.util.ArrayDeque<>();
            private long nextBase = fromBase;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (page.isEmpty() && !done) {
                    List<IndexEntry> read = metadata.entriesFrom(head.topic(), head.partition(), head.topicId(),
                            nextBase, PAGE);
                    page.addAll(read);
                    done = read.size() < PAGE;
                    if (!read.isEmpty()) {
                        nextBase = read.get(read.size() - 1).baseOffset() + 1;
                    }
                }
                return !page.isEmpty();
            }

            @Override
            public IndexEntry next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return page.poll();
            }
        };
    }

    private Optional<PartitionHead> head(TopicConfig topic, int partition) {
        return metadata.getHead(topic.name(), partition).filter(h -> h.topicId().equals(topic.topicId()));
    }

    // ---- garbage collection ----

    void collectGarbage(MaintenanceReport.Builder report) {
        long now = clock.millis();
        Map<String, Long> marks = metadata.garbageMarks();
        Set<String> referenced = new HashSet<>();
        Set<ObjectReference> dead = new java.util.TreeSet<>(java.util.Comparator.comparing(ObjectReference::topic)
                .thenComparingInt(ObjectReference::partition).thenComparing(ObjectReference::topicId));
        List<ObjectReference> references = metadata.objectReferences();
        Incarnations.Live live = new Incarnations.Live(metadata);
        for (ObjectReference reference : references) {
            if (live.isDeleted(reference.topic(), reference.topicId())) {
                dead.add(new ObjectReference(reference.topic(), reference.partition(), reference.topicId(), ""));
            } else {
                referenced.add(reference.objectKey());
            }
        }
        for (ObjectReference partition : dead) {
            purge(partition, report);
        }
        List<ObjectSummary> stored = new ArrayList<>(objects.list("wal/"));
        stored.addAll(objects.list("seg/"));
        Set<String> storedKeys = new HashSet<>();
        for (ObjectSummary object : stored) {
            storedKeys.add(object.key());
            Long since = marks.get(object.key());
            if (referenced.contains(object.key())) {
                if (since != null) {
                    metadata.unmarkGarbage(object.key());
                }
            } else if (since == null) {
                metadata.markGarbage(object.key(), now);
                report.objectMarked();
            } else if (now - since >= settings.graceMs()
                    && now - object.lastModified().toEpochMilli() >= settings.graceMs()) {
                objects.delete(object.key());
                metadata.unmarkGarbage(object.key());
                report.objectDeleted(object.size());
            }
        }
        marks.keySet().stream().filter(k -> !storedKeys.contains(k)).forEach(metadata::unmarkGarbage);
    }

    /**
     * Fences the head and deletes the index entries that a deleted incarnation left in one partition: a
     * delete that stopped part-way leaves them, and they would keep their objects from the collector for
     * ever. Nothing reads them (every read names the live incarnation). The head is fenced, as the delete
     * would have, so that a writer still holding the deleted topic cannot commit there; every write is
     * conditional on the incarnation, so an item of a re-created topic is never touched.
     */
    private void purge(ObjectReference partition, MaintenanceReport.Builder report) {
        try {
            metadata.fenceHead(partition.topic(), partition.partition(), partition.topicId());
            metadata.deletePartition(partition.topic(), partition.partition(), partition.topicId());
            report.partitionPurged();
        } catch (RuntimeException e) {
            failed(report, partition.topic() + "/" + partition.partition() + " (deleted incarnation "
                    + partition.topicId() + ")", e);
        }
    }

    /** A merge this pass planned but did not make, with the reason, so an operator can tell why a run stays. */
    private static void skipped(PartitionHead head, List<IndexEntry> run, String reason) {
        LOG.log(System.Logger.Level.INFO, () -> "skipped merging " + head.topic() + "/" + head.partition() + " "
                + run.get(0).baseOffset() + "-" + run.get(run.size() - 1).lastOffset() + ": " + reason);
    }
}
