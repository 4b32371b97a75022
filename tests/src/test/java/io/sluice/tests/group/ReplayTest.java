package io.sluice.tests.group;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.GroupService;
import io.sluice.group.GroupService.Heartbeat;
import io.sluice.group.GroupService.HeartbeatResult;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.log.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.MutableClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A group picks up where it left off after a crash, and a reset to a timestamp replays from there. */
class ReplayTest {

    private static final long T0 = 1_700_000_000_000L;
    private final MutableClock clock = new MutableClock(T0 + 60_000);
    private LogServices log;
    private GroupService groups;

    @BeforeEach
    void setUp() {
        log = LogServices.create(new InMemoryObjectStore(clock), new InMemoryMetadataStore(), new InMemoryGroupStore(),
                clock, Backoff.NONE);
        groups = log.groups();
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        List<ProduceRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(new ProduceRecord(null, ("r" + i).getBytes(UTF_8), List.of(), 0, T0 + i * 1_000L));
        }
        log.producer().produce("t", records);
    }

    /** A consumer's start: join, and read the committed offset of its partition (0 if none). */
    private long startPosition(HeartbeatResult member) {
        assertThat(member.assignment()).hasSize(1);
        return groups.describe("g").offsets().stream().mapToLong(GroupService.OffsetLag::committed)
                .findFirst().orElse(0);
    }

    private HeartbeatResult join() {
        return groups.heartbeat("g", new Heartbeat(null, 0, List.of("t"), 5_000));
    }

    private List<Long> deliver(long from, int count) {
        return log.fetcher().fetch("t", 0, from, 1 << 20).records().stream().limit(count)
                .map(FetchedRecord::offset).toList();
    }

    @Test
    void aConsumerThatCrashedBeforeCommittingResumesAtTheLastCommit() {
        HeartbeatResult first = join();
        groups.commit("g", first.memberId(), first.memberEpoch(), List.of(new OffsetCommit("t", 0, 0, null)));
        assertThat(deliver(startPosition(first), 3)).containsExactly(0L, 1L, 2L);
        groups.commit("g", first.memberId(), first.memberEpoch(), List.of(new OffsetCommit("t", 0, 3, null)));
        assertThat(deliver(3, 2)).as("processed, then the process dies before committing").containsExactly(3L, 4L);

        clock.advance(5_001);
        HeartbeatResult second = join();
        long resume = startPosition(second);
        assertThat(resume).isEqualTo(3);
        assertThat(deliver(resume, 10)).first().isEqualTo(3L);
    }

    @Test
    void afterAResetToATimestampDeliveryStartsAtTheFirstOffsetAtOrAfterIt() {
        HeartbeatResult member = join();
        groups.commit("g", member.memberId(), member.memberEpoch(), List.of(new OffsetCommit("t", 0, 10, null)));
        groups.heartbeat("g", new Heartbeat(member.memberId(), -1, null, null));

        groups.reset("g", "t", new GroupService.AtTimestamp(T0 + 6_500));
        HeartbeatResult again = join();
        long resume = startPosition(again);
        assertThat(resume).isEqualTo(7);
        List<FetchedRecord> replay = log.fetcher().fetch("t", 0, resume, 1 << 20).records();
        assertThat(replay.get(0).record().timestamp()).isGreaterThanOrEqualTo(T0 + 6_500);
        assertThat(new String(replay.get(0).record().value(), UTF_8)).isEqualTo("r7");
        assertThat(log.fetcher().fetch("t", 0, resume - 1, 1).records().get(0).record().timestamp())
                .as("the record before is older").isLessThan(T0 + 6_500);
    }
}
