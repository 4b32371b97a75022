package io.sluice.tests.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.Checkpoint;
import io.sluice.group.GroupService;
import io.sluice.log.ProduceRecord;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.GroupStore;
import io.sluice.group.TopicPartition;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.ForwardingGroupStore;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.Stores;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The zombie-commit race, forced. A commit is fenced twice: {@link GroupService#commit} checks the group
 * item (the member is live, at its epoch, and owns the partition), and then the checkpoint write is
 * conditional on no later owner having committed. ChurnTest and GroupServiceTest only ever commit as a
 * zombie after its session has expired, so the first check always refuses it and the second is never
 * reached. Here a hook holds the zombie's checkpoint write after its group-item check has passed, while
 * its session expires, another member takes the partition and commits; then the zombie writes, and only
 * the checkpoint's owner-epoch condition stands between it and the new owner's offset.
 */
abstract class ZombieCommitRace {

    private static final int SESSION = 10_000;
    private static final long HOOK_WAIT_S = 30;

    protected abstract Stores newStores();

    /** Holds the checkpoint write of {@code memberId} until released, after saying it got there. */
    private static final class HeldCommits extends ForwardingGroupStore {
        private final String memberId;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        HeldCommits(GroupStore delegate, String memberId) {
            super(delegate);
            this.memberId = memberId;
        }

        @Override
        public CommitOutcome commit(Checkpoint checkpoint) {
            if (memberId.equals(checkpoint.memberId())) {
                reached.countDown();
                try {
                    if (!release.await(HOOK_WAIT_S, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the held commit");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return delegate.commit(checkpoint);
        }
    }

    @Test
    void aZombiePastTheGroupCheckLosesAtTheCheckpointsOwnerEpochCondition() throws Exception {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        Stores stores = newStores();
        LogServices plain = LogServices.create(stores.objects(), stores.metadata(), stores.groups(), clock,
                Backoff.NONE);
        plain.topics().create(new CreateTopic("t", 1, null, null, null));
        for (int i = 0; i < 7; i++) { // the commits below name offsets up to 7, none above the high watermark
            plain.producer().produce("t", List.of(new ProduceRecord(null, new byte[] {(byte) i}, List.of(), 0, null)));
        }
        TopicPartition p0 = new TopicPartition("t", 0);

        HeartbeatResult zombie = plain.groups().heartbeat("g", new Heartbeat(null, 0, List.of("t"), SESSION));
        assertThat(zombie.assignment()).containsExactly(p0);
        plain.groups().commit("g", zombie.memberId(), zombie.memberEpoch(), List.of(new OffsetCommit("t", 0, 5, "a")));

        HeldCommits held = new HeldCommits(stores.groups(), zombie.memberId());
        GroupService zombieSide = LogServices.create(stores.objects(), stores.metadata(), held, clock, Backoff.NONE)
                .groups();
        CompletableFuture<List<OffsetCommit>> zombieCommit = CompletableFuture.supplyAsync(() -> zombieSide.commit(
                "g", zombie.memberId(), zombie.memberEpoch(), List.of(new OffsetCommit("t", 0, 7, "zombie"))));
        assertThat(held.reached.await(HOOK_WAIT_S, TimeUnit.SECONDS))
                .as("the zombie passed the group-item check and reached its checkpoint write").isTrue();

        // While it is held: its session runs out, a new member takes the partition and commits.
        clock.advance(SESSION + 1);
        HeartbeatResult owner = plain.groups().heartbeat("g", new Heartbeat(null, 0, List.of("t"), SESSION));
        assertThat(owner.assignment()).as("the zombie expired, so the partition moves at once").containsExactly(p0);
        assertThat(owner.memberEpoch()).isGreaterThan(zombie.memberEpoch());
        plain.groups().commit("g", owner.memberId(), owner.memberEpoch(), List.of(new OffsetCommit("t", 0, 3, "b")));
        Checkpoint before = stores.groups().checkpoints("g").get(0);
        assertThat(before.memberId()).isEqualTo(owner.memberId());

        held.release.countDown();
        assertThat(zombieCommit).failsWithin(HOOK_WAIT_S, TimeUnit.SECONDS).withThrowableThat()
                .havingCause().isInstanceOfSatisfying(SluiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FENCED);
                    assertThat(e.getMessage()).isEqualTo(
                            "a later owner of t/0 has committed; this commit is from a zombie");
                });
        assertThat(stores.groups().checkpoints("g")).as("the new owner's checkpoint is untouched")
                .containsExactly(before);
        assertThat(before.committed()).isEqualTo(3);
        assertThat(before.ownerEpoch()).isGreaterThan(zombie.memberEpoch());
    }
}
