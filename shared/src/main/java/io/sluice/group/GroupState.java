package io.sluice.group;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A consumer group, as one item: changed only by conditional writes on {@code version}.
 *
 * @param groupEpoch grows whenever membership, subscriptions or the target assignment change
 * @param members    by member id
 * @param target     the assignment the group converges to, by member id
 */
public record GroupState(String group, long version, long groupEpoch, Map<String, Member> members,
                         Map<String, List<TopicPartition>> target) {

    public GroupState {
        members = Map.copyOf(new TreeMap<>(members));
        target = Map.copyOf(target);
    }

    public static GroupState empty(String group) {
        return new GroupState(group, 0, 0, Map.of(), Map.of());
    }

    /** True if a member has not expired at {@code now}. */
    public boolean hasLiveMembers(long now) {
        return members.values().stream().anyMatch(m -> !m.expiredAt(now));
    }
}
