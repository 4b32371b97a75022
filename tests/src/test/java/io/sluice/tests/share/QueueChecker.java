package io.sluice.tests.share;

import io.sluice.share.AckStatus;
import io.sluice.share.AcknowledgeType;
import io.sluice.tests.share.QueueHistory.Ack;
import io.sluice.tests.share.QueueHistory.Acquired;
import io.sluice.tests.share.QueueHistory.DeadLetter;
import io.sluice.tests.share.QueueHistory.Produced;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a queue run's history. Times are the run's one clock; a lock's end is taken as early as it may
 * have been (the send time of the first ack with its token that may have applied), so no check blames
 * the server for what the uncertainty of a failed call allows.
 */
final class QueueChecker {

    private QueueChecker() {
    }

    /** accepted: records done and not dead-lettered, so accepted; inWindow: records not done when the run stopped. */
    record Result(List<String> violations, long accepted, long deadLettered, long records, long inWindow) {
    }

    static Result check(QueueHistory h, String topic, int deliveryAttemptLimit, boolean keyOrdering) {
        List<String> v = new ArrayList<>();
        Map<Long, Produced> produced = new HashMap<>();
        h.produced.forEach(p -> produced.put(id(p.partition(), p.offset()), p));
        Map<Long, List<Acquired>> acquisitions = new HashMap<>();
        h.acquired.forEach(a -> acquisitions.computeIfAbsent(id(a.partition(), a.offset()), k -> new ArrayList<>()).add(a));
        Map<String, List<Ack>> acksByToken = new HashMap<>();
        h.acks.forEach(a -> acksByToken.computeIfAbsent(a.token() + "/" + id(a.partition(), a.offset()),
                k -> new ArrayList<>()).add(a));
        Map<Long, Ack> acceptedOk = new HashMap<>();
        Map<Long, Ack> acceptedMaybe = new HashMap<>();
        Map<Long, Ack> rejectedMaybe = new HashMap<>();
        for (Ack a : h.acks) {
            long id = id(a.partition(), a.offset());
            if (a.type() == AcknowledgeType.ACCEPT && a.status() == AckStatus.OK) {
                acceptedOk.merge(id, a, (x, y) -> {
                    v.add("offset " + a.partition() + "/" + a.offset() + " accepted OK twice");
                    return x;
                });
            }
            if (a.type() == AcknowledgeType.ACCEPT && a.mayHaveApplied()) {
                acceptedMaybe.put(id, a);
            }
            if (a.type() == AcknowledgeType.REJECT && a.mayHaveApplied()) {
                rejectedMaybe.put(id, a);
            }
        }

        // Locks: never two unexpired at once on one record; none delivered beyond the limit or after accepted.
        for (Map.Entry<Long, List<Acquired>> e : acquisitions.entrySet()) {
            List<Acquired> list = e.getValue();
            list.sort(Comparator.comparingLong(Acquired::acquiredAt));
            for (int i = 0; i < list.size(); i++) {
                Acquired a = list.get(i);
                if (a.deliveryCount() > deliveryAttemptLimit) {
                    v.add(describe(a) + " delivered " + a.deliveryCount() + " times, over the limit " + deliveryAttemptLimit);
                }
                if (!produced.containsKey(e.getKey())) {
                    v.add(describe(a) + " was never produced");
                }
                if (i > 0) {
                    Acquired previous = list.get(i - 1);
                    if (a.acquiredAt() < earliestEnd(previous, acksByToken)) {
                        v.add(describe(a) + " acquired at " + a.acquiredAt() + " under " + a.token() + " while "
                                + previous.token() + " held it until " + earliestEnd(previous, acksByToken));
                    }
                    if (a.deliveryCount() <= previous.deliveryCount()) {
                        v.add(describe(a) + " delivery count " + a.deliveryCount() + " after " + previous.deliveryCount());
                    }
                }
                Ack accepted = acceptedOk.get(e.getKey());
                if (accepted != null && a.acquiredAt() > accepted.answeredAt()) {
                    v.add(describe(a) + " acquired again after it was accepted");
                }
            }
            if (list.size() > deliveryAttemptLimit) {
                v.add("offset " + e.getKey() + " acquired " + list.size() + " times, over the limit");
            }
        }

        // The dead-letter topic: each record once, with its origin, and only rejected or exhausted ones.
        Map<Long, DeadLetter> dead = new HashMap<>();
        for (DeadLetter d : h.deadLetters) {
            long id = id(d.partition(), d.offset());
            if (!topic.equals(d.topic())) {
                v.add("dead letter from unexpected topic " + d.topic());
            }
            if (dead.put(id, d) != null) {
                v.add("offset " + d.partition() + "/" + d.offset() + " dead-lettered twice");
            }
            if (!produced.containsKey(id)) {
                v.add("dead letter for " + d.partition() + "/" + d.offset() + " that was never produced");
            }
            if (acceptedOk.containsKey(id)) {
                v.add("offset " + d.partition() + "/" + d.offset() + " both accepted and dead-lettered");
            }
            boolean rejected = "rejected".equals(d.reason()) && rejectedMaybe.containsKey(id);
            boolean exhausted = "exhausted".equals(d.reason()) && d.deliveryCount() == deliveryAttemptLimit;
            if (!rejected && !exhausted) {
                v.add("dead letter " + d + " is neither a rejected record nor one out of attempts");
            }
        }
        for (Map.Entry<Long, Ack> r : rejectedMaybe.entrySet()) {
            if (r.getValue().status() == AckStatus.OK && !dead.containsKey(r.getKey())
                    && r.getKey() % PARTITION_STRIDE < h.finalStartOffsets.getOrDefault((int) (r.getKey() / PARTITION_STRIDE), 0L)) {
                v.add("offset " + r.getKey() + " was rejected but is not in the dead-letter topic");
            }
        }

        // Nothing lost: everything below a partition's start offset was accepted or dead-lettered.
        long inWindow = 0;
        long acceptedDone = 0;
        for (Produced p : produced.values()) {
            long id = id(p.partition(), p.offset());
            long start = h.finalStartOffsets.getOrDefault(p.partition(), 0L);
            if (p.offset() < start) {
                if (!dead.containsKey(id)) {
                    acceptedDone++;
                }
                if (!acceptedMaybe.containsKey(id) && !dead.containsKey(id)) {
                    v.add("offset " + p.partition() + "/" + p.offset() + " is below the start offset " + start
                            + " but was neither accepted nor dead-lettered");
                }
            } else {
                inWindow++;
                if (dead.containsKey(id) && !h.finalPendingDeadLetters.contains(id)
                        && !h.finalArchivedInWindow.contains(id)) {
                    v.add("offset " + p.partition() + "/" + p.offset() + " dead-lettered but neither done, archived"
                            + " nor pending confirmation");
                }
            }
        }

        if (keyOrdering) {
            checkKeys(h, acksByToken, v);
        }
        return new Result(v, acceptedDone, dead.size(), produced.size(), inWindow);
    }

