package io.sluice.tests.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.TopicPartition;
import io.sluice.tests.support.OwnershipHistory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exclusive-ownership checker must catch a broken history, and accept a correct handoff. */
class OwnershipHistoryTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @Test
    void acceptsAHandoffAfterTheOwnerGaveThePartitionUp() {
        OwnershipHistory history = new OwnershipHistory(1_000);
        history.sent("a", 0);
        history.response("a", 1, List.of(P0, P1));
        history.sent("a", 10);
        history.response("a", 11, List.of(P0));
        history.sent("b", 12);
        history.response("b", 13, List.of(P1));
        assertThat(history.violations()).isEmpty();
    }

    @Test
    void catchesAPartitionGivenToASecondMemberWhileTheFirstStillOwnsIt() {
        OwnershipHistory history = new OwnershipHistory(1_000);
        history.sent("a", 0);
        history.response("a", 1, List.of(P0, P1));
        history.sent("b", 5);
        history.response("b", 6, List.of(P1));
        assertThat(history.violations()).singleElement().asString().contains("b and a both own [t/1]");
    }

    @Test
    void aSilentMemberStopsOwningWhenItsSessionRunsOut() {
        OwnershipHistory history = new OwnershipHistory(1_000);
        history.sent("a", 0);
        history.response("a", 1, List.of(P0));
        history.sent("b", 500);
        history.response("b", 999, List.of(P0));
        history.sent("c", 1_001);
        history.response("c", 1_002, List.of(P1));
        assertThat(history.violations()).as("b took P0 before a's session ran out").hasSize(1);

        OwnershipHistory later = new OwnershipHistory(1_000);
        later.sent("a", 0);
        later.response("a", 1, List.of(P0));
        later.sent("b", 1_500);
        later.response("b", 1_501, List.of(P0));
        assertThat(later.violations()).isEmpty();
    }
}
