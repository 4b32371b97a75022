package io.sluice.tests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay of a call without the emulators' time beyond the drawn latency (all times in "ms" as nanos). */
class EmulatorExcessTest {

    /** A request: started, sent 1 later, the emulator answered after {@code emulator}, held to {@code draw}. */
    private static LatencyModel.Span span(long started, long emulator, long draw) {
        long sent = started + 1;
        long received = sent + emulator;
        long released = Math.max(received, sent + draw);
        return new LatencyModel.Span("DynamoDb:UpdateItem", 1, started, sent, received, released, draw);
    }

    @Test
    void anEmulatorWithinItsDrawTakesNothingOut() {
        LatencyModel.Span a = span(2, 3, 10); // released at 13
        assertEquals(0, EmulatorExcess.excessNanos(a));
        assertEquals(20, EmulatorExcess.replayedNanos(List.of(a), 0, 20));
    }

    @Test
    void withTheModelOffNothingIsTakenOut() {
        LatencyModel.Span a = span(2, 30, 0);
        assertEquals(0, EmulatorExcess.excessNanos(a));
        assertEquals(40, EmulatorExcess.replayedNanos(List.of(a), 0, 40));
    }

    @Test
    void aChainLosesTheExcessOfEachOfItsRequestsButKeepsTheGapsBetweenThem() {
        LatencyModel.Span put = span(2, 50, 40); // sent 3, answered 53: 10 over the draw
        LatencyModel.Span update = span(55, 20, 6); // 2 of Sluice's own time after the PUT; 14 over
        assertEquals(10, EmulatorExcess.excessNanos(put));
        assertEquals(14, EmulatorExcess.excessNanos(update));
        // wall: ends at 76 + 4 of Sluice's own time = 80
        assertEquals(80 - 10 - 14, EmulatorExcess.replayedNanos(List.of(update, put), 0, 80));
    }

    @Test
    void anExcessOffTheCriticalPathTakesNothingOut() {
        LatencyModel.Span put = span(1, 40, 45); // released 47, no excess
        LatencyModel.Span read = span(1, 30, 5); // released 32: 25 over, but the PUT is later anyway
        LatencyModel.Span update = span(48, 6, 6); // released 55
        assertEquals(25, EmulatorExcess.excessNanos(read));
        assertEquals(56, EmulatorExcess.replayedNanos(List.of(put, read, update), 0, 56));
    }

    @Test
    void parallelRequestsEndWithTheLatestOfThemReplayed() {
        // 16 head updates sent at once, served one after another: the i-th answered after 3 * (i + 1) ...
        List<LatencyModel.Span> updates = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            updates.add(span(10, 3 * (i + 1), 6 + i)); // ... drawn 6 to 21
        }
        // wall: the last is answered at 11 + 48 = 59; ends at 60. Replayed: the latest of sent + max(own, draw)
        // is 11 + 21 = 32 (the last request's draw; its own share of the queue is taken out), ends at 33.
        assertEquals(60 - 59 + (11 + 21), EmulatorExcess.replayedNanos(updates, 0, 60));
    }

    @Test
    void aRequestWaitsForTheReplayedResponsesBeforeIt() {
        LatencyModel.Span first = span(0, 20, 5); // released 21, 15 over: replayed 6
        LatencyModel.Span second = span(1, 5, 30); // released 32, within its draw
        LatencyModel.Span third = span(33, 2, 2); // starts 1 after the second; released 36
        // the second binds: the third starts at 32 + 1 = 33 in the replay too
        assertEquals(37, EmulatorExcess.replayedNanos(List.of(first, second, third), 0, 37));
    }
}
