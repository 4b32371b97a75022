package io.sluice.tests.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.share.AckStatus;
import io.sluice.share.AcknowledgeType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checker itself, on hand-written histories of a run that stopped before its queue drained: offset 0 is
 * still held, so the start offset stays at 0 while offset 1 was rejected and dead-lettered behind it.
 */
class QueueCheckerUnitTest {

    private static final String TOPIC = "orders";

    @Test
    void aRecordArchivedBehindAnUnfinishedOneIsNotAViolation() {
        QueueHistory history = stoppedRun();
        history.finalArchivedInWindow = Set.of(QueueChecker.id(0, 1));

        QueueChecker.Result result = QueueChecker.check(history, TOPIC, 5, false);

        assertThat(result.violations()).isEmpty();
        assertThat(result.inWindow()).isEqualTo(2);
    }

    @Test
    void aDeadLetterForARecordTheWindowStillHoldsAsNotDoneIsAViolation() {
        QueueHistory history = stoppedRun();
        history.finalArchivedInWindow = Set.of();

        QueueChecker.Result result = QueueChecker.check(history, TOPIC, 5, false);

        assertThat(result.violations()).containsExactly(
                "offset 0/1 dead-lettered but neither done, archived nor pending confirmation");
    }

    private static QueueHistory stoppedRun() {
        QueueHistory history = new QueueHistory();
        history.produced.add(new QueueHistory.Produced(0, 0, null));
        history.produced.add(new QueueHistory.Produced(0, 1, null));
        history.acquired.add(new QueueHistory.Acquired(0, 0, null, "t1", 10_000, 5_000, 1));
        history.acquired.add(new QueueHistory.Acquired(0, 1, null, "t1", 10_000, 5_000, 1));
        history.acks.add(new QueueHistory.Ack(0, 1, "t1", AcknowledgeType.REJECT, AckStatus.OK, 6_000, 6_010));
        history.finalStartOffsets = Map.of(0, 0L);
        history.deadLetters = List.of(new QueueHistory.DeadLetter(TOPIC, 0, 1, 1, "rejected"));
        return history;
    }
}