    /** Under key ordering: no two records of a key in flight at once, and a key's accepts in offset order. */
    private static void checkKeys(QueueHistory h, Map<String, List<Ack>> acksByToken, List<String> v) {
        Map<String, List<Acquired>> byKey = new HashMap<>();
        h.acquired.forEach(a -> {
            if (a.key() != null) {
                byKey.computeIfAbsent(a.partition() + "/" + a.key(), k -> new ArrayList<>()).add(a);
            }
        });
        for (List<Acquired> list : byKey.values()) {
            list.sort(Comparator.comparingLong(Acquired::acquiredAt));
            for (int i = 0; i < list.size(); i++) {
                for (int j = i + 1; j < list.size(); j++) {
                    Acquired a = list.get(i);
                    Acquired b = list.get(j);
                    if (a.offset() != b.offset() && b.acquiredAt() < earliestEnd(a, acksByToken)) {
                        v.add("key " + a.key() + ": " + describe(b) + " acquired while " + describe(a) + " was in flight");
                    }
                }
            }
        }
        Map<String, List<Ack>> accepts = new HashMap<>();
        Map<Long, String> keys = new HashMap<>();
        h.produced.forEach(p -> keys.put(id(p.partition(), p.offset()), p.key()));
        for (Ack a : h.acks) {
            String key = keys.get(id(a.partition(), a.offset()));
            if (a.type() == AcknowledgeType.ACCEPT && a.status() == AckStatus.OK && key != null) {
                accepts.computeIfAbsent(a.partition() + "/" + key, k -> new ArrayList<>()).add(a);
            }
        }
        for (List<Ack> list : accepts.values()) {
            for (Ack x : list) {
                for (Ack y : list) {
                    if (x.offset() < y.offset() && y.answeredAt() < x.sentAt()) {
                        v.add("key accepts out of order: " + y.partition() + "/" + y.offset() + " before " + x.offset());
                    }
                }
            }
        }
    }

    /** The earliest moment the acquisition's lock may have ended: its expiry, or an ack that may have ended it. */
    private static long earliestEnd(Acquired a, Map<String, List<Ack>> acksByToken) {
        long end = a.expiresAt();
        for (Ack ack : acksByToken.getOrDefault(a.token() + "/" + id(a.partition(), a.offset()), List.of())) {
            if (ack.type() != AcknowledgeType.RENEW && ack.mayHaveApplied()) {
                end = Math.min(end, ack.sentAt());
            }
        }
        return end;
    }

    static final long PARTITION_STRIDE = 1L << 40;

    static long id(int partition, long offset) {
        return partition * PARTITION_STRIDE + offset;
    }

    private static String describe(Acquired a) {
        return "offset " + a.partition() + "/" + a.offset() + " (delivery " + a.deliveryCount() + ")";
    }
}
