package io.sluice.tests.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.GroupService;
import io.sluice.log.ProduceRecord;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.group.TopicPartition;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.MutableClock;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, problem 6 on the server: the current owner of a partition may move its committed offset
 * backwards (a consumer's seek) with {@code rewind}; a zombie, or an owner that is giving the partition
 * up, still cannot. And a member that is still giving partitions up when a second rebalance comes is not
 * fenced for echoing the epoch it last acknowledged.
 */
class RewindCommitTest {

    private static final int SESSION = 10_000;
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private GroupService groups;
    private LogServices log;

    @BeforeEach
    void setUp() {
        log = LogServices.create(new InMemoryObjectStore(clock), new InMemoryMetadataStore(),
                new InMemoryGroupStore(), clock, Backoff.NONE);
        groups = log.groups();
        log.topics().create(new CreateTopic("t", 2, null, null, null));
        // The commits below name offsets up to 12: the partitions hold them (none is above the high watermark).
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 12; i++) {
                log.producer().produce("t", List.of(new ProduceRecord(null, new byte[] {(byte) i}, List.of(), p, null)));
            }
        }
    }

    private HeartbeatResult join() {
        return groups.heartbeat("g", new Heartbeat(null, 0, List.of("t"), SESSION));
    }

    private HeartbeatResult beat(HeartbeatResult last) {
        return beat(last, last.memberEpoch());
    }

    private HeartbeatResult beat(HeartbeatResult last, long epoch) {
        return groups.heartbeat("g", new Heartbeat(last.memberId(), epoch, List.of("t"), SESSION));
    }

    private long committed(int partition) {
        return groups.describe("g").offsets().stream().filter(o -> o.partition() == partition).findFirst()
                .orElseThrow().committed();
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void problem6_theCurrentOwnerRewindsItsCommittedOffset() {
        HeartbeatResult a = join();
        groups.commit("g", a.memberId(), a.memberEpoch(), List.of(new OffsetCommit("t", 0, 10, null)));
        assertCode(() -> groups.commit("g", a.memberId(), a.memberEpoch(), List.of(new OffsetCommit("t", 0, 3, null))),
                ErrorCode.CONFLICT);
        groups.commit("g", a.memberId(), a.memberEpoch(), List.of(new OffsetCommit("t", 0, 3, null, true)));
        assertThat(committed(0)).isEqualTo(3);
    }

    @Test
    void problem6_aZombieCannotRewindItsSuccessorsProgress() {
        HeartbeatResult a = join();
        groups.commit("g", a.memberId(), a.memberEpoch(), List.of(new OffsetCommit("t", 0, 10, null)));
        clock.advance(SESSION + 1);
        HeartbeatResult b = join();
        assertThat(b.assignment()).contains(new TopicPartition("t", 0));
        groups.commit("g", b.memberId(), b.memberEpoch(), List.of(new OffsetCommit("t", 0, 12, null)));

        assertCode(() -> groups.commit("g", a.memberId(), a.memberEpoch(),
                List.of(new OffsetCommit("t", 0, 0, null, true))), ErrorCode.FENCED);
        assertThat(committed(0)).isEqualTo(12);
    }

    @Test
    void problem6_anOwnerGivingThePartitionUpCannotRewindIt() {
        HeartbeatResult a = join();
        groups.commit("g", a.memberId(), a.memberEpoch(), List.of(new OffsetCommit("t", 1, 10, null)));
        join(); // b: partition 1 is to move from a to b
        HeartbeatResult revoking = beat(a);
        assertThat(revoking.assignment()).containsExactly(new TopicPartition("t", 0));
        // a still owns 1 until it acknowledges: it may commit its progress there, but not rewind it
        groups.commit("g", a.memberId(), a.memberEpoch(), List.of(new OffsetCommit("t", 1, 11, null)));
        assertCode(() -> groups.commit("g", a.memberId(), a.memberEpoch(),
                List.of(new OffsetCommit("t", 1, 0, null, true))), ErrorCode.FENCED);
        assertThat(committed(1)).isEqualTo(11);
    }

    @Test
    void problem3_aMemberStillGivingPartitionsUpIsNotFencedByASecondRebalance() {
        HeartbeatResult a = beat6(null, 0);
        HeartbeatResult aAcked = beat6(a.memberId(), a.memberEpoch());
        assertThat(aAcked.assignment()).hasSize(6);
        HeartbeatResult b = beat6(null, 0);
        HeartbeatResult firstRevocation = beat6(a.memberId(), aAcked.memberEpoch());
        assertThat(firstRevocation.assignment()).hasSize(3);
        // a is still working on what it gives up, so it echoes the epoch it last applied; c joins meanwhile
        beat6(null, 0);
        HeartbeatResult second = beat6(a.memberId(), aAcked.memberEpoch());
        assertThat(second.memberEpoch()).as("a's target changed again").isGreaterThan(firstRevocation.memberEpoch());
        assertThat(second.assignment()).hasSize(2);
        assertThat(beat6(a.memberId(), aAcked.memberEpoch()).memberEpoch())
                .as("a, still not done, echoes the epoch it applied again: not fenced").isEqualTo(second.memberEpoch());
        assertThat(beat6(b.memberId(), b.memberEpoch()).assignment()).as("a has given nothing up yet").isEmpty();
        assertThat(beat6(a.memberId(), firstRevocation.memberEpoch()).memberEpoch())
                .as("an epoch between the acknowledged and the current one").isEqualTo(second.memberEpoch());
        beat6(a.memberId(), second.memberEpoch()); // a acknowledges
        assertThat(beat6(b.memberId(), b.memberEpoch()).assignment()).as("now b gets its partitions").hasSize(2);
        assertCode(() -> beat6(a.memberId(), second.memberEpoch() + 1), ErrorCode.FENCED);
    }

    private HeartbeatResult beat6(String memberId, long epoch) {
        groups6Topic();
        return groups.heartbeat("g6", new Heartbeat(memberId, epoch, List.of("t6"), SESSION));
    }

    private boolean created6;

    private void groups6Topic() {
        if (!created6) {
            log.topics().create(new CreateTopic("t6", 6, null, null, null));
            created6 = true;
        }
    }
}
