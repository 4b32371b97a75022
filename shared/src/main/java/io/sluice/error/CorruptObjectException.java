package io.sluice.error;

import java.util.Map;

/**
 * Stored bytes failed validation. Names the object and the byte position in it, and, for a checksum
 * mismatch, both the stored and the computed CRC. Raised instead of ever returning altered data.
 */
public final class CorruptObjectException extends SluiceException {

    private static final long serialVersionUID = 1L;

    private final String objectKey;
    private final long position;

    public CorruptObjectException(String objectKey, long position, String problem) {
        super(ErrorCode.CORRUPT_DATA,
                "corrupt object " + objectKey + " at byte " + position + ": " + problem,
                Map.of("objectKey", objectKey, "position", position));
        this.objectKey = objectKey;
        this.position = position;
    }

    public String objectKey() {
        return objectKey;
    }

    /** Byte position in the object where the damaged structure starts. */
    public long position() {
        return position;
    }
}
