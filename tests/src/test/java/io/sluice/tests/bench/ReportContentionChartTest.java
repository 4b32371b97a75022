package io.sluice.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart of throughput against producers plots each measured row where its value says. */
class ReportContentionChartTest {

    private static Map<String, Object> row(String measurement, int producers, double commitsPerSecond,
                                           double failedWritesPerCommit) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("measurement", measurement);
        r.put("latency", "aws");
        r.put("producers", producers);
        r.put("commitsPerSecond", commitsPerSecond);
        r.put("failedWritesPerCommit", failedWritesPerCommit);
        return r;
    }

    /** Every polyline's points, as [x, y] pairs, in document order. */
    private static List<List<double[]>> polylines(String svg) {
        List<List<double[]>> lines = new ArrayList<>();
        Matcher m = Pattern.compile("<polyline[^>]*points=\"([^\"]*)\"").matcher(svg);
        while (m.find()) {
            List<double[]> points = new ArrayList<>();
            for (String p : m.group(1).split(" ")) {
                String[] xy = p.split(",");
                points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
            }
            lines.add(points);
        }
        return lines;
    }

    @Test
    void bothPanelsPlotNowAndBeforeAtEveryProducerCount() {
        Report report = new Report(List.of(
                row("contention_before", 1, 20, 0), row("contention", 1, 20, 0),
                row("contention_before", 4, 40, 1.5), row("contention", 4, 30, 0.2),
                row("contention_before", 16, 60, 3.2), row("contention", 16, 35, 0.4),
                row("contention_before", 64, 60, 7.6), row("contention", 64, 40, 0.8)), true);

        String svg = report.contentionSvg();
        List<List<double[]>> lines = polylines(svg);

        // commits/s panel: now, before; failed writes panel: now, before
        assertThat(lines).hasSize(4).allSatisfy(line -> assertThat(line).hasSize(4));
        List<double[]> commitsNow = lines.get(0);
        List<double[]> commitsBefore = lines.get(1);
        // x grows with producers; y is flipped (SVG), so more commits/s is a smaller y
        for (int i = 1; i < 4; i++) {
            assertThat(commitsNow.get(i)[0]).isGreaterThan(commitsNow.get(i - 1)[0]);
        }
        assertThat(commitsBefore.get(0)[1]).isEqualTo(commitsNow.get(0)[1]);
        assertThat(commitsBefore.get(2)[1]).isLessThan(commitsNow.get(2)[1]);
        // linear from 0: 35 commits/s sits at 35/60 of the way from 60 commits/s to the axis
        double axis = 40 + 260;
        assertThat((axis - commitsNow.get(2)[1]) / (axis - commitsBefore.get(2)[1])).isCloseTo(35.0 / 60, within());
        List<double[]> failedNow = lines.get(2);
        List<double[]> failedBefore = lines.get(3);
        assertThat((axis - failedNow.get(3)[1]) / (axis - failedBefore.get(3)[1])).isCloseTo(0.8 / 7.6, within());
        assertThat(svg).contains("commits/s").contains("failed head writes per commit").contains(">64</text>");
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.01);
    }
}
