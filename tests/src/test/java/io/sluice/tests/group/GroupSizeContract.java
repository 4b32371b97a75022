package io.sluice.tests.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.group.GroupItem;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupState;
import io.sluice.group.GroupStore;
import io.sluice.LogServices;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.TopicConfig;
import io.sluice.tests.support.Stores;
import java.time.Clock;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer group is one item, so what it may hold is bounded: a heartbeat that would take the group
 * past {@link GroupItem#MAX_BYTES} is refused with GROUP_TOO_LARGE and changes nothing, on every store.
 */
abstract class GroupSizeContract {


    private static final List<String> THREE_TOPICS = List.of("orders-eu", "orders-us", "orders-ap");

    private GroupStore groupStore;
    private LogServices log;

    protected abstract Stores newStores();

    @BeforeEach
    void setUp() {
        Stores stores = newStores();
        groupStore = stores.groups();
        log = LogServices.create(stores.objects(), stores.metadata(), stores.groups(), Clock.systemUTC());
        for (String topic : THREE_TOPICS) {
            log.topics().create(new CreateTopic(topic, TopicConfig.MAX_PARTITIONS, null, null, null));
        }
        log.topics().create(new CreateTopic("small", 4, null, null, null));
    }

    private HeartbeatResult join(List<String> topics) {
        return log.groups().heartbeat("g", new Heartbeat(null, 0, topics, null));
    }

    private HeartbeatResult beat(HeartbeatResult last, List<String> topics) {
        return log.groups().heartbeat("g", new Heartbeat(last.memberId(), last.memberEpoch(), topics, null));
    }

    private GroupState group() {
        return groupStore.getGroup("g").orElseThrow();
    }

    private static void assertGroupTooLarge(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SluiceException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.GROUP_TOO_LARGE);
            assertThat(e.code().httpStatus()).isEqualTo(413);
            assertThat(e.getMessage()).as("names the limit")
                    .contains(String.format("limit of %,d bytes", GroupItem.MAX_BYTES));
            assertThat(e.details()).containsEntry("maxGroupBytes", GroupItem.MAX_BYTES);
        });
    }

    @Test
    void aMemberSubscribingToThreeTopicsOfAThousandPartitionsIsRefusedAndTheGroupIsUnchanged() {
        HeartbeatResult small = join(List.of("small"));
        GroupState before = group();

        assertGroupTooLarge(() -> join(THREE_TOPICS));
        assertThat(group()).as("nothing was written").isEqualTo(before);
        assertThat(beat(small, List.of("small")).assignment()).hasSize(4);
    }

    @Test
    void aMemberHoldingTwoThousandPartitionsCannotGrowPastTheBoundAndKeepsWhatItHas() {
        HeartbeatResult member = join(THREE_TOPICS.subList(0, 2));
        assertThat(member.assignment()).hasSize(2 * TopicConfig.MAX_PARTITIONS);
        GroupState before = group();
        System.out.printf("group item with one member holding %,d partitions: %,d bytes (limit %,d)%n",
                member.assignment().size(), GroupItem.bytes(before), GroupItem.MAX_BYTES);

        assertGroupTooLarge(() -> beat(member, THREE_TOPICS));
        assertThat(group()).as("nothing was written").isEqualTo(before);
        HeartbeatResult again = beat(member, THREE_TOPICS.subList(0, 2));
        assertThat(again.assignment()).isEqualTo(member.assignment());
    }
}
