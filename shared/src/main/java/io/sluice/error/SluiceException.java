package io.sluice.error;

import java.util.Map;

/** The one exception type of the domain: an {@link ErrorCode}, a message, and optional details. */
public class SluiceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, Object> details;

    public SluiceException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public SluiceException(ErrorCode code, String message, Map<String, Object> details) {
        this(code, message, details, null);
    }

    public SluiceException(ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    /** Extra fields for the error body, such as {@code logStartOffset} and {@code highWatermark}. */
    public Map<String, Object> details() {
        return details;
    }
}
