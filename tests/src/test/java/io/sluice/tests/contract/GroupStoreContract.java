package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.Checkpoint;
import io.sluice.group.GroupIndexEntry;
import io.sluice.group.GroupItem;
import io.sluice.group.GroupState;
import io.sluice.group.GroupStore;
import io.sluice.group.GroupStore.CommitOutcome;
import io.sluice.group.Member;
import io.sluice.group.Owned;
import io.sluice.group.TopicPartition;
import io.sluice.meta.DynamoItemSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

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
    void aRewindMovesTheOwnersOwnCheckpointBackButNeverALaterOwners() {
        assertThat(store.commit(checkpoint(0, "id1", 10, 5))).isEqualTo(CommitOutcome.COMMITTED);
        assertThat(store.rewind(checkpoint(0, "id1", 2, 5))).as("the owner seeks back").isEqualTo(CommitOutcome.COMMITTED);
        assertThat(store.checkpoints("g").get(0).committed()).isEqualTo(2);
        assertThat(store.rewind(checkpoint(0, "id1", 0, 4))).as("an earlier owner, a zombie")
                .isEqualTo(CommitOutcome.FENCED);
        assertThat(store.rewind(checkpoint(0, "id1", 1, 6))).as("a later owner").isEqualTo(CommitOutcome.COMMITTED);
        assertThat(store.commit(checkpoint(0, "id1", 0, 6))).as("without rewind, still no regression")
                .isEqualTo(CommitOutcome.REGRESSION);
        assertThat(store.checkpoints("g")).singleElement().satisfies(c -> {
            assertThat(c.committed()).isEqualTo(1);
            assertThat(c.ownerEpoch()).isEqualTo(6);
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

    /** One member holding partitions 0..n-1 of a topic, as assigned, owned and target: the shape a join leaves. */
    private static GroupState groupHolding(int partitions, long version) {
        List<Owned> owned = new ArrayList<>();
        List<TopicPartition> target = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            owned.add(new Owned("orders-eu-west", p, 7));
            target.add(new TopicPartition("orders-eu-west", p));
        }
        Member member = new Member("5f0c7bd4-3f5e-4f4b-9a43-7c1f1d2a9e10", 7, 6, List.of("orders-eu-west"), 45_000,
                1_700_000_000_000L, owned, owned);
        return new GroupState("g", version, 7, Map.of(member.memberId(), member), Map.of(member.memberId(), target));
    }

    @Test
    void aGroupJustUnderTheItemBoundIsWrittenAndOnePartitionMoreIsRefusedWithNothingWritten() {
        int low = 1;
        int high = 1 << 14;
        while (low < high) {
            int mid = (low + high + 1) / 2;
            if (GroupItem.bytes(groupHolding(mid, 1)) <= GroupItem.MAX_BYTES) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        GroupState under = groupHolding(low, 1);
        System.out.printf("a group item holds at most %,d partitions of a 14-character topic name (%,d bytes)%n",
                low, GroupItem.bytes(under));
        GroupState over = groupHolding(low + 1, 2);
        assertThat(GroupItem.bytes(under)).isLessThanOrEqualTo(GroupItem.MAX_BYTES);
        assertThat(GroupItem.bytes(over)).isGreaterThan(GroupItem.MAX_BYTES);

        assertThat(store.compareAndSetGroup(0, under)).isTrue();
        assertThat(store.getGroup("g")).contains(under);
        assertThatThrownBy(() -> store.compareAndSetGroup(1, over)).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.GROUP_TOO_LARGE);
            assertThat(e.getMessage()).contains(String.format("limit of %,d bytes", GroupItem.MAX_BYTES));
        });
        assertThat(store.getGroup("g")).as("nothing was written").contains(under);
    }

    @Test
    void aCheckpointOverDynamoDbsItemLimitIsRefusedAsDynamoDbRefusesItAndNothingChanges() {
        store.commit(checkpoint(0, "id1", 10, 5));
        Checkpoint huge = new Checkpoint("g", "t", 0, "id1", 11, 5, "m-1", "x".repeat(DynamoItemSize.MAX_ITEM_BYTES),
                1_000L);
        assertThatThrownBy(() -> store.commit(huge)).isInstanceOfSatisfying(DynamoDbException.class,
                e -> assertThat(e.getMessage()).contains(DynamoItemSize.ITEM_TOO_LARGE_MESSAGE));
        assertThatThrownBy(() -> store.overwrite(huge)).isInstanceOf(DynamoDbException.class);
        assertThat(store.checkpoints("g")).singleElement().satisfies(c -> assertThat(c.committed()).isEqualTo(10));
    }

    /** Checkpoints as large as a commit allows (4,096 characters of metadata), more than one 1 MB page of them. */
    @Test
    void moreThanAMegabyteOfCheckpointsListsInFullInPartitionOrder() {
        int partitions = 300;
        for (int p = partitions - 1; p >= 0; p--) {
            assertThat(store.commit(new Checkpoint("g", "orders-eu-west", p, "id1", p * 10L, 5,
                    "5f0c7bd4-3f5e-4f4b-9a43-7c1f1d2a9e10", "m".repeat(4_096), 1_000L)))
                    .isEqualTo(CommitOutcome.COMMITTED);
        }
        List<Checkpoint> all = store.checkpoints("g");
        assertThat(all).hasSize(partitions);
        for (int p = 0; p < partitions; p++) {
            assertThat(all.get(p).partition()).isEqualTo(p);
            assertThat(all.get(p).committed()).isEqualTo(p * 10L);
        }
    }

    @Test
    void theGroupIndexListsEachIndexedGroupOnceInNameOrderPendingAndStampedAsWritten() {
        assertThat(store.groupIndex()).isEmpty();
        store.indexGroup("zeta", 100);
        store.indexGroup("alpha", 200);
        store.indexGroup("mid", 300);
        store.indexGroup("alpha", 400);
        assertThat(store.groupIndex()).containsExactly(new GroupIndexEntry("alpha", 400, false),
                new GroupIndexEntry("mid", 300, false), new GroupIndexEntry("zeta", 100, false));
        assertThat(store.compareAndSetGroup(0, new GroupState("unindexed", 1, 1, Map.of(), Map.of()))).isTrue();
        assertThat(store.groupIndex()).as("the index is written by its own call, not by a group write")
                .extracting(GroupIndexEntry::group).containsExactly("alpha", "mid", "zeta");
    }

    @Test
    void anIndexEntryIsNeverStampedBackwards() {
        store.indexGroup("g", 200);
        store.indexGroup("g", 100);
        assertThat(store.groupIndex()).containsExactly(new GroupIndexEntry("g", 200, false));
    }

    @Test
    void anIndexEntryIsConfirmedOrDroppedOnlyAsItWasRead() {
        store.indexGroup("g", 100);
        assertThat(store.dropIndexEntry("g", 99)).as("another stamp").isFalse();
        assertThat(store.confirmIndexEntry("g", 99)).isFalse();
        store.indexGroup("g", 150); // a creator wrote it again after a reader read it at 100
        assertThat(store.dropIndexEntry("g", 100)).as("the creator's entry stays").isFalse();
        assertThat(store.groupIndex()).containsExactly(new GroupIndexEntry("g", 150, false));
        assertThat(store.confirmIndexEntry("g", 150)).isTrue();
        assertThat(store.dropIndexEntry("g", 150)).as("a confirmed entry is never dropped").isFalse();
        assertThat(store.groupIndex()).containsExactly(new GroupIndexEntry("g", 150, true));

        store.indexGroup("h", 100);
        assertThat(store.dropIndexEntry("h", 100)).isTrue();
        assertThat(store.dropIndexEntry("h", 100)).as("already gone").isFalse();
        assertThat(store.confirmIndexEntry("h", 100)).as("never created").isFalse();
        assertThat(store.groupIndex()).extracting(GroupIndexEntry::group).containsExactly("g");
    }
}
