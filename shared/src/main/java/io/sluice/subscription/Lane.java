package io.sluice.subscription;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.sluice.share.DeadLetterProducer;

/**
 * The delivery state of one lane of a subscription's partition, in one item changed only by writes
 * conditional on {@code version}: where delivery is, who holds the lease, the retry state and the counts.
 *
 * @param position        the next offset to deliver; everything before it was acknowledged or dead-lettered
 * @param leaseToken      the dispatcher holding the lane, if {@code leaseExpiresAt} is still ahead
 * @param attempts        failed attempts at the batch starting at {@code position}
 * @param batchCap        the batch size after bisecting (0: the subscription's batch size)
 * @param retryAt         when the next attempt may start (exponential backoff)
 * @param failed          failed delivery attempts, over the subscription's life
 * @param intent          records being dead-lettered, or null
 * @param producer        the lane's idempotent dead-letter producer, or null before its first dead letter
 */
public record Lane(String subscription, int partition, int lane, long version, long position, String leaseToken,
                   long leaseExpiresAt, int attempts, int batchCap, long retryAt, long delivered, long failed,
                   long deadLettered, String lastError, long lastErrorAt, DeadLetterIntent intent,
                   DeadLetterProducer producer) {

    /** A new lane, starting at {@code position}, written over a stale one at {@code version - 1} (or none: 1). */
    public static Lane start(Dispatch d, long position, long version) {
        return new Lane(d.subscription(), d.partition(), d.lane(), version, position, null, 0, 0, 0, 0, 0, 0, 0, null,
                0, null, null);
    }

    /** The retry state cleared (a resume): the failing batch gets its attempts again. */
    public Lane retriesReset() {
        return new Lane(subscription, partition, lane, version + 1, position, leaseToken, leaseExpiresAt, 0, 0, 0,
                delivered, failed, deadLettered, lastError, lastErrorAt, intent, producer);
    }

    @JsonIgnore
    public Dispatch dispatch() {
        return new Dispatch(subscription, partition, lane);
    }

    /** Whether a dispatcher holds the lane at {@code now}. */
    public boolean leasedAt(long now) {
        return leaseToken != null && leaseExpiresAt > now;
    }

    public boolean heldBy(String token, long now) {
        return token.equals(leaseToken) && leaseExpiresAt > now;
    }

    public Lane leased(String token, long expiresAt) {
        return new Lane(subscription, partition, lane, version + 1, position, token, expiresAt, attempts, batchCap,
                retryAt, delivered, failed, deadLettered, lastError, lastErrorAt, intent, producer);
    }

    public Lane released() {
        return new Lane(subscription, partition, lane, version + 1, position, null, 0, attempts, batchCap, retryAt,
                delivered, failed, deadLettered, lastError, lastErrorAt, intent, producer);
    }

    /** Acknowledged up to {@code next} ({@code count} records delivered); the retry state is cleared. */
    public Lane acknowledged(long next, long count, long leaseUntil) {
        return new Lane(subscription, partition, lane, version + 1, next, leaseToken, leaseUntil, 0, 0, 0,
                delivered + count, failed, deadLettered, lastError, lastErrorAt, intent, producer);
    }

    /** Moved to {@code next} without delivering anything (records of other lanes, or expired ones). */
    public Lane skippedTo(long next, long leaseUntil, String error, long now) {
        return new Lane(subscription, partition, lane, version + 1, next, leaseToken, leaseUntil, attempts, batchCap,
                retryAt, delivered, failed, deadLettered, error == null ? lastError : error,
                error == null ? lastErrorAt : now, intent, producer);
    }

    /** A failed attempt: acknowledged up to {@code next} first (a partial batch), then the retry state. */
    public Lane failedAttempt(long next, long acknowledgedCount, int nextAttempts, int nextCap, long nextRetryAt,
                              String error, long now, long leaseUntil) {
        return new Lane(subscription, partition, lane, version + 1, next, leaseToken, leaseUntil, nextAttempts,
                nextCap, nextRetryAt, delivered + acknowledgedCount, failed + 1, deadLettered, error, now, intent,
                producer);
    }

    public Lane withIntent(DeadLetterIntent next, DeadLetterProducer nextProducer, long leaseUntil) {
        return new Lane(subscription, partition, lane, version + 1, position, leaseToken, leaseUntil, attempts,
                batchCap, retryAt, delivered, failed, deadLettered, lastError, lastErrorAt, next, nextProducer);
    }

    /** The intent's records are in the dead-letter topic: past them, the producer's sequence after them. */
    public Lane deadLettered(long leaseUntil) {
        int n = intent.offsets().size();
        return new Lane(subscription, partition, lane, version + 1, intent.resume(), leaseToken, leaseUntil, 0, 0, 0,
                delivered, failed, deadLettered + n, lastError, lastErrorAt, null,
                producer.withNextSequence(intent.sequence() + n));
    }
}
