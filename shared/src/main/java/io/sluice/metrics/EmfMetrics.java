package io.sluice.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch Embedded Metric Format: one JSON line per data point on stdout, which Lambda ships to
 * CloudWatch Logs and CloudWatch turns into metrics in namespace {@code Sluice}, with no API call and no
 * agent. A small writer rather than Powertools' metrics module, which would add AspectJ and megabytes
 * to a jar whose cold start matters (see docs/architecture.md).
 */
public final class EmfMetrics implements Metrics {

    public static final String NAMESPACE = "Sluice";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;

    public EmfMetrics(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void record(String name, double value, Unit unit, Map<String, String> dimensions) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("_aws", Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", NAMESPACE,
                        "Dimensions", List.of(List.copyOf(dimensions.keySet())),
                        "Metrics", List.of(Map.of("Name", name, "Unit", unit.name()))))));
        line.putAll(dimensions);
        line.put(name, value);
        try {
            String json = JSON.writeValueAsString(line);
            synchronized (out) {
                out.println(json);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
