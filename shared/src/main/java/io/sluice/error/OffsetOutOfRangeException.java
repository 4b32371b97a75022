package io.sluice.error;

import java.util.Map;

/** An offset outside [logStartOffset, highWatermark]; carries both bounds so the caller can reposition. */
public final class OffsetOutOfRangeException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final long logStartOffset;
    private final long highWatermark;

    public OffsetOutOfRangeException(String topic, int partition, long offset, long logStartOffset, long highWatermark) {
        super(ErrorCode.OFFSET_OUT_OF_RANGE,
                "offset " + offset + " is out of range for " + topic + "/" + partition
                        + ": valid offsets are " + logStartOffset + " to " + highWatermark,
                Map.of("logStartOffset", logStartOffset, "highWatermark", highWatermark));
        this.logStartOffset = logStartOffset;
        this.highWatermark = highWatermark;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long highWatermark() {
        return highWatermark;
    }
}
