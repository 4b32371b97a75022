package io.sluice.maintenance;

import io.sluice.format.ObjectFormat;
import io.sluice.log.TopicCache;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import io.sluice.store.ObjectAlreadyExistsException;
import io.sluice.store.ObjectNotFoundException;
import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scheduled housekeeping of the log (docs/architecture.md, "Maintenance"):
 *
 * <ul>
 *   <li><b>Retention</b>: advance a partition's logStartOffset past whole entries that are older than
 *       {@code retention.ms}, or beyond {@code retention.bytes}, with a conditional head update; then
 *       drop the index entries below it.</li>
 *   <li><b>Compaction</b>: merge runs of consecutive small entries into one
 *       {@code seg/<topic>/<partition>/<baseOffset>-<lastOffset>.seg} object of about the target size;
 *       replace the run's first entry with the merged one (conditional), then delete the others. Readers
 *       tolerate the overlap meanwhile.</li>
 *   <li><b>Garbage collection</b>: an object that no index entry or head references is marked; once it
 *       has stayed unreferenced for the grace period (and is itself older than that), it is deleted. A
 *       WAL object shared by several partitions is referenced until the last of them lets it go.</li>
 * </ul>
 *
 * Every step is a single-item conditional write, so passes may run concurrently with producers,
 * fetchers and each other, and a pass that stops part-way is finished by the next.
 */
public final class Maintenance {

    /** How maintenance runs. */
    public record Settings(long targetSegmentBytes, long graceMs) {
        /** 16 MiB segments; 15 minutes, the longest a Lambda (so any in-flight read) can run. */
        public static final Settings DEFAULT = new Settings(16L << 20, 15L * 60 * 1000);

        public Settings {
            if (targetSegmentBytes < 1 || graceMs < 0) {
                throw new IllegalArgumentException("bad maintenance settings");
            }
        }
    }

    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final TopicCache topics;
    private final Clock clock;
    private final Settings settings;

    public Maintenance(ObjectStore objects, MetadataStore metadata, TopicCache topics, Clock clock, Settings settings) {
        this.objects = objects;
        this.metadata = metadata;
        this.topics = topics;
        this.clock = clock;
        this.settings = settings;
    }

    /** A full pass: retention and compaction of every partition of every topic (or of one), then garbage collection. */
    public MaintenanceReport run(String onlyTopic) {
        long started = clock.millis();
        MaintenanceReport.Builder report = new MaintenanceReport.Builder();
        List<TopicConfig> all = onlyTopic == null ? metadata.listTopics() : List.of(topics.refresh(onlyTopic));
        for (TopicConfig topic : all) {
            for (int p = 0; p < topic.partitions(); p++) {
                retain(topic, p, report);
                compact(topic, p, report);
            }
        }
        collectGarbage(report);
        return report.build(clock.millis() - started);
    }

    // ---- retention ----

    void retain(TopicConfig topic, int partition, MaintenanceReport.Builder report) {
        if (topic.retentionMs() < 0 && topic.retentionBytes() < 0) {
            return;
        }
        PartitionHead head = head(topic, partition).orElse(null);
        if (head == null || head.nextOffset() == head.logStartOffset()) {
            return;
        }
        List<IndexEntry> entries = entries(head, report);
        List<IndexEntry> chain = from(entries, head.logStartOffset());
        long now = clock.millis();
        long logStart = head.logStartOffset();
        if (topic.retentionMs() > 0) {
            for (IndexEntry entry : chain) {
                if (entry.maxTimestamp() >= now - topic.retentionMs()) {
                    break;
                }
                logStart = Math.max(logStart, entry.lastOffset() + 1);
            }
        }
        if (topic.retentionBytes() > 0) {
            long total = chain.stream().mapToLong(IndexEntry::byteLength).sum();
            for (IndexEntry entry : chain) {
                if (total - entry.byteLength() < topic.retentionBytes()) {
                    break;
                }
                total -= entry.byteLength();
                logStart = Math.max(logStart, entry.lastOffset() + 1);
            }
        }
        if (logStart > head.logStartOffset()) {
            if (!metadata.compareAndSetHead(head.version(), head.withLogStartOffset(logStart))) {
                return;
            }
            report.logStartAdvanced(logStart - head.logStartOffset());
        }
        for (IndexEntry entry : entries) {
            if (entry.lastOffset() < logStart && !entry.equals(head.last()) && metadata.deleteIndexEntry(entry)) {
                report.entryDropped();
            }
        }
    }

    // ---- compaction ----

