package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.share.DeadLetterProducer;
import io.sluice.subscription.DeadLetterIntent;
import io.sluice.subscription.Dispatch;
import io.sluice.subscription.Lane;
import io.sluice.subscription.Subscription;
import io.sluice.subscription.SubscriptionStore;
import io.sluice.subscription.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SubscriptionStore} must do (issue 19); extended once per implementation. */
abstract class SubscriptionStoreContract {

    private SubscriptionStore store;

    protected abstract SubscriptionStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    private static Subscription sub(String name, long version) {
        return new Subscription(name, "t", "tid", Target.http("https://example.com/hook", "k"), 100, 0, 3, true, "dlq",
                "latest", 2, Subscription.State.ACTIVE, null, 1_000, version);
    }

    @Test
    void aConfigIsWrittenOnlyAtItsVersionAndComesBackWhole() {
        assertThat(store.get("s")).isEmpty();
        assertThat(store.put(0, sub("s", 1))).isTrue();
        assertThat(store.put(0, sub("s", 1))).as("a second create loses").isFalse();
        assertThat(store.get("s")).contains(sub("s", 1));
        assertThat(store.put(5, sub("s", 6))).isFalse();
        Subscription paused = sub("s", 1).withState(Subscription.State.PAUSED, null);
        assertThat(store.put(1, paused)).isTrue();
        assertThat(store.get("s")).contains(paused);
        assertThatThrownBy(() -> store.put(2, sub("s", 2))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.put(0, sub("a", 1))).isTrue();
        assertThat(store.list()).extracting(Subscription::name).containsExactly("a", "s");
        assertThat(store.delete("s", 1)).isFalse();
        assertThat(store.delete("s", 2)).isTrue();
        assertThat(store.get("s")).isEmpty();
        assertThat(store.list()).extracting(Subscription::name).containsExactly("a");
    }

    @Test
    void theTopicIndexAnswersEachTopicsSubscriptionsWithTheirFactor() {
        assertThat(store.byTopic("t")).isEmpty();
        store.index("t", "s1", 1);
        store.index("t", "s2", 4);
        store.index("u", "s3", 1);
        assertThat(store.byTopic("t")).isEqualTo(Map.of("s1", 1, "s2", 4));
        store.unindex("t", "s1");
        assertThat(store.byTopic("t")).isEqualTo(Map.of("s2", 4));
        assertThat(store.byTopic("u")).isEqualTo(Map.of("s3", 1));
    }

    @Test
    void aLaneIsWrittenOnlyAtItsVersionAndKeepsItsIntentAndProducer() {
        Dispatch d = new Dispatch("s", 3, 1);
        assertThat(store.lane(d)).isEmpty();
        Lane start = Lane.start(d, 42, 1);
        assertThat(store.putLane(0, start)).isTrue();
        assertThat(store.putLane(0, start)).isFalse();
        Lane leased = start.leased("token", 9_000);
        assertThat(store.putLane(1, leased)).isTrue();
        assertThat(store.putLane(1, start.leased("other", 9_000))).as("the loser of a lease race").isFalse();
        Lane withIntent = leased.withIntent(new DeadLetterIntent(List.of(42L, 44L), 45, 7, "boom"),
                new DeadLetterProducer(11, 0, "dlq", 0, 7), 9_500);
        assertThat(store.putLane(2, withIntent)).isTrue();
        assertThat(store.lane(d)).contains(withIntent);
        Lane done = withIntent.deadLettered(9_900);
        assertThat(store.putLane(3, done)).isTrue();
        assertThat(store.lane(d).orElseThrow().position()).isEqualTo(45);
        assertThat(store.lane(d).orElseThrow().producer().nextSequence()).isEqualTo(9);
        assertThat(store.lane(d).orElseThrow().intent()).isNull();
        Lane other = Lane.start(new Dispatch("s", 0, 0), 0, 1);
        assertThat(store.putLane(0, other)).isTrue();
        assertThat(store.putLane(0, Lane.start(new Dispatch("s2", 0, 0), 0, 1))).isTrue();
        assertThat(store.lanes("s")).containsExactly(other, done);
        store.deleteLane(d);
        assertThat(store.lanes("s")).containsExactly(other);
    }

    @Test
    void aMarkIsRemovedOnlyByItsOwnToken() {
        Dispatch a = new Dispatch("s", 0, 0);
        Dispatch b = new Dispatch("s.x-y", 12, 3);
        store.mark(a, "t1");
        store.mark(b, "t2");
        store.mark(a, "t3");
        assertThat(store.marked()).containsExactlyInAnyOrder(new SubscriptionStore.Marker(a, "t3"),
                new SubscriptionStore.Marker(b, "t2"));
        assertThat(store.unmark(a, "t1")).as("an older dispatcher's unmark").isFalse();
        assertThat(store.unmark(a, "t3")).isTrue();
        assertThat(store.marked()).containsExactly(new SubscriptionStore.Marker(b, "t2"));
    }
}
