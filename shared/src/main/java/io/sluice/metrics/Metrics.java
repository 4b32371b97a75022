package io.sluice.metrics;

import java.util.Map;

/** Where the services report what they did. Lambda functions write CloudWatch EMF; tests count or ignore. */
public interface Metrics {

    /** A CloudWatch unit. */
    enum Unit { Count, Bytes, Milliseconds }

    void record(String name, double value, Unit unit, Map<String, String> dimensions);

    Metrics NOOP = (name, value, unit, dimensions) -> { };
}