    void compact(TopicConfig topic, int partition, MaintenanceReport.Builder report) {
        PartitionHead head = head(topic, partition).orElse(null);
        if (head == null || head.nextOffset() == head.logStartOffset()) {
            return;
        }
        List<IndexEntry> chain = from(entries(head, report), head.logStartOffset());
        List<IndexEntry> run = new ArrayList<>();
        long runBytes = 0;
        for (IndexEntry entry : chain) {
            run.add(entry);
            runBytes += entry.byteLength();
            if (runBytes >= settings.targetSegmentBytes()) {
                merge(head, run, report);
                run = new ArrayList<>();
                runBytes = 0;
            }
        }
        merge(head, run, report);
    }

    private void merge(PartitionHead head, List<IndexEntry> run, MaintenanceReport.Builder report) {
        if (run.size() < 2) {
            return;
        }
        IndexEntry first = run.get(0);
        IndexEntry last = run.get(run.size() - 1);
        ObjectFormat.Builder segment = new ObjectFormat.Builder();
        long maxTimestamp = Long.MIN_VALUE;
        for (IndexEntry entry : run) {
            byte[] bytes;
            try {
                bytes = objects.getRange(entry.objectKey(), entry.byteStart(), entry.byteLength());
            } catch (ObjectNotFoundException e) {
                return;
            }
            ObjectFormat.decodeBatches(entry.objectKey(), entry.byteStart(), bytes);
            segment.addEncodedBatches(bytes);
            maxTimestamp = Math.max(maxTimestamp, entry.maxTimestamp());
        }
        byte[] object = segment.build();
        String key = String.format("seg/%s/%d/%020d-%020d.seg", head.topic(), head.partition(), first.baseOffset(),
                last.lastOffset());
        try {
            objects.putIfAbsent(key, object);
            report.segmentWritten(object.length);
        } catch (ObjectAlreadyExistsException e) {
            if (!Arrays.equals(objects.get(key), object)) {
                throw new IllegalStateException("segment " + key + " exists with other bytes");
            }
        }
        IndexEntry merged = new IndexEntry(head.topic(), head.partition(), head.topicId(), first.baseOffset(),
                last.lastOffset(), key, ObjectFormat.OBJECT_HEADER_LENGTH, object.length - ObjectFormat.OBJECT_HEADER_LENGTH,
                maxTimestamp, 1);
        if (!metadata.replaceIndexEntry(first, merged)) {
            return;
        }
        if (last.equals(head.last())) {
            metadata.compareAndSetHead(head.version(), head.withLast(merged));
        }
        for (IndexEntry covered : run.subList(1, run.size())) {
            metadata.deleteIndexEntry(covered);
        }
        report.entriesMerged(run.size());
    }

    /**
     * The partition's entries (the index and the head's last), in order, without overlaps. Entries made
     * redundant by an interrupted compaction (covered by an earlier, larger entry) are deleted here.
     */
    private List<IndexEntry> entries(PartitionHead head, MaintenanceReport.Builder report) {
        List<IndexEntry> entries = new ArrayList<>(metadata.entriesFrom(head.topic(), head.partition(), head.topicId(),
                0, Integer.MAX_VALUE));
        if (head.last() != null && entries.stream().noneMatch(e -> e.baseOffset() == head.last().baseOffset())) {
            entries.add(head.last());
        }
        entries.sort(Comparator.comparingLong(IndexEntry::baseOffset));
        List<IndexEntry> chain = new ArrayList<>();
        long covered = -1;
        for (IndexEntry entry : entries) {
            if (entry.lastOffset() <= covered) {
                if (!entry.equals(head.last()) && metadata.deleteIndexEntry(entry)) {
                    report.entryDropped();
                }
                continue;
            }
            covered = entry.lastOffset();
            chain.add(entry);
        }
        return chain;
    }

    /** The entries that hold offsets from {@code logStart} on. */
    private static List<IndexEntry> from(List<IndexEntry> entries, long logStart) {
        return entries.stream().filter(e -> e.lastOffset() >= logStart).toList();
    }

    private Optional<PartitionHead> head(TopicConfig topic, int partition) {
        return metadata.getHead(topic.name(), partition).filter(h -> h.topicId().equals(topic.topicId()));
    }

    // ---- garbage collection ----

    void collectGarbage(MaintenanceReport.Builder report) {
        long now = clock.millis();
        Map<String, Long> marks = metadata.garbageMarks();
        Set<String> referenced = metadata.referencedObjects();
        List<ObjectSummary> stored = new ArrayList<>(objects.list("wal/"));
        stored.addAll(objects.list("seg/"));
        Set<String> storedKeys = new java.util.HashSet<>();
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
}
