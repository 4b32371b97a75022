package io.sluice.tests.support;

import io.sluice.group.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The recorded history of what each member was told it owns, in the order members learned it, and the
 * checker that no partition was ever owned by two members at once.
 *
 * <p>A member owns exactly the partitions of the last heartbeat response it received. It stops owning
 * them when it leaves, or when its session runs out: {@code sessionTimeoutMs} after the last heartbeat
 * it sent (the server's clock starts no earlier than the send, so this end is never later than the
 * server's).
 */
public final class OwnershipHistory {

    enum Kind { SENT, RESPONSE, LEFT }

    record Event(long seq, long time, Kind kind, String member, Set<TopicPartition> assignment) {
    }

    private final List<Event> events = new ArrayList<>();
    private final long sessionTimeoutMs;

    public OwnershipHistory(long sessionTimeoutMs) {
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    public synchronized void sent(String member, long time) {
        events.add(new Event(events.size(), time, Kind.SENT, member, Set.of()));
    }

    public synchronized void response(String member, long time, List<TopicPartition> assignment) {
        events.add(new Event(events.size(), time, Kind.RESPONSE, member, new TreeSet<>(assignment)));
    }

    public synchronized void left(String member, long time) {
        events.add(new Event(events.size(), time, Kind.LEFT, member, Set.of()));
    }

    public synchronized int responses() {
        return (int) events.stream().filter(e -> e.kind() == Kind.RESPONSE).count();
    }

    /** Every moment two members owned one partition; empty if there was none. */
    public synchronized List<String> violations() {
        Map<String, Set<TopicPartition>> owned = new HashMap<>();
        Map<String, Long> lastSent = new HashMap<>();
        List<String> violations = new ArrayList<>();
        for (Event e : events) {
            owned.keySet().removeIf(m -> lastSent.containsKey(m) && lastSent.get(m) + sessionTimeoutMs < e.time());
            switch (e.kind()) {
                case SENT -> lastSent.put(e.member(), e.time());
                case LEFT -> owned.remove(e.member());
                case RESPONSE -> {
                    owned.put(e.member(), e.assignment());
                    for (var other : owned.entrySet()) {
                        if (other.getKey().equals(e.member())) {
                            continue;
                        }
                        Set<TopicPartition> both = new TreeSet<>(other.getValue());
                        both.retainAll(e.assignment());
                        if (!both.isEmpty()) {
                            violations.add("event " + e.seq() + ": " + e.member() + " and " + other.getKey()
                                    + " both own " + both);
                        }
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return violations;
    }
}
