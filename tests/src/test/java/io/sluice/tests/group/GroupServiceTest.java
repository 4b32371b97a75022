package io.sluice.tests.group;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.GroupService;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.group.TopicPartition;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.MutableClock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Membership, handoff, fencing, reset and lag, with time moved by hand. */
class GroupServiceTest {

    private static final int SESSION = 10_000;
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private LogServices log;
    private GroupService groups;

    @BeforeEach
    void setUp() {
        log = LogServices.create(new InMemoryObjectStore(clock), new InMemoryMetadataStore(), new InMemoryGroupStore(),
                clock, Backoff.NONE);
        groups = log.groups();
        log.topics().create(new CreateTopic("t", 6, null, null, null));
    }

    private HeartbeatResult join() {
        return groups.heartbeat("g", new Heartbeat(null, 0, List.of("t"), SESSION));
    }

    private HeartbeatResult beat(HeartbeatResult last) {
        return groups.heartbeat("g", new Heartbeat(last.memberId(), last.memberEpoch(), List.of("t"), SESSION));
    }

    /** Produces {@code records} records into every partition of t. */
    private void fill(int records) {
        for (int p = 0; p < 6; p++) {
            for (int i = 0; i < records; i++) {
                log.producer().produce("t", List.of(new ProduceRecord(null, ("v" + i).getBytes(UTF_8), List.of(), p, null)));
            }
        }
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void aLoneMemberGetsEveryPartition() {
        HeartbeatResult a = join();
        assertThat(a.memberId()).isNotBlank();
        assertThat(a.memberEpoch()).isPositive();
        assertThat(a.assignment()).hasSize(6);
        assertThat(a.heartbeatIntervalMs()).isEqualTo(3_333);
        assertThat(beat(a).memberEpoch()).as("nothing changed").isEqualTo(a.memberEpoch());
    }

    @Test
    void aPartitionMovesOnlyAfterItsOwnerGaveItUp() {
        HeartbeatResult a = join();
        HeartbeatResult b = join();
        assertThat(b.assignment()).as("a still owns everything").isEmpty();

        HeartbeatResult aRevoked = beat(a);
        assertThat(aRevoked.assignment()).hasSize(3);
        assertThat(aRevoked.memberEpoch()).isGreaterThan(a.memberEpoch());
        HeartbeatResult bStillWaiting = beat(b);
        assertThat(bStillWaiting.assignment()).as("a has not acknowledged the revocation yet").isEmpty();

        HeartbeatResult aAcked = beat(aRevoked);
        assertThat(aAcked.assignment()).isEqualTo(aRevoked.assignment());
        HeartbeatResult bGot = beat(bStillWaiting);
        assertThat(bGot.assignment()).hasSize(3);
        Set<TopicPartition> union = new HashSet<>(aAcked.assignment());
        union.addAll(bGot.assignment());
        assertThat(union).hasSize(6);
    }

    @Test
    void anExpiredMembersPartitionsGoToOthersAndItsCommitsAreFenced() {
        HeartbeatResult a = join();
        List<TopicPartition> aOwned = a.assignment();
        clock.advance(SESSION + 1);
        HeartbeatResult b = join();
        assertThat(b.assignment()).as("a expired lazily: no timer").hasSize(6);

        assertCode(() -> groups.commit("g", a.memberId(), a.memberEpoch(),
                List.of(new OffsetCommit("t", aOwned.get(0).partition(), 5, null))), ErrorCode.FENCED);
        assertCode(() -> beat(a), ErrorCode.FENCED);
        assertThat(groups.describe("g").offsets()).as("the zombie changed nothing").isEmpty();
    }

    @Test
    void commitsNeedTheRightEpochAndOwnership() {
        fill(10); // commits name offsets the partitions hold: none lies above the high watermark
        HeartbeatResult a = join();
        HeartbeatResult b = join();
        HeartbeatResult aNow = beat(beat(a));
        HeartbeatResult bNow = beat(b);
        TopicPartition ofA = aNow.assignment().get(0);
        TopicPartition ofB = bNow.assignment().get(0);

        assertThat(groups.commit("g", aNow.memberId(), aNow.memberEpoch(),
                List.of(new OffsetCommit("t", ofA.partition(), 7, "m")))).hasSize(1);
        assertCode(() -> groups.commit("g", aNow.memberId(), aNow.memberEpoch() + 5,
                List.of(new OffsetCommit("t", ofA.partition(), 8, null))), ErrorCode.FENCED);
        assertCode(() -> groups.commit("g", aNow.memberId(), aNow.memberEpoch(),
                List.of(new OffsetCommit("t", ofB.partition(), 8, null))), ErrorCode.FENCED);
        assertCode(() -> groups.commit("g", aNow.memberId(), aNow.memberEpoch(),
                List.of(new OffsetCommit("t", ofA.partition(), 3, null))), ErrorCode.CONFLICT);
        assertCode(() -> groups.commit("g", null, null, List.of(new OffsetCommit("t", 0, 1, null))),
                ErrorCode.GROUP_NOT_EMPTY);
        assertThat(groups.describe("g").offsets()).singleElement().satisfies(o -> assertThat(o.committed()).isEqualTo(7));
    }

    @Test
    void leavingFreesPartitionsAtOnce() {
        HeartbeatResult a = join();
        groups.heartbeat("g", Heartbeat.leave(a.memberId(), a.memberEpoch()));
        assertThat(join().assignment()).hasSize(6);
        assertThat(groups.describe("g").members()).hasSize(1);
    }

    @Test
    void commitsWithoutMembershipAndLag() {
        for (int i = 0; i < 5; i++) {
            log.producer().produce("t", List.of(new ProduceRecord(null, ("v" + i).getBytes(UTF_8), List.of(), 2, null)));
        }
        groups.commit("manual", null, null, List.of(new OffsetCommit("t", 2, 3, "note")));
        var description = groups.describe("manual");
        assertThat(description.members()).isEmpty();
        assertThat(description.offsets()).singleElement().satisfies(o -> {
            assertThat(o.committed()).isEqualTo(3);
            assertThat(o.highWatermark()).isEqualTo(5);
            assertThat(o.lag()).isEqualTo(2);
        });
        assertCode(() -> groups.describe("never-used"), ErrorCode.UNKNOWN_GROUP);
    }

    @Test
    void resetNeedsAnEmptyGroupAndFencesEarlierMembers() {
        for (int i = 0; i < 4; i++) {
            log.producer().produce("t", List.of(new ProduceRecord(null, ("v" + i).getBytes(UTF_8), List.of(), 0,
                    1_000L * (i + 1))));
        }
        HeartbeatResult a = join();
        assertCode(() -> groups.reset("g", "t", new GroupService.Earliest()), ErrorCode.GROUP_NOT_EMPTY);
        groups.commit("g", a.memberId(), a.memberEpoch(), List.of(new OffsetCommit("t", 0, 4, null)));
        clock.advance(SESSION + 1);

        List<OffsetCommit> reset = groups.reset("g", "t", new GroupService.AtTimestamp(2_500));
        assertThat(reset).hasSize(6);
        assertThat(reset.get(0).offset()).isEqualTo(2);
        assertThat(reset.get(1).offset()).as("an empty partition resets to its end").isZero();
        assertThat(groups.describe("g").offsets().get(0).committed()).isEqualTo(2);

        assertThat(groups.reset("g", "t", new GroupService.Latest()).get(0).offset()).isEqualTo(4);
        List<OffsetCommit> clamped = groups.reset("g", "t", new GroupService.AtOffset(1));
        assertThat(clamped.get(0).offset()).isEqualTo(1);
        assertThat(clamped.get(1).offset()).as("clamped into the empty partition's range").isZero();
        assertThat(groups.reset("g", "t", 0, new GroupService.AtOffset(3))).singleElement()
                .satisfies(o -> assertThat(o.offset()).isEqualTo(3));
        assertCode(() -> groups.reset("g", "t", 0, new GroupService.AtOffset(9)), ErrorCode.OFFSET_OUT_OF_RANGE);
        assertCode(() -> groups.reset("g", "t", 6, new GroupService.Latest()), ErrorCode.UNKNOWN_PARTITION);
        assertThat(groups.reset("g", "t", new GroupService.Earliest()).get(0).offset()).isZero();
    }

    @Test
    void badHeartbeatsAreRefused() {
        assertCode(() -> groups.heartbeat("bad/name", new Heartbeat(null, 0, List.of("t"), null)),
                ErrorCode.INVALID_GROUP_NAME);
        assertCode(() -> groups.heartbeat("g", new Heartbeat(null, 0, List.of(), null)), ErrorCode.INVALID_REQUEST);
        assertCode(() -> groups.heartbeat("g", new Heartbeat(null, 3, List.of("t"), null)), ErrorCode.INVALID_REQUEST);
        assertCode(() -> groups.heartbeat("g", new Heartbeat(null, 0, List.of("t"), 10)), ErrorCode.INVALID_REQUEST);
        assertCode(() -> groups.heartbeat("g", new Heartbeat("nobody", 4, List.of("t"), null)), ErrorCode.FENCED);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("t" + i);
        }
        assertCode(() -> groups.heartbeat("g", new Heartbeat(null, 0, many, null)), ErrorCode.INVALID_REQUEST);
    }
}
