package io.sluice.error;

/**
 * Every error Sluice reports, each paired with its HTTP status. The names are the stable codes clients
 * see in {@code {"error": CODE, "message": ...}}; once published they do not change.
 */
public enum ErrorCode {
    INVALID_REQUEST(400),
    /** The body is not JSON, or not the JSON this route takes. */
    MALFORMED_JSON(400),
    INVALID_TOPIC_NAME(400),
    INVALID_PARTITION_COUNT(400),
    INVALID_CONFIG(400),
    INVALID_RECORD(400),
    /** A record stamped further ahead of the server's clock than its topic's {@code maxTimestampSkewMs}. */
    INVALID_TIMESTAMP(400),
    INVALID_OFFSET(400),
    INVALID_GROUP_NAME(400),
    /**
     * A join (memberEpoch 0) named a member id. Member ids are created by the server only, so a join never
     * names one; the same answer whether or not the group holds that id, so it tells no caller which ids exist.
     */
    INVALID_MEMBER_ID(400),
    /** An acknowledgement's lockToken is not a token the service issues (a valid one that lost its lock is a per-offset status). */
    INVALID_LOCK(400),
    /** An ACL binding with a missing or invalid field (issue 16). */
    INVALID_ACL(400),
    /**
     * The caller's principal may not do this operation on this resource (issue 16). The message names the
     * operation and the resource, never what would have allowed it. An unknown topic or group the caller
     * may not see answers this too, not 404, so that names do not leak.
     */
    NOT_AUTHORIZED(403),
    /** No route has this path. */
    ROUTE_NOT_FOUND(404),
    UNKNOWN_TOPIC(404),
    UNKNOWN_PARTITION(404),
    UNKNOWN_GROUP(404),
    /** No share group of this name (issue 18). */
    UNKNOWN_SHARE_GROUP(404),
    /** {@code DELETE /acls} named a binding that is not stored (issue 16). */
    UNKNOWN_ACL(404),
    /** The path exists but not with this method. */
    METHOD_NOT_ALLOWED(405),
    TOPIC_EXISTS(409),
    CONFLICT(409),
    /** A zombie: an unknown or expired member, a stale member epoch, or a partition the member does not own. */
    FENCED(409),
    /** A sequence gap from an idempotent producer: a batch before this one is missing. */
    OUT_OF_ORDER_SEQUENCE(409),
    /** An old sequence whose offsets are no longer remembered; the batch was committed long ago. */
    DUPLICATE_SEQUENCE(409),
    /**
     * A batch with the sequences of a remembered batch but other content (its checksum differs): not a
     * retry but a different batch reusing sequences. Never answered with the remembered batch's offsets,
     * and nothing is written; the producer must bump its epoch (init with its id) and start over at 0.
     */
    INVALID_SEQUENCE(409),
    /** A producer id never initialized, or whose state this partition no longer keeps; call init again. */
    UNKNOWN_PRODUCER(409),
    /**
     * A new idempotent producer needs a slot in a partition head whose 50 producer states were all written
     * within the dedupe window (1 h); none may be forgotten yet. Nothing was written; retry after
     * {@code retryAfterMs}, or write the partition from fewer producers.
     */
    TOO_MANY_PRODUCERS(409),
    /** The operation needs a group without live members (reset, commits without membership). */
    GROUP_NOT_EMPTY(409),
    RECORD_TOO_LARGE(413),
    /**
     * The heartbeat would make the group's item, its members and their partitions, larger than a group may
     * be (384 KiB, under DynamoDB's 400 KB item limit). Nothing was changed.
     */
    GROUP_TOO_LARGE(413),
    REQUEST_TOO_LARGE(413),
    OFFSET_OUT_OF_RANGE(416),
    /** Too many concurrent writers to one partition head; the request changed nothing and may be retried. */
    CONTENTION(503),
    /** AWS throttled a request of ours; nothing was acknowledged, retry with backoff. */
    THROTTLED(503),
    /** S3 or DynamoDB failed or timed out; the request may or may not have taken effect, retry it (idempotently). */
    UNAVAILABLE(503),
    /** A fault of the server; the body never carries its details. */
    INTERNAL_ERROR(500),
    /** Stored data failed its checksum. Never answered with data. */
    CORRUPT_DATA(500),
    /** An index entry names an object that is gone. */
    DATA_MISSING(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** True when the caller caused the error (4xx) and nothing was changed. */
    public boolean isClientError() {
        return httpStatus >= 400 && httpStatus < 500;
    }
}
