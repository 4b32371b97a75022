package io.sluice.api;

import io.sluice.format.LogRecord;
import io.sluice.format.RecordHeader;
import io.sluice.log.FetchedRecord;

/**
 * What a fetched record adds to the Lambda response that carries it, counted from above, so that a
 * fetch can stop before Lambda's 6 MB response limit (6,291,456 bytes) whatever its records hold.
 *
 * <p>A handler answers {@code {"statusCode":200,"headers":{...},"body":"<the JSON>","isBase64Encoded":false}}:
 * the fetch JSON travels as a JSON string inside the Lambda response, so it is escaped twice. A record
 * costs its JSON framing, with every quote counted twice ({@code "} becomes {@code \"}), its key, value
 * and header values as base64 (4 characters per 3 bytes, none of which need escaping), and its header
 * keys, the only free text, at their worst: a control character is {@code \u0001} in the body and
 * {@code \\u0001} in the response (7 bytes), a quote or a backslash 4, any other character outside
 * ASCII at most 7 bytes per UTF-16 unit (escaped as {@code \\uXXXX}, or up to 3 bytes of UTF-8 raw).
 */
public final class ResponseSize {

    /** Lambda's limit on a synchronous response, the whole JSON the function returns. */
    public static final int LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;
    /**
     * The most a fetch's records may cost: about 5.5 MB, leaving room under {@link #LAMBDA_RESPONSE_LIMIT} for
     * the response's fixed part and for the first record, which is returned whatever it costs.
     */
    public static final long FETCH_BUDGET = 5_500_000;
    /**
     * The fixed part of a fetch response, counted generously: the Lambda envelope and its headers, and
     * {@code {"records":[],"nextOffset":..,"highWatermark":..,"logStartOffset":..}}.
     */
    public static final int FETCH_FIXED_BYTES = 1_024;

    private ResponseSize() {
    }

    /** The bytes {@code fetched} adds to a fetch's Lambda response, its separating comma included. */
    public static long of(FetchedRecord fetched) {
        LogRecord record = fetched.record();
        // {"offset":N,"timestamp":N,"key":"K","value":"V","headers":[...]}, quotes doubled, then a comma
        long size = quoted("{\"offset\":,\"timestamp\":,\"value\":\"\",\"headers\":[]}") + 1
                + digits(fetched.offset()) + digits(record.timestamp()) + base64(record.value());
        if (record.key() != null) {
            size += quoted(",\"key\":\"\"") + base64(record.key());
        }
        for (RecordHeader header : record.headers()) {
            // {"key":"K","value":"V"} and a comma
            size += quoted("{\"key\":\"\"}") + 1 + text(header.key());
            if (header.value() != null) {
                size += quoted(",\"value\":\"\"") + base64(header.value());
            }
        }
        return size;
    }

    /** Length of JSON framing once embedded in the Lambda response, where each quote gains a backslash. */
    private static long quoted(String framing) {
        return framing.length() + framing.chars().filter(c -> c == '"').count();
    }

    private static long base64(byte[] bytes) {
        return bytes == null ? 0 : 4L * ((bytes.length + 2) / 3);
    }

    private static long digits(long n) {
        return Long.toString(n).length();
    }

    /** The most a JSON string's characters can take once escaped twice. */
    static long text(String s) {
        long size = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                size += 4;
            } else if (c < 0x20 || c >= 0x7f) {
                size += 7;
            } else {
                size += 1;
            }
        }
        return size;
    }
}
