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

    /**
     * True when the same request may simply be sent again: 5xx, throttling (429 from API Gateway, or 503
     * {@code THROTTLED}), no answer. A bad answer to a successful call ({@code BAD_RESPONSE} with a 2xx) is
     * not: it was carried out, and sending it again is not a retry but a second request.
     */
    public boolean retriable() {
        return !"INTERRUPTED".equals(code) && !"NO_TOKEN".equals(code)
                && (status == 0 || status == 429 || status >= 500);
    }

    /**
     * True when the request may or may not have taken effect: no answer arrived (a timeout, a reset
     * connection), the server answered 5xx (for a produce over several partitions some may have been
     * committed), or a 2xx answer could not be read. A 4xx, API Gateway's 429 included, changed nothing.
     */
    public boolean outcomeUnknown() {
        return (status == 0 && !"NO_TOKEN".equals(code)) || status >= 500 || (status >= 200 && status < 300);
    }
}
