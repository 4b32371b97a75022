package io.sluice.tests.share;

import io.sluice.share.AckStatus;
import io.sluice.share.AcknowledgeType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/** What the queue run saw: records produced, every acquisition returned, every ack sent and its answer. */
final class QueueHistory {

    /** A produced record: its place, and its key (null if none). */
    record Produced(int partition, long offset, String key) {
    }

    /** A record a fetch returned. The server acquired it at {@code expiresAt - lockMs}. */
    record Acquired(int partition, long offset, String key, String token, long expiresAt, long lockMs,
                    int deliveryCount) {
        long acquiredAt() {
            return expiresAt - lockMs;
        }
    }

    /** An ack sent at {@code sentAt} and answered by {@code answeredAt}; status null: the call failed (unknown). */
    record Ack(int partition, long offset, String token, AcknowledgeType type, AckStatus status, long sentAt,
               long answeredAt) {
        boolean mayHaveApplied() {
            return status == null || status == AckStatus.OK;
        }
    }

    /** A dead-letter copy, by its headers. */
    record DeadLetter(String topic, int partition, long offset, int deliveryCount, String reason) {
    }

    final ConcurrentLinkedQueue<Produced> produced = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Acquired> acquired = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();

    /** Filled at the end: each partition's final start offset, and the dead-letter topic's records. */
    volatile Map<Integer, Long> finalStartOffsets = Map.of();
    /**
     * Records archived with a dead-letter intent still in their share-partition item when the run stopped
     * (the copy may already be in the log; the next call there would confirm it, see ShareGroupServiceTest).
     */
    volatile java.util.Set<Long> finalPendingDeadLetters = java.util.Set.of();
    /**
     * Records archived (dead-letter copy confirmed) but still inside the window when the run stopped: a record
     * before them was not done yet, so the start offset could not pass them. Only a run that stops before the
     * queue drains leaves any.
     */
    volatile java.util.Set<Long> finalArchivedInWindow = java.util.Set.of();
    volatile List<DeadLetter> deadLetters = List.of();
}
