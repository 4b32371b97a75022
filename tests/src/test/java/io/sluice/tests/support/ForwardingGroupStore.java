package io.sluice.tests.support;

import io.sluice.group.Checkpoint;
import io.sluice.group.GroupIndexEntry;
import io.sluice.group.GroupState;
import io.sluice.group.GroupStore;
import java.util.List;
import java.util.Optional;

/** A {@link GroupStore} that forwards every call; decorators override what they change. */
public abstract class ForwardingGroupStore implements GroupStore {

    protected final GroupStore delegate;

    protected ForwardingGroupStore(GroupStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<GroupState> getGroup(String group) {
        return delegate.getGroup(group);
    }

    @Override
    public boolean compareAndSetGroup(long expectedVersion, GroupState next) {
        return delegate.compareAndSetGroup(expectedVersion, next);
    }

    @Override
    public CommitOutcome commit(Checkpoint checkpoint) {
        return delegate.commit(checkpoint);
    }

    @Override
    public CommitOutcome rewind(Checkpoint checkpoint) {
        return delegate.rewind(checkpoint);
    }

    @Override
    public void overwrite(Checkpoint checkpoint) {
        delegate.overwrite(checkpoint);
    }

    @Override
    public void indexGroup(String group, long now) {
        delegate.indexGroup(group, now);
    }

    @Override
    public List<GroupIndexEntry> groupIndex() {
        return delegate.groupIndex();
    }

    @Override
    public boolean confirmIndexEntry(String group, long writtenAt) {
        return delegate.confirmIndexEntry(group, writtenAt);
    }

    @Override
    public boolean dropIndexEntry(String group, long writtenAt) {
        return delegate.dropIndexEntry(group, writtenAt);
    }

    @Override
    public List<Checkpoint> checkpoints(String group) {
        return delegate.checkpoints(group);
    }
}
