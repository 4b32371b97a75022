package io.sluice.tests.support;

import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchService;
import io.sluice.log.FetchedRecord;
import io.sluice.log.RecordOffset;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Comparator;

/**
 * Reads a whole partition back and reports every way it breaks the log's promises:
 * <ul>
 *   <li>offsets are exactly logStartOffset..highWatermark-1, each once, in order;</li>
 *   <li>every acknowledged record is at its acknowledged offset, byte for byte;</li>
 *   <li>the index entries and the head's {@code last} chain without gap or overlap over the log.</li>
 * </ul>
 * An empty list means no violation.
 */
public final class LogChecker {

    private final FetchService fetcher;
    private final MetadataStore metadata;

    public LogChecker(FetchService fetcher, MetadataStore metadata) {
        this.fetcher = fetcher;
        this.metadata = metadata;
    }

    /** Every record of a partition, read with fetches of {@code maxBytes}. */
    public List<FetchedRecord> readAll(String topic, int partition, int maxBytes) {
        List<FetchedRecord> all = new ArrayList<>();
        long offset = fetcher.earliestOffset(topic, partition);
        while (true) {
            FetchResult result = fetcher.fetch(topic, partition, offset, maxBytes);
            if (result.records().isEmpty()) {
                return all;
            }
            all.addAll(result.records());
            offset = result.nextOffset();
        }
    }

    public List<String> check(String topic, int partitions, Map<RecordOffset, LogRecord> acknowledged) {
        List<String> violations = new ArrayList<>();
        Map<RecordOffset, LogRecord> found = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            long start = fetcher.earliestOffset(topic, p);
            long end = fetcher.latestOffset(topic, p);
            List<FetchedRecord> records;
            try {
                records = readAll(topic, p, 64 * 1024);
            } catch (SluiceException e) {
                violations.add(topic + "/" + p + ": the log cannot be read back: " + e.getMessage());
                records = List.of();
            }
            long expected = start;
            for (FetchedRecord record : records) {
                if (record.offset() != expected) {
                    violations.add(topic + "/" + p + ": offset " + record.offset() + " where " + expected
                            + " was expected (gap, duplicate or reorder)");
                }
                expected = record.offset() + 1;
                found.put(new RecordOffset(p, record.offset()), record.record());
            }
            if (expected != end) {
                violations.add(topic + "/" + p + ": read up to " + expected + " but the high watermark is " + end);
            }
            violations.addAll(checkIndexChain(topic, p, start, end));
        }
        acknowledged.forEach((at, record) -> {
            LogRecord stored = found.get(at);
            if (stored == null) {
                violations.add("acknowledged record at " + at + " is lost");
            } else if (!stored.equals(record)) {
                violations.add("record at " + at + " differs from what was acknowledged: " + stored + " vs " + record);
            }
        });
        return violations;
    }

    private List<String> checkIndexChain(String topic, int partition, long start, long end) {
        List<String> violations = new ArrayList<>();
        PartitionHead head = metadata.getHead(topic, partition).orElse(null);
        if (head == null) {
            if (end != 0) {
                violations.add(topic + "/" + partition + ": no head but high watermark " + end);
            }
            return violations;
        }
        List<IndexEntry> chain = new ArrayList<>(
                metadata.entriesFrom(topic, partition, head.topicId(), 0, Integer.MAX_VALUE));
        if (head.last() != null && !chain.contains(head.last())) {
            chain.add(head.last());
        }
        chain.sort(Comparator.comparingLong(IndexEntry::baseOffset).thenComparingLong(IndexEntry::lastOffset));
        long next = -1;
        for (IndexEntry entry : chain) {
            if (entry.lastOffset() < start) {
                continue;
            }
            if (next == -1) {
                if (entry.baseOffset() > start) {
                    violations.add(topic + "/" + partition + ": first entry starts at " + entry.baseOffset()
                            + ", after logStartOffset " + start);
                }
            } else if (entry.baseOffset() != next) {
                violations.add(topic + "/" + partition + ": entry at " + entry.baseOffset() + " follows one ending at "
                        + (next - 1) + (entry.baseOffset() < next ? " (overlap)" : " (gap)"));
            }
            next = entry.lastOffset() + 1;
        }
        if (end > start && next != end) {
            violations.add(topic + "/" + partition + ": entries end at " + next + ", high watermark is " + end);
        }
        return violations;
    }
}
