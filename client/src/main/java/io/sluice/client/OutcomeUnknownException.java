package io.sluice.client;

/**
 * A record whose fate is unknown: the producer gave up on it after a failure that may have happened after
 * the write (no answer, a timeout, a 5xx, a call over several partitions that failed part-way), so the
 * record may be in the log or not. Read the partition to find out; never assume it was lost. The producer
 * bumps its epoch before that partition's next batch, so a later record can never be taken for a retry of
 * this one (Kafka's KIP-360).
 */
public final class OutcomeUnknownException extends SluiceClientException {

    private static final long serialVersionUID = 1L;

    /** The code of this exception, beside the server's codes. */
    public static final String CODE = "OUTCOME_UNKNOWN";

    public OutcomeUnknownException(String what, Throwable cause) {
        super(cause instanceof SluiceClientException e ? e.status() : 0, CODE,
                what + " may or may not have been written (the outcome is unknown): " + cause.getMessage(), null, cause);
    }

    /** Never: sending the same records again would be a second write, not a retry. */
    @Override
    public boolean retriable() {
        return false;
    }

    @Override
    public boolean outcomeUnknown() {
        return true;
    }
}
