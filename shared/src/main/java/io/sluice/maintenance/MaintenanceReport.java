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
 */
public record MaintenanceReport(long entriesMerged, long segmentsWritten, long bytesWritten, long entriesDropped,
                                long offsetsRetired, long objectsMarked, long objectsDeleted, long bytesReclaimed,
                                long durationMs) {

    static final class Builder {
        private long entriesMerged;
        private long segmentsWritten;
        private long bytesWritten;
        private long entriesDropped;
        private long offsetsRetired;
        private long objectsMarked;
        private long objectsDeleted;
        private long bytesReclaimed;

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
                    objectsMarked, objectsDeleted, bytesReclaimed, durationMs);
        }
    }
}
