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

    /**
     * The rule every store holds a group compare-and-set to: a state replaces the one at
     * {@code expectedVersion} only as its successor.
     *
     * @throws IllegalArgumentException if this state's version is not {@code expectedVersion + 1}
     */
    public void requireSuccessorOf(long expectedVersion) {
        if (version != expectedVersion + 1) {
            throw new IllegalArgumentException("next group version must be " + (expectedVersion + 1)
                    + ", was " + version);
        }
    }
}
