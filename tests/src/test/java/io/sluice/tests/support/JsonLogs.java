package io.sluice.tests.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded JSON-log dataset, the compression benchmark's and tests' records: structured application log
 * lines of about 230 bytes (a timestamp, a level, a service, a random trace id, a path, a status, a latency),
 * as a log shipper would produce them. The random fields keep it from compressing unrealistically well.
 */
public final class JsonLogs {

    private static final String[] LEVELS = {"INFO", "WARN", "ERROR", "DEBUG"};
    private static final String[] SERVICES = {"checkout", "payments", "search", "auth", "inventory"};

    private JsonLogs() {
    }

    /** {@code count} log lines from {@code seed}, as UTF-8. */
    public static List<byte[]> lines(int count, long seed) {
        Random random = new Random(seed);
        List<byte[]> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String line = String.format(Locale.ROOT,
                    "{\"ts\":\"2026-11-26T15:%02d:%02d.%03dZ\",\"level\":\"%s\",\"service\":\"%s\","
                            + "\"traceId\":\"%016x\",\"msg\":\"request handled\",\"path\":\"/api/v1/items/%d\","
                            + "\"status\":%d,\"latencyMs\":%d}",
                    random.nextInt(60), random.nextInt(60), random.nextInt(1000), LEVELS[random.nextInt(4)],
                    SERVICES[random.nextInt(5)], random.nextLong(), random.nextInt(10_000),
                    random.nextBoolean() ? 200 : 500, random.nextInt(2_000));
            lines.add(line.getBytes(UTF_8));
        }
        return lines;
    }
}
