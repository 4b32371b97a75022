package io.sluice.tests.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.log.FetchedRecord;
import io.sluice.meta.MetadataStore;
import io.sluice.log.FetchService;
import io.sluice.tests.support.LogChecker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a whole reliability run: no acknowledged record lost, no record twice in the log, offsets
 * dense, each producer's order kept within each partition, and committed offsets never moving backwards.
 * Record values are {@code <producer>:<partition>:<sequence>}.
 */
final class ReliabilityChecker {

    private final FetchService fetcher;
    private final MetadataStore metadata;

    ReliabilityChecker(FetchService fetcher, MetadataStore metadata) {
        this.fetcher = fetcher;
        this.metadata = metadata;
    }

    /** The violations, and how many records were verified. */
    record Verdict(List<String> violations, long recordsVerified) {
    }

    Verdict check(String topic, int partitions, History history) {
        LogChecker logChecker = new LogChecker(fetcher, metadata);
        List<String> violations = new ArrayList<>(history.doubleAcknowledged());
        violations.addAll(logChecker.check(topic, partitions, history.acknowledged));
        long verified = 0;
        Map<String, Long> seen = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            Map<String, Long> lastSequence = new HashMap<>();
            List<FetchedRecord> records;
            try {
                records = logChecker.readAll(topic, p, 64 * 1024);
            } catch (RuntimeException e) {
                violations.add("partition " + p + " cannot be read: " + e.getMessage());
                continue;
            }
            for (FetchedRecord record : records) {
                verified++;
                String value = new String(record.record().value(), UTF_8);
                Long firstAt = seen.putIfAbsent(value, record.offset());
                if (firstAt != null) {
                    violations.add("record " + value + " appears twice, at offsets " + firstAt + " and "
                            + record.offset() + " of partition " + p);
                }
                String[] parts = value.split(":");
                long sequence = Long.parseLong(parts[2]);
                Long previous = lastSequence.put(parts[0], sequence);
                if (previous != null && sequence <= previous) {
                    violations.add("producer " + parts[0] + " order broken in partition " + p + ": sequence "
                            + sequence + " at offset " + record.offset() + " after " + previous);
                }
            }
        }
        for (var record : history.everyAcknowledged()) {
            String value = new String(record.value(), UTF_8);
            if (!seen.containsKey(value)) {
                violations.add("acknowledged record " + value + " is not in the log");
            }
        }
        Map<Integer, Long> committed = new HashMap<>();
        for (History.CommitSeen c : history.commits()) {
            Long before = committed.put(c.partition(), c.committed());
            if (before != null && c.committed() < before) {
                violations.add("committed offset of partition " + c.partition() + " moved back from " + before
                        + " to " + c.committed() + " without a reset");
            }
        }
        return new Verdict(violations, verified);
    }
}
