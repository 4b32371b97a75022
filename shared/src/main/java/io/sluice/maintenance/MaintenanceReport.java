package io.sluice.maintenance;

/**
 * What one maintenance pass did.
 *
 * @param entriesMerged      index entries folded into segments
 * @param segmentsWritten    segment objects written
 * @param bytesWritten       bytes of those segments
 * @param entriesDropped     index entries deleted (below logStartOffset, or left over by a compaction)
 * @param offsetsRetired     offsets that logStartOffset moved past, over all partitions
 * @param objectsMarked      unreferenced objects seen for the first time (deleted after the grace period)
 * @param objectsDeleted     objects deleted
 * @param bytesReclaimed     bytes of those objects
 * @param partitionsBusy     partitions skipped because another pass held their lease
 * @param leasesLost         partitions where this pass stopped because another pass took the lease over
 * @param partitionsPurged   partitions of deleted incarnations whose heads and index entries this pass
 *                           deleted: what a delete interrupted part-way, or a write racing it, left behind
 * @param failures           what failed, each {@code <topic>/<partition>: <error>} (or garbage collection);
 *                           the pass went on with everything else. At most {@link #MAX_FAILURES_LISTED}
 *                           are listed, each cut to {@link #MAX_FAILURE_CHARS} characters, then one line
 *                           counting the rest, so the report stays far below Lambda's 6 MB response
 */
public record MaintenanceReport(long entriesMerged, long segmentsWritten, long bytesWritten, long entriesDropped,
                                long offsetsRetired, long objectsMarked, long objectsDeleted, long bytesReclaimed,
                                long partitionsBusy, long leasesLost, long partitionsPurged,
                                java.util.List<String> failures, long durationMs) {

    public static final int MAX_FAILURES_LISTED = 100;
    public static final int MAX_FAILURE_CHARS = 500;

    public MaintenanceReport {
        failures = java.util.List.copyOf(failures);
    }

    static final class Builder {
        private long entriesMerged;
        private long segmentsWritten;
        private long bytesWritten;
        private long entriesDropped;
        private long offsetsRetired;
        private long objectsMarked;
        private long objectsDeleted;
        private long bytesReclaimed;
        private long partitionsBusy;
        private long leasesLost;
        private long partitionsPurged;
        private final java.util.List<String> failures = new java.util.ArrayList<>();

        synchronized void partitionBusy() {
            partitionsBusy++;
        }

        synchronized void leaseLost() {
            leasesLost++;
        }

        synchronized void partitionPurged() {
            partitionsPurged++;
        }

        private long failuresNotListed;

        synchronized void failed(String where, String error) {
            if (failures.size() == MAX_FAILURES_LISTED) {
                failuresNotListed++;
                return;
            }
            String line = where + ": " + error;
            failures.add(line.length() <= MAX_FAILURE_CHARS ? line : line.substring(0, MAX_FAILURE_CHARS - 3) + "...");
        }

        synchronized void entriesMerged(long n) {
            entriesMerged += n;
        }

        synchronized void segmentWritten(long bytes) {
            segmentsWritten++;
            bytesWritten += bytes;
        }

        synchronized void entryDropped() {
            entriesDropped++;
        }

        synchronized void logStartAdvanced(long offsets) {
            offsetsRetired += offsets;
        }

        synchronized void objectMarked() {
            objectsMarked++;
        }

        synchronized void objectDeleted(long bytes) {
            objectsDeleted++;
            bytesReclaimed += bytes;
        }

        synchronized MaintenanceReport build(long durationMs) {
            return new MaintenanceReport(entriesMerged, segmentsWritten, bytesWritten, entriesDropped, offsetsRetired,
                    objectsMarked, objectsDeleted, bytesReclaimed, partitionsBusy, leasesLost, partitionsPurged,
                    listedFailures(), durationMs);
        }

        private java.util.List<String> listedFailures() {
            if (failuresNotListed == 0) {
                return failures;
            }
            java.util.List<String> listed = new java.util.ArrayList<>(failures);
            listed.add("... and " + failuresNotListed + " more failures, in the function's log");
            return listed;
        }
    }
}
