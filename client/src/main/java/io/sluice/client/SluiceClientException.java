package io.sluice.client;

import com.fasterxml.jackson.databind.JsonNode;

/** An error answered by Sluice ({@code {"error": CODE, "message": ...}}), or a failure to reach it (status 0). */
public class SluiceClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient JsonNode body;

    public SluiceClientException(int status, String code, String message, JsonNode body, Throwable cause) {
        super(code == null ? message : code + ": " + message, cause);
        this.status = status;
        this.code = code;
        this.body = body;
    }

    /** The HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    /** The stable error code, such as {@code UNKNOWN_TOPIC}, or {@code UNREACHABLE}. */
    public String code() {
        return code;
    }

    /** The whole error body, for details such as {@code highWatermark}. */
    public JsonNode body() {
        return body;
    }

    /** True when the same request may simply be sent again (5xx, throttling, no answer). */
    public boolean retriable() {
        return status == 0 || status >= 500;
    }
}
