package io.sluice.group;

import io.sluice.meta.DynamoItemSize;
import io.sluice.meta.InMemoryQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link GroupStore} in maps under one lock, for unit tests and as the contract's reference. It is no
 * looser than DynamoDB: a checkpoint over 400 KB is refused with DynamoDB's exception
 * ({@link DynamoItemSize}), and a group's checkpoints are read page by page, at most 1 MB a page, the way
 * a DynamoDB Query reads them ({@link InMemoryQuery}).
 */
public final class InMemoryGroupStore implements GroupStore {

    private final Map<String, GroupState> groups = new HashMap<>();
    private final Map<String, TreeMap<TopicPartition, Checkpoint>> checkpoints = new HashMap<>();
    private final TreeMap<String, GroupIndexEntry> index = new TreeMap<>();
    private final InMemoryQuery query = new InMemoryQuery();
    private long indexQueries;
    private long groupReads;

    /** Query pages read so far, each at most 1 MB as DynamoDB reads them. */
    public long queryPages() {
        return query.pages();
    }

    @Override
    public synchronized Optional<GroupState> getGroup(String group) {
        groupReads++;
        return Optional.ofNullable(groups.get(group));
    }

    /** Refuses, as DynamoDB would, a group over {@link GroupItem#MAX_BYTES} in DynamoDB's encoding. */
    @Override
    public synchronized boolean compareAndSetGroup(long expectedVersion, GroupState next) {
        next.requireSuccessorOf(expectedVersion);
        GroupItem.requireWithinBound(next, GroupItem.encode(next));
        GroupState current = groups.get(next.group());
        if ((current == null ? 0 : current.version()) != expectedVersion) {
            return false;
        }
        groups.put(next.group(), next);
        return true;
    }

    @Override
    public synchronized CommitOutcome commit(Checkpoint checkpoint) {
        DynamoItemSize.requireWithinItemLimit(DynamoGroupStore.item(checkpoint));
        TreeMap<TopicPartition, Checkpoint> stored = checkpoints.computeIfAbsent(checkpoint.group(), g -> new TreeMap<>());
        Checkpoint current = stored.get(checkpoint.topicPartition());
        CommitOutcome outcome = CommitOutcome.of(current, checkpoint);
        if (outcome == CommitOutcome.COMMITTED) {
            stored.put(checkpoint.topicPartition(), checkpoint);
        }
        return outcome;
    }

    @Override
    public synchronized CommitOutcome rewind(Checkpoint checkpoint) {
        TreeMap<TopicPartition, Checkpoint> stored = checkpoints.computeIfAbsent(checkpoint.group(), g -> new TreeMap<>());
        CommitOutcome outcome = CommitOutcome.of(stored.get(checkpoint.topicPartition()), checkpoint);
        if (outcome == CommitOutcome.REGRESSION) {
            outcome = CommitOutcome.COMMITTED;
        }
        if (outcome == CommitOutcome.COMMITTED) {
            stored.put(checkpoint.topicPartition(), checkpoint);
        }
        return outcome;
    }

    /** The commit rule, shared with the DynamoDB store's explanation of a failed condition. */
    @Override
    public synchronized void overwrite(Checkpoint checkpoint) {
        DynamoItemSize.requireWithinItemLimit(DynamoGroupStore.item(checkpoint));
        checkpoints.computeIfAbsent(checkpoint.group(), g -> new TreeMap<>()).put(checkpoint.topicPartition(), checkpoint);
    }

    @Override
    public synchronized void indexGroup(String group, long now) {
        GroupIndexEntry current = index.get(group);
        if (current == null || current.writtenAt() < now) {
            index.put(group, new GroupIndexEntry(group, now, false));
        }
    }

    @Override
    public synchronized List<GroupIndexEntry> groupIndex() {
        indexQueries++;
        return List.copyOf(index.values());
    }

    @Override
    public synchronized boolean confirmIndexEntry(String group, long writtenAt) {
        GroupIndexEntry current = index.get(group);
        if (current == null || current.writtenAt() != writtenAt) {
            return false;
        }
        index.put(group, new GroupIndexEntry(group, writtenAt, true));
        return true;
    }

    @Override
    public synchronized boolean dropIndexEntry(String group, long writtenAt) {
        GroupIndexEntry current = index.get(group);
        if (current == null || current.writtenAt() != writtenAt || current.confirmed()) {
            return false;
        }
        index.remove(group);
        return true;
    }

    /** How many times the group index was read ({@link #groupIndex}). */
    public synchronized long indexQueries() {
        return indexQueries;
    }

    /** How many times a group item was read ({@link #getGroup}). */
    public synchronized long groupReads() {
        return groupReads;
    }

    @Override
    public synchronized List<Checkpoint> checkpoints(String group) {
        return new ArrayList<>(query.run(List.copyOf(checkpoints.getOrDefault(group, new TreeMap<>()).values()),
                DynamoGroupStore::item, c -> true, Integer.MAX_VALUE));
    }
}
