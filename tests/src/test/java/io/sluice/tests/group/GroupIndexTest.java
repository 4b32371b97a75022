package io.sluice.tests.group;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.LogServices;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.GroupIndexEntry;
import io.sluice.group.GroupService;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.GroupState;
import io.sluice.group.GroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.ForwardingGroupStore;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.RequestCounter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /groups} reads the group index, never a Scan (issue 15), against the DynamoDB SDK on dynalite:
 * what a list costs, a creator that crashes between its index write and its group write, and a reader that
 * would drop an entry while a creator writes it again.
 */
@ExtendWith(EmbeddedBackends.class)
class GroupIndexTest {

    private static final int SESSION = 30_000;
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final Backends backends;

    GroupIndexTest(Backends backends) {
        this.backends = backends;
    }

    private LogServices services(Backends.Stack stack, GroupStore groups) {
        return LogServices.create(stack.objects(), stack.metadata(), groups, clock, Backoff.NONE);
    }

    private static Heartbeat join() {
        return new Heartbeat(null, 0, List.of("t"), SESSION);
    }

    /** A creator that dies after its index write and before its group write. */
    private static final class CrashBeforeGroupWrite extends ForwardingGroupStore {
        CrashBeforeGroupWrite(GroupStore delegate) {
            super(delegate);
        }

        @Override
        public boolean compareAndSetGroup(long expectedVersion, GroupState next) {
            if (expectedVersion == 0) {
                throw new IllegalStateException("the creator's process died here");
            }
            return super.compareAndSetGroup(expectedVersion, next);
        }
    }

    @Test
    void groupsAreListedWithoutAScan() {
        RequestCounter counter = new RequestCounter();
        Backends.Stack stack = backends.fresh(counter);
        LogServices log = services(stack, stack.groups());
        log.topics().create(new CreateTopic("t", 2, null, null, null));
        log.producer().produce("t", List.of(new ProduceRecord(null, "v".getBytes(UTF_8), List.of(), 0, null)));
        log.groups().heartbeat("gamma", join());
        log.groups().commit("alpha", null, null, List.of(new OffsetCommit("t", 0, 1, null)));
        log.groups().reset("beta", "t", new GroupService.Earliest());

        counter.reset();
        assertThat(log.groups().list()).containsExactly("alpha", "beta", "gamma");
        System.out.printf("a list of 3 fresh groups: %s%n", counter.snapshot());
        assertThat(counter.count("DynamoDb:Scan")).isZero();
        assertThat(counter.count("DynamoDb:Query")).as("one Query of the index").isEqualTo(1);
        assertThat(counter.total()).isEqualTo(1);

        clock.advance(GroupService.INDEX_GRACE_MS + 1);
        counter.reset();
        assertThat(log.groups().list()).containsExactly("alpha", "beta", "gamma");
        System.out.printf("the first list after the grace confirms each entry once: %s%n", counter.snapshot());
        assertThat(counter.count("DynamoDb:GetItem")).as("each entry's group item read once").isEqualTo(3);
        assertThat(counter.count("DynamoDb:UpdateItem")).as("and its entry confirmed").isEqualTo(3);
        assertThat(counter.count("DynamoDb:Scan")).isZero();

        counter.reset();
        assertThat(log.groups().list()).containsExactly("alpha", "beta", "gamma");
        assertThat(counter.snapshot()).as("from then on, one Query").isEqualTo(java.util.Map.of("DynamoDb:Query", 1L));
    }

