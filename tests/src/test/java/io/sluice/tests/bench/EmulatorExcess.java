package io.sluice.tests.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How long a call would have taken had every emulator answered within the latency the model drew for it:
 * the call's wall time with the emulators' own time beyond the draw taken out where it held the call up.
 *
 * <p>Under {@link LatencyModel} a request is held until its drawn latency has passed since it was sent, so
 * it takes {@code max(emulator, draw)}. AWS serves requests for different items in parallel; dynalite is one
 * Node process and s3proxy shares this JVM, so on a shared 2-core machine requests made at once queue behind
 * each other, and the emulator's time exceeds the draw (docs/benchmarks.md, "16 partitions against 1"). Its
 * excess, {@code emulator - draw} when positive, is time AWS would not take; everything else (Sluice's own
 * work before, between and after requests, the SDK's marshalling, the drawn latencies) stays counted.
 *
 * <p>A request is taken to depend on every response that arrived before it started (a join on all of them),
 * so it starts, in the replay, after the latest of their replayed arrivals plus the real time from the last
 * real arrival to its start (Sluice's own time, including waiting for a thread or a core). Joining on a
 * response it did not wait for makes the replay later; the one way it can come out earlier than with the
 * true dependencies is that the gap is measured from the last real arrival, so Sluice's own time between a
 * true dependency's arrival and a later unrelated one is not counted. In a produce call the head updates
 * start after a join on the PUT and every head read and index put, so their last arrival is a true
 * dependency; an index put after its head read may be affected, off the critical path unless the reads and
 * puts outlast the PUT. The call ends
 * after the latest replayed arrival plus the real time from the last arrival to the call's end. With the
 * model off (nothing drawn) the replay is the wall time.
 */
final class EmulatorExcess {

    private EmulatorExcess() {
    }

    /** The call's duration in nanoseconds, as replayed; {@code spans} are the requests made in {@code [start, end]}. */
    static long replayedNanos(List<LatencyModel.Span> spans, long start, long end) {
        List<LatencyModel.Span> byStart = new ArrayList<>(spans);
        byStart.sort(Comparator.comparingLong(LatencyModel.Span::started));
        long[] replayedRelease = new long[byStart.size()];
        long lastRelease = Long.MIN_VALUE;
        long lastReplayed = start;
        for (int i = 0; i < byStart.size(); i++) {
            LatencyModel.Span s = byStart.get(i);
            long latestRelease = Long.MIN_VALUE;
            long latestReplayed = Long.MIN_VALUE;
            for (int d = 0; d < i; d++) {
                LatencyModel.Span dep = byStart.get(d);
                if (dep.released() <= s.started()) {
                    latestRelease = Math.max(latestRelease, dep.released());
                    latestReplayed = Math.max(latestReplayed, replayedRelease[d]);
                }
            }
            long replayedStart = latestRelease == Long.MIN_VALUE ? s.started()
                    : latestReplayed + (s.started() - latestRelease);
            replayedRelease[i] = replayedStart + (s.released() - s.started()) - excessNanos(s);
            lastRelease = Math.max(lastRelease, s.released());
            lastReplayed = Math.max(lastReplayed, replayedRelease[i]);
        }
        if (byStart.isEmpty()) {
            return end - start;
        }
        return lastReplayed + (end - lastRelease) - start;
    }

    /** The emulator's time beyond the drawn latency: 0 when it answered within the draw or nothing was drawn. */
    static long excessNanos(LatencyModel.Span span) {
        if (span.drawnNanos() <= 0) {
            return 0;
        }
        // The hold ends at sent + draw; past that, the response was waiting on the emulator (received) alone.
        return Math.max(0, Math.min(span.released(), span.received()) - (span.sent() + span.drawnNanos()));
    }
}
