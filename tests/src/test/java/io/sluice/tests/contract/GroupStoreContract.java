package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.group.Checkpoint;
import io.sluice.group.GroupState;
import io.sluice.group.GroupStore;
import io.sluice.group.GroupStore.CommitOutcome;
import io.sluice.group.Member;
import io.sluice.group.Owned;
import io.sluice.group.TopicPartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link GroupStore} must do; extended once per implementation. */
abstract class GroupStoreContract {

    /** Topic ids are ULIDs: an incarnation created later sorts after an earlier one. */
    private static final String OLDER_ID = "01JAAAAAAAAAAAAAAAAAAAAAAA";
    private static final String NEWER_ID = "01JBBBBBBBBBBBBBBBBBBBBBBB";

    private GroupStore store;

    protected abstract GroupStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    private static Checkpoint checkpoint(int partition, String topicId, long committed, long epoch) {
        return new Checkpoint("g", "t", partition, topicId, committed, epoch, "m-1", "meta", 1_000L);
    }

    @Test
    void groupRoundTripsAndIsReplacedOnlyAtItsVersion() {
        assertThat(store.getGroup("g")).isEmpty();
        Member member = new Member("m-1", 3, 2, List.of("t", "u"), 10_000, 5_000L,
                List.of(new Owned("t", 0, 3)), List.of(new Owned("t", 0, 3), new Owned("t", 1, 2)));
        GroupState first = new GroupState("g", 1, 3, Map.of("m-1", member),
                Map.of("m-1", List.of(new TopicPartition("t", 0))));
        assertThat(store.compareAndSetGroup(0, first)).isTrue();
        assertThat(store.compareAndSetGroup(0, first)).isFalse();
        assertThat(store.getGroup("g")).contains(first);

        GroupState second = new GroupState("g", 2, 4, Map.of(), Map.of());
        assertThat(store.compareAndSetGroup(5, new GroupState("g", 6, 4, Map.of(), Map.of()))).isFalse();
        assertThat(store.compareAndSetGroup(1, second)).isTrue();
        assertThat(store.getGroup("g")).contains(second);
        assertThatThrownBy(() -> store.compareAndSetGroup(2, second)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commitsAreFencedByOwnerEpochAndNeverRegressWithinOne() {
        assertThat(store.commit(checkpoint(0, "id1", 10, 5))).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(store.commit(checkpoint(0, "id1", 12, 5))).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(store.commit(checkpoint(0, "id1", 11, 5))).isEqualTo(CommitOutcome.REGRESSION);
        assertThat(store.commit(checkpoint(0, "id1", 99, 4))).isEqualTo(CommitOutcome.FENCED);
        assertThat(store.commit(checkpoint(0, "id1", 3, 6))).as("a later owner may start anywhere")
                .isEqualTo(CommitOutcome.COMMITTED);
        assertThat(store.checkpoints("g")).singleElement().satisfies(c -> {
            assertThat(c.committed()).isEqualTo(3);
            assertThat(c.ownerEpoch()).isEqualTo(6);
            assertThat(c.memberId()).isEqualTo("m-1");
            assertThat(c.metadata()).isEqualTo("meta");
        });
    }

    @Test
    void aCheckpointOfAnOlderTopicIncarnationIsReplaced() {
        store.commit(checkpoint(0, OLDER_ID, 50, 9));
        assertThat(store.commit(checkpoint(0, NEWER_ID, 1, 1))).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(store.checkpoints("g").get(0).topicId()).isEqualTo(NEWER_ID);
    }

    @Test
    void aCommitOfADeletedIncarnationNeverReplacesTheNewTopicsCheckpoint() {
        store.commit(checkpoint(0, NEWER_ID, 3, 1));
        assertThat(store.commit(checkpoint(0, OLDER_ID, 50, 9))).isEqualTo(CommitOutcome.FENCED);
        assertThat(store.checkpoints("g")).singleElement().satisfies(c -> {
            assertThat(c.topicId()).isEqualTo(NEWER_ID);
            assertThat(c.committed()).isEqualTo(3);
        });
    }

    @Test
    void overwriteIgnoresEpochsAndCheckpointsListInPartitionOrder() {
        store.commit(checkpoint(10, "id1", 10, 5));
        store.commit(checkpoint(2, "id1", 20, 5));
        store.overwrite(new Checkpoint("g", "t", 10, "id1", 0, 1, null, "reset", 2_000L));
        assertThat(store.checkpoints("g")).extracting(Checkpoint::partition).containsExactly(2, 10);
        assertThat(store.checkpoints("g").get(1).committed()).isZero();
        assertThat(store.checkpoints("g").get(1).memberId()).isNull();
        assertThat(store.checkpoints("other")).isEmpty();
    }
}
