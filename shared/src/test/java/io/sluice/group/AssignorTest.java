package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AssignorTest {

    private static SortedMap<String, List<String>> members(String... ids) {
        SortedMap<String, List<String>> subscriptions = new TreeMap<>();
        for (String id : ids) {
            subscriptions.put(id, List.of("t"));
        }
        return subscriptions;
    }

    private static int moved(Map<String, List<TopicPartition>> before, Map<String, List<TopicPartition>> after) {
        Map<TopicPartition, String> owner = new HashMap<>();
        before.forEach((m, tps) -> tps.forEach(tp -> owner.put(tp, m)));
        int moved = 0;
        for (var e : after.entrySet()) {
            for (TopicPartition tp : e.getValue()) {
                if (owner.containsKey(tp) && !owner.get(tp).equals(e.getKey())) {
                    moved++;
                }
            }
        }
        return moved;
    }

    private static void assertBalancedAndComplete(Map<String, List<TopicPartition>> target, int partitions) {
        List<TopicPartition> all = new ArrayList<>();
        target.values().forEach(all::addAll);
        assertThat(all).hasSize(partitions).doesNotHaveDuplicates();
        int min = target.values().stream().mapToInt(List::size).min().orElse(0);
        int max = target.values().stream().mapToInt(List::size).max().orElse(0);
        assertThat(max - min).isLessThanOrEqualTo(1);
    }

    @Test
    void spreadsEvenlyAndDeterministically() {
        Map<String, List<TopicPartition>> target = Assignor.assign(members("a", "b", "c"), Map.of("t", 6), Map.of());
        assertBalancedAndComplete(target, 6);
        assertThat(target).isEqualTo(Assignor.assign(members("a", "b", "c"), Map.of("t", 6), Map.of()));
    }

    @Test
    void aJoinMovesOnlyWhatBalanceNeeds() {
        Map<String, List<TopicPartition>> three = Assignor.assign(members("a", "b", "c"), Map.of("t", 6), Map.of());
        Map<String, List<TopicPartition>> four = Assignor.assign(members("a", "b", "c", "d"), Map.of("t", 6), three);
        assertBalancedAndComplete(four, 6);
        assertThat(four.get("d")).hasSize(1);
        assertThat(moved(three, four)).isEqualTo(1);
    }

    @Test
    void aLeaveMovesOnlyTheLeaversPartitions() {
        Map<String, List<TopicPartition>> three = Assignor.assign(members("a", "b", "c"), Map.of("t", 6), Map.of());
        SortedMap<String, List<String>> two = members("a", "c");
        Map<String, List<TopicPartition>> after = Assignor.assign(two, Map.of("t", 6), three);
        assertBalancedAndComplete(after, 6);
        for (String kept : List.of("a", "c")) {
            assertThat(after.get(kept)).containsAll(three.get(kept));
        }
    }

    @Test
    void moreMembersThanPartitionsLeavesSomeIdle() {
        Map<String, List<TopicPartition>> target = Assignor.assign(members("a", "b", "c", "d"), Map.of("t", 2), Map.of());
        assertBalancedAndComplete(target, 2);
        assertThat(target.values().stream().filter(List::isEmpty).count()).isEqualTo(2);
    }

    @Test
    void onlySubscribersGetATopicAndUnknownTopicsAreSkipped() {
        SortedMap<String, List<String>> subscriptions = new TreeMap<>(Map.of(
                "a", List.of("x", "y"), "b", List.of("y"), "c", List.of("missing")));
        Map<String, List<TopicPartition>> target = Assignor.assign(subscriptions, Map.of("x", 3, "y", 4), Map.of());
        assertThat(target.get("a")).filteredOn(tp -> tp.topic().equals("x")).hasSize(3);
        assertThat(target.get("b")).allMatch(tp -> tp.topic().equals("y"));
        assertThat(target.get("c")).isEmpty();
        Set<TopicPartition> all = new HashSet<>();
        target.values().forEach(all::addAll);
        assertThat(all).hasSize(7);
        long ofY = target.get("a").stream().filter(tp -> tp.topic().equals("y")).count();
        assertThat(Math.abs(ofY - target.get("b").size())).isLessThanOrEqualTo(1);
    }
}
