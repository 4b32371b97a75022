package io.sluice.tests.reliability;

import io.sluice.format.LogRecord;
import io.sluice.log.RecordOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Everything a reliability run observed: acknowledged records, and every committed offset seen over time. */
final class History {

    /** A committed offset, as read at one moment. */
    record CommitSeen(long seq, int partition, long committed) {
    }

    final Map<RecordOffset, LogRecord> acknowledged = new ConcurrentHashMap<>();
    private final List<CommitSeen> commits = new ArrayList<>();
    private final List<String> doubleAcknowledged = new ArrayList<>();
    private final List<LogRecord> everyAcknowledged = new ArrayList<>();

    /** Records an acknowledgement; two acknowledgements of one offset are themselves a violation. */
    synchronized void acknowledge(RecordOffset offset, LogRecord record) {
        everyAcknowledged.add(record);
        LogRecord previous = acknowledged.put(offset, record);
        if (previous != null) {
            doubleAcknowledged.add("offset " + offset + " was acknowledged for two records: " + previous + " and "
                    + record);
        }
    }

    synchronized List<LogRecord> everyAcknowledged() {
        return List.copyOf(everyAcknowledged);
    }

    synchronized List<String> doubleAcknowledged() {
        return List.copyOf(doubleAcknowledged);
    }

    synchronized void commitSeen(int partition, long committed) {
        commits.add(new CommitSeen(commits.size(), partition, committed));
    }

    synchronized List<CommitSeen> commits() {
        return List.copyOf(commits);
    }
}
