package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupService.Transition;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** {@link GroupService#transition}: a heartbeat's effect on a group, with no store and no clock. */
class GroupTransitionTest {

    private static final ToIntFunction<String> FOUR_PARTITIONS = topic -> 4;
    private static final int SESSION = 10_000;

    private static Transition<HeartbeatResult> beat(GroupState state, String member, long epoch, long now) {
        return GroupService.transition(state, member, new Heartbeat(member, epoch, List.of("t"), SESSION), SESSION,
                now, FOUR_PARTITIONS);
    }

    @Test
    void aJoinToAnEmptyGroupTakesEveryPartitionAndBumpsTheEpochs() {
        Transition<HeartbeatResult> join = beat(GroupState.empty("g"), "a", 0, 1_000);

        assertThat(join.next().version()).isEqualTo(1);
        assertThat(join.next().groupEpoch()).isEqualTo(1);
        assertThat(join.result().memberEpoch()).isEqualTo(1);
        assertThat(join.result().assignment()).extracting(TopicPartition::partition).containsExactly(0, 1, 2, 3);
        assertThat(join.result().heartbeatIntervalMs()).isEqualTo(SESSION / 3);
    }

    @Test
    void aSecondMemberGetsOnlyWhatTheFirstHasGivenUp() {
        GroupState one = beat(GroupState.empty("g"), "a", 0, 1_000).next();
        Transition<HeartbeatResult> second = beat(one, "b", 0, 1_100);
        assertThat(second.result().assignment()).as("a still owns everything until it heartbeats").isEmpty();

        Transition<HeartbeatResult> aTold = beat(second.next(), "a", 1, 1_200);
        assertThat(aTold.result().assignment()).hasSize(2);
        Transition<HeartbeatResult> bEarly = beat(aTold.next(), "b", second.result().memberEpoch(), 1_250);
        assertThat(bEarly.result().assignment()).as("a has not acknowledged giving two up").isEmpty();

        Transition<HeartbeatResult> aAcknowledges = beat(bEarly.next(), "a", aTold.result().memberEpoch(), 1_300);
        Transition<HeartbeatResult> bAgain = beat(aAcknowledges.next(), "b", bEarly.result().memberEpoch(), 1_400);
        assertThat(bAgain.result().assignment()).as("what a gave up, once it acknowledged").hasSize(2)
                .doesNotContainAnyElementsOf(aAcknowledges.result().assignment());
    }

    @Test
    void expiredMembersAreDroppedAndAnUnknownMemberIsFenced() {
        GroupState one = beat(GroupState.empty("g"), "a", 0, 1_000).next();

        Transition<HeartbeatResult> later = beat(one, "b", 0, 1_000 + SESSION + 1);
        assertThat(later.next().members()).containsOnlyKeys("b");
        assertThat(later.result().assignment()).hasSize(4);

        assertThatThrownBy(() -> beat(later.next(), "a", 1, 1_000 + SESSION + 2))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FENCED));
    }

    @Test
    void anEpochTheMemberWasNeverGivenIsFencedAndALeaveRemovesTheMember() {
        Transition<HeartbeatResult> join = beat(GroupState.empty("g"), "a", 0, 1_000);
        assertThatThrownBy(() -> beat(join.next(), "a", 7, 1_100))
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FENCED));

        assertThatThrownBy(() -> beat(join.next(), "a", -1, 1_200)).as("a leave that names no epoch")
                .isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FENCED));
        Transition<HeartbeatResult> leave = GroupService.transition(join.next(), "a",
                Heartbeat.leave("a", join.result().memberEpoch()), SESSION, 1_200, FOUR_PARTITIONS);
        assertThat(leave.next().members()).isEmpty();
        assertThat(leave.next().groupEpoch()).isEqualTo(join.next().groupEpoch() + 1);
        assertThat(leave.result().memberEpoch()).isEqualTo(-1);
    }
}
