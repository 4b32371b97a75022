package io.sluice.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The target assignment: balanced and sticky, in the manner of KIP-848's uniform assignor. Each topic's
 * partitions are spread over the members subscribed to it so that counts differ by at most one; a
 * partition stays with its previous target owner whenever that owner is still subscribed and within its
 * share, so a join or a leave moves as few partitions as balance allows. Ties go to the member with the
 * fewest partitions overall, then to the smallest member id, so the result is deterministic.
 */
public final class Assignor {

    private Assignor() {
    }

    /**
     * @param subscriptions member id to subscribed topics
     * @param partitions    topic to partition count (topics that do not exist are absent)
     * @param previous      the previous target, member id to partitions
     */
    public static Map<String, List<TopicPartition>> assign(SortedMap<String, List<String>> subscriptions,
                                                           Map<String, Integer> partitions,
                                                           Map<String, List<TopicPartition>> previous) {
        Map<TopicPartition, String> previousOwner = new HashMap<>();
        previous.forEach((member, tps) -> tps.forEach(tp -> previousOwner.put(tp, member)));
        Map<String, List<TopicPartition>> result = new TreeMap<>();
        Map<String, Integer> total = new HashMap<>();
        subscriptions.keySet().forEach(m -> {
            result.put(m, new ArrayList<>());
            total.put(m, 0);
        });

        TreeSet<String> topics = new TreeSet<>();
        subscriptions.values().forEach(topics::addAll);
        for (String topic : topics) {
            int count = partitions.getOrDefault(topic, 0);
            List<String> members = subscriptions.entrySet().stream()
                    .filter(e -> e.getValue().contains(topic)).map(Map.Entry::getKey).toList();
            if (count == 0 || members.isEmpty()) {
                continue;
            }
            int floor = count / members.size();
            int ceilSlots = count % members.size();
            Map<String, Integer> kept = new HashMap<>();
            members.forEach(m -> kept.put(m, 0));
            List<TopicPartition> unassigned = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                String owner = previousOwner.get(tp);
                if (owner != null && kept.containsKey(owner)) {
                    int held = kept.get(owner);
                    if (held < floor) {
                        give(result, total, kept, owner, tp);
                        continue;
                    }
                    if (held == floor && ceilSlots > 0) {
                        ceilSlots--;
                        give(result, total, kept, owner, tp);
                        continue;
                    }
                }
                unassigned.add(tp);
            }
            Comparator<String> fewest = Comparator.<String>comparingInt(kept::get)
                    .thenComparingInt(total::get).thenComparing(Comparator.naturalOrder());
            for (TopicPartition tp : unassigned) {
                String under = members.stream().filter(m -> kept.get(m) < floor).min(fewest).orElse(null);
                if (under == null) {
                    under = members.stream().filter(m -> kept.get(m) == floor).min(fewest).orElseThrow();
                    ceilSlots--;
                }
                give(result, total, kept, under, tp);
            }
        }
        result.values().forEach(list -> list.sort(Comparator.naturalOrder()));
        return result;
    }

    private static void give(Map<String, List<TopicPartition>> result, Map<String, Integer> total,
                             Map<String, Integer> kept, String member, TopicPartition tp) {
        result.get(member).add(tp);
        kept.merge(member, 1, Integer::sum);
        total.merge(member, 1, Integer::sum);
    }
}