    @Test
    void aGroupWhoseCreatorCrashedBetweenItsTwoWritesIsListedUntilTheGraceAndThenDropped() {
        Backends.Stack stack = backends.fresh();
        LogServices reader = services(stack, stack.groups());
        reader.topics().create(new CreateTopic("t", 1, null, null, null));
        LogServices crashing = services(stack, new CrashBeforeGroupWrite(stack.groups()));
        assertThatThrownBy(() -> crashing.groups().heartbeat("ghost", join())).hasMessageContaining("died here");
        reader.groups().heartbeat("live", join());

        assertThat(reader.groups().list()).as("its group may be being written: listed, never missed")
                .containsExactly("ghost", "live");
        assertThatThrownBy(() -> reader.groups().describe("ghost")).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_GROUP));

        clock.advance(GroupService.INDEX_GRACE_MS + 1);
        assertThat(reader.groups().list()).containsExactly("live");
        assertThat(stack.groups().groupIndex()).extracting(GroupIndexEntry::group).containsExactly("live");

        reader.groups().heartbeat("ghost", join());
        assertThat(reader.groups().list()).as("created again later, listed again").containsExactly("ghost", "live");
    }

    /**
     * Two members join a group that does not exist yet, both held after reading "no group" until the other
     * has read it too: both write the index entry, one creates the group item, the other loses the
     * compare-and-set, reads again and joins the existing group. Both are members; the group is listed once.
     */
    @Test
    void twoMembersCreatingAGroupAtOnceBothJoinAndItIsListedOnce() throws Exception {
        Backends.Stack stack = backends.fresh();
        services(stack, stack.groups()).topics().create(new CreateTopic("t", 2, null, null, null));
        java.util.concurrent.CyclicBarrier bothSawNoGroup = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.atomic.AtomicInteger lostRaces = new java.util.concurrent.atomic.AtomicInteger();
        ForwardingGroupStore hooked = new ForwardingGroupStore(stack.groups()) {
            @Override
            public Optional<GroupState> getGroup(String group) {
                Optional<GroupState> seen = super.getGroup(group);
                if (seen.isEmpty()) {
                    try {
                        bothSawNoGroup.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the other member never read the group", e);
                    }
                }
                return seen;
            }

            @Override
            public boolean compareAndSetGroup(long expectedVersion, GroupState next) {
                boolean won = super.compareAndSetGroup(expectedVersion, next);
                if (!won) {
                    lostRaces.incrementAndGet();
                }
                return won;
            }
        };
        GroupService a = services(stack, hooked).groups();
        GroupService b = services(stack, hooked).groups();
        CompletableFuture<GroupService.HeartbeatResult> joinA = CompletableFuture.supplyAsync(() -> a.heartbeat("g", join()));
        CompletableFuture<GroupService.HeartbeatResult> joinB = CompletableFuture.supplyAsync(() -> b.heartbeat("g", join()));
        String idA = joinA.get(60, TimeUnit.SECONDS).memberId();
        String idB = joinB.get(60, TimeUnit.SECONDS).memberId();

        assertThat(lostRaces.get()).as("both computed at version 0; one lost and retried").isEqualTo(1);
        assertThat(idA).isNotEqualTo(idB);
        assertThat(a.describe("g").members()).extracting(GroupService.MemberDescription::memberId)
                .containsExactlyInAnyOrder(idA, idB);
        assertThat(stack.groups().groupIndex()).extracting(GroupIndexEntry::group).containsExactly("g");
        assertThat(a.list()).containsExactly("g");
    }

    /**
     * The reader finds an old pending entry and no group item; before it drops the entry, a creator writes
     * the entry again and then the group. The drop is conditional on the stamp the reader read, so it loses,
     * and the live group stays listed.
     */
    @Test
    void aReaderNeverDropsTheEntryOfAGroupACreatorIsWritingMeanwhile() throws Exception {
        Backends.Stack stack = backends.fresh();
        LogServices setup = services(stack, stack.groups());
        setup.topics().create(new CreateTopic("t", 1, null, null, null));
        LogServices crashed = services(stack, new CrashBeforeGroupWrite(stack.groups()));
        assertThatThrownBy(() -> crashed.groups().heartbeat("late", join())).hasMessageContaining("died here");
        clock.advance(GroupService.INDEX_GRACE_MS + 1);

        LogServices creator = services(stack, stack.groups());
        ForwardingGroupStore hooked = new ForwardingGroupStore(stack.groups()) {
            @Override
            public Optional<GroupState> getGroup(String group) {
                Optional<GroupState> seen = super.getGroup(group);
                if (group.equals("late") && seen.isEmpty()) {
                    // The reader has seen no group item; now, before its drop, a creator joins: index, then group.
                    CompletableFuture.runAsync(() -> creator.groups().heartbeat("late", join()))
                            .orTimeout(30, TimeUnit.SECONDS).join();
                }
                return seen;
            }
        };
        LogServices reader = services(stack, hooked);

        assertThat(reader.groups().list()).as("the drop lost to the creator's new stamp").containsExactly("late");
        assertThat(stack.groups().groupIndex()).extracting(GroupIndexEntry::group).containsExactly("late");
        assertThat(reader.groups().describe("late").members()).hasSize(1);
    }
}
