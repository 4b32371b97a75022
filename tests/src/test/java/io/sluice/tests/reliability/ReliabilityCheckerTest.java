package io.sluice.tests.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.ForwardingMetadataStore;
import io.sluice.tests.support.ForwardingObjectStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The reliability checker must report violations when the commit is broken on purpose. */
class ReliabilityCheckerTest {

    /**
     * A deliberately broken commit: the head update drops its condition (it writes over whatever version
     * is stored). To make the race certain, the first head read of the victim call lets a second
     * producer commit in between, as a concurrent Lambda would.
     */
    static final class ConditionDroppingStore extends ForwardingMetadataStore {
        private final AtomicBoolean raced = new AtomicBoolean();
        private Runnable rival = () -> { };

        ConditionDroppingStore(MetadataStore delegate) {
            super(delegate);
        }

        void raceWith(Runnable rival) {
            this.rival = rival;
        }

        @Override
        public Optional<PartitionHead> getHead(String topic, int partition) {
            Optional<PartitionHead> head = delegate.getHead(topic, partition);
            if (raced.compareAndSet(false, true)) {
                rival.run();
            }
            return head;
        }

        @Override
        public boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
            long stored = delegate.getHead(next.topic(), next.partition()).map(PartitionHead::version).orElse(0L);
            PartitionHead forced = new PartitionHead(next.topic(), next.partition(), next.topicId(), next.nextOffset(),
                    next.logStartOffset(), stored + 1, next.last(), next.producers());
            return delegate.compareAndSetHead(stored, forced);
        }
    }

    private static ProduceRecord record(String value) {
        return new ProduceRecord(null, value.getBytes(UTF_8), List.of(), 0, 1_000L);
    }

    private static void ack(History history, List<RecordOffset> offsets, ProduceRecord r) {
        history.acknowledge(offsets.get(0), new LogRecord(r.timestamp(), null, r.value(), List.of()));
    }

    @Test
    void aCommitWithoutItsConditionIsCaught() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        ConditionDroppingStore broken = new ConditionDroppingStore(store);
        InMemoryObjectStore objects = new InMemoryObjectStore(Clock.systemUTC());
        LogServices log = LogServices.create(objects, broken, new InMemoryGroupStore(), Clock.systemUTC(), Backoff.NONE);
        LogServices rivalLog = LogServices.create(objects, store, new InMemoryGroupStore(), Clock.systemUTC(),
                Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        History history = new History();
        ProduceRecord rivalRecord = record("rival:0:0");
        broken.raceWith(() -> ack(history, rivalLog.producer().produce("t", List.of(rivalRecord)), rivalRecord));

        ProduceRecord victim = record("victim:0:0");
        ack(history, log.producer().produce("t", List.of(victim)), victim);

        ReliabilityChecker.Verdict verdict = new ReliabilityChecker(rivalLog.fetcher(), store).check("t", 1, history);
        assertThat(verdict.violations())
                .anyMatch(v -> v.contains("acknowledged for two records"))
                .anyMatch(v -> v.contains("rival:0:0 is not in the log"));
    }

    @Test
    void theSameRaceWithTheConditionInPlaceIsClean() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        InMemoryObjectStore objects = new InMemoryObjectStore(Clock.systemUTC());
        AtomicBoolean raced = new AtomicBoolean();
        History history = new History();
        LogServices rivalLog = LogServices.create(objects, store, new InMemoryGroupStore(), Clock.systemUTC(),
                Backoff.NONE);
        ProduceRecord rivalRecord = record("rival:0:0");
        ForwardingMetadataStore racing = new ForwardingMetadataStore(store) {
            @Override
            public Optional<PartitionHead> getHead(String topic, int partition) {
                Optional<PartitionHead> head = delegate.getHead(topic, partition);
                if (raced.compareAndSet(false, true)) {
                    ack(history, rivalLog.producer().produce("t", List.of(rivalRecord)), rivalRecord);
                }
                return head;
            }
        };
        LogServices log = LogServices.create(objects, racing, new InMemoryGroupStore(), Clock.systemUTC(), Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        ProduceRecord victim = record("victim:0:0");
        ack(history, log.producer().produce("t", List.of(victim)), victim);

        ReliabilityChecker.Verdict verdict = new ReliabilityChecker(rivalLog.fetcher(), store).check("t", 1, history);
        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.recordsVerified()).isEqualTo(2);
    }

    @Test
    void duplicatesReorderingAndBackwardCommitsAreReported() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        LogServices log = LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), store, new InMemoryGroupStore(),
                Clock.systemUTC(), Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        log.producer().produce("t", List.of(record("p:0:1"), record("p:0:0"), record("p:0:1")));
        History history = new History();
        history.commitSeen(0, 5);
        history.commitSeen(0, 3);
        List<String> violations = new ReliabilityChecker(log.fetcher(), store).check("t", 1, history).violations();
        assertThat(violations).anyMatch(v -> v.contains("appears twice"));
        assertThat(violations).anyMatch(v -> v.contains("order broken"));
        assertThat(violations).anyMatch(v -> v.contains("moved back"));
    }

    /** Every branch of the checker's own, each with its exact message. */
    @Test
    void eachOfTheCheckersOwnViolationsIsReportedWordForWord() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        LogServices log = LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), store, new InMemoryGroupStore(),
                Clock.systemUTC(), Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        List<RecordOffset> offsets = log.producer().produce("t", List.of(record("p:0:1"), record("p:0:0"),
                record("p:0:1")));
        History history = new History();
        ack(history, offsets.subList(0, 1), record("p:0:1"));
        ack(history, offsets.subList(0, 1), record("q:0:9"));
        history.commitSeen(0, 5);
        history.commitSeen(0, 3);

        List<String> violations = new ReliabilityChecker(log.fetcher(), store).check("t", 1, history).violations();

        assertThat(violations).containsExactly(
                "offset RecordOffset[partition=0, offset=0] was acknowledged for two records:"
                        + " LogRecord[ts=1000, key=null, value=5B, headers=0] and"
                        + " LogRecord[ts=1000, key=null, value=5B, headers=0]",
                "record at RecordOffset[partition=0, offset=0] differs from what was acknowledged:"
                        + " LogRecord[ts=1000, key=null, value=5B, headers=0] vs"
                        + " LogRecord[ts=1000, key=null, value=5B, headers=0]",
                "producer p order broken in partition 0: sequence 0 at offset 1 after 1",
                "record p:0:1 appears twice, at offsets 0 and 2 of partition 0",
                "acknowledged record q:0:9 is not in the log",
                "committed offset of partition 0 moved back from 5 to 3 without a reset");
    }

    @Test
    void aPartitionThatCannotBeReadIsReported() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        InMemoryObjectStore objects = new InMemoryObjectStore(Clock.systemUTC());
        LogServices log = LogServices.create(objects, store, new InMemoryGroupStore(), Clock.systemUTC(), Backoff.NONE);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        History history = new History();
        ProduceRecord only = record("p:0:0");
        ack(history, log.producer().produce("t", List.of(only)), only);
        ForwardingObjectStore down = new ForwardingObjectStore(objects) {
            @Override
            public byte[] getRange(String key, long start, int length) {
                throw new SluiceException(ErrorCode.UNAVAILABLE, "injected: S3 is down");
            }
        };
        LogServices reader = LogServices.create(down, store, new InMemoryGroupStore(), Clock.systemUTC(), Backoff.NONE);

        List<String> violations = new ReliabilityChecker(reader.fetcher(), store).check("t", 1, history).violations();

        assertThat(violations).containsExactly(
                "t/0: the log cannot be read back: injected: S3 is down",
                "t/0: read up to 0 but the high watermark is 1",
                "acknowledged record at RecordOffset[partition=0, offset=0] is lost",
                "partition 0 cannot be read: injected: S3 is down",
                "acknowledged record p:0:0 is not in the log");
    }
}
