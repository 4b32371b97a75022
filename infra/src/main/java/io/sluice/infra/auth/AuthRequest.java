package io.sluice.infra.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request as the gateway received it, before any handler sees it: the method, the raw (still
 * percent-encoded) path and query, every header with every value it arrived with, and the body bytes.
 *
 * @param headers by lower-case name; several values of one name in the order received
 */
public record AuthRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                          byte[] body) {

    public AuthRequest {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values));
        lower.replaceAll((name, values) -> List.copyOf(values));
        headers = java.util.Collections.unmodifiableMap(lower);
        rawQuery = rawQuery == null ? "" : rawQuery;
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
