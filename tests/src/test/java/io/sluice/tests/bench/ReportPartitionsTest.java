package io.sluice.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The 16- against 1-partition target takes both calls' replayed times, and shows the wall-clock ratio beside. */
class ReportPartitionsTest {

    private static Map<String, Object> produce(int partitions, int commitThreads, double mibps, double wallMs,
                                               double replayedMs) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("measurement", "produce_service");
        r.put("latency", "aws");
        r.put("batchBytes", 1 << 20);
        r.put("partitions", partitions);
        r.put("producers", 1);
        r.put("commitThreads", commitThreads);
        r.put("MiBps", mibps);
        r.put("callMeanMs", wallMs);
        r.put("replayedCallMeanMs", replayedMs);
        r.put("replayedCallP50ms", replayedMs - 5);
        r.put("replayedCallP99ms", replayedMs + 40);
        return r;
    }

    @Test
    void theTargetIsTheRatioOfReplayedMeansWithTheWallClockRatioBeside() {
        Report report = new Report(List.of(produce(1, 16, 16.0, 62.5, 60.0),
                produce(16, 16, 8.0, 125.0, 81.0), produce(16, 1, 3.0, 333.0, 300.0)), true);

        String targets = report.targets();

        // 81 / 60 = 1.35 replayed (met); the wall clock says 16 / 8 = 2.00; the 1-thread row is not the 16-partition call
        assertThat(targets).contains("wall clock 2.00) | 1.35 | yes |");
        assertThat(report.allTargetsMet()).isTrue();
    }

    @Test
    void aReplayedRatioOverTheBoundIsMissed() {
        Report report = new Report(List.of(produce(1, 16, 16.0, 62.5, 60.0), produce(16, 16, 15.0, 66.0, 91.0)), true);

        assertThat(report.targets()).contains("| 1.52 | **no** |");
        assertThat(report.allTargetsMet()).isFalse();
    }

    @Test
    void theNoteGivesThisRunsFigures() {
        Report report = new Report(List.of(produce(1, 16, 16.0, 62.5, 60.0), produce(16, 16, 8.0, 125.0, 81.0)), true);

        assertThat(report.partitionsNote()).contains("partition 62.5 ms a call on the wall clock, 60.0 ms replayed")
                .contains("partitions 125.0 ms, 81.0 ms\n").contains("replayed (p50 76, p99 121 ms)");
    }
}
