package io.sluice.tests.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.RecordHeader;
import io.sluice.group.GroupService;
import io.sluice.log.Backoff;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicCache;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.share.AckStatus;
import io.sluice.share.AcknowledgeType;
import io.sluice.share.InMemoryShareGroupStore;
import io.sluice.share.ShareGroupConfig;
import io.sluice.share.ShareGroupService;
import io.sluice.share.ShareGroupService.AckBatch;
import io.sluice.share.ShareGroupService.ShareRecord;
import io.sluice.share.ShareGroupStore;
import io.sluice.share.SharePartition;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.Stores;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The share group service on in-memory stores with a hand-moved clock. */
class ShareGroupServiceTest {

    private final MutableClock clock = new MutableClock(1_000_000);
    private LogServices log;
    private ShareGroupService shares;
    private CrashingStore store;

    /** Fails once, after or instead of a chosen write: a crash between the dead-letter steps. */
    static final class CrashingStore implements ShareGroupStore {
        final InMemoryShareGroupStore delegate = new InMemoryShareGroupStore();
        final AtomicReference<String> armed = new AtomicReference<>();

        @Override
        public Optional<ShareGroupConfig> getConfig(String group) {
            return delegate.getConfig(group);
        }

        @Override
        public boolean putConfig(long expectedVersion, ShareGroupConfig next) {
            return delegate.putConfig(expectedVersion, next);
        }

        @Override
        public boolean deleteConfig(String group, long expectedVersion) {
            return delegate.deleteConfig(group, expectedVersion);
        }

        @Override
        public List<String> listGroups() {
            return delegate.listGroups();
        }

        @Override
        public Optional<SharePartition> getPartition(String group, String groupId, String topic, int partition) {
            return delegate.getPartition(group, groupId, topic, partition);
        }

        @Override
        public boolean compareAndSet(String groupId, long expectedVersion, SharePartition next) {
            SharePartition before = delegate.getPartition(next.group(), groupId, next.topic(), next.partition()).orElse(null);
            boolean intent = before != null && next.deadLetters().size() > before.deadLetters().size();
            boolean confirm = before != null && next.deadLettered() > before.deadLettered();
            if (intent && armed.compareAndSet("after-intent", null)) {
                delegate.compareAndSet(groupId, expectedVersion, next);
                throw new IllegalStateException("crash after the intent was written");
            }
            if (confirm && armed.compareAndSet("before-confirm", null)) {
                throw new IllegalStateException("crash after the copy was produced, before it was confirmed");
            }
            return delegate.compareAndSet(groupId, expectedVersion, next);
        }

        @Override
        public List<SharePartition> partitions(String group, String groupId) {
            return delegate.partitions(group, groupId);
        }

        @Override
        public void deletePartition(String group, String topic, int partition) {
            delegate.deletePartition(group, topic, partition);
        }
    }

    @BeforeEach
    void setUp() {
        Stores stores = Stores.inMemory();
        store = new CrashingStore();
        log = LogServices.create(stores.objects(), stores.metadata(), stores.groups(), store, clock, Backoff.NONE,
                io.sluice.metrics.Metrics.NOOP);
        shares = new ShareGroupService(store, new TopicCache(stores.metadata(), clock, Duration.ZERO), log.fetcher(),
                log.producer(), log.producers(), clock, clock::advance, Backoff.NONE);
        log.topics().create(new CreateTopic("jobs", 2, null, null, null));
        log.topics().create(new CreateTopic("dlq", 1, null, null, null));
    }

    private void produce(int partition, String... values) {
        List<ProduceRecord> records = new ArrayList<>();
        for (String v : values) {
            records.add(new ProduceRecord(("k-" + v).getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8),
                    List.of(new RecordHeader("h", "x".getBytes(StandardCharsets.UTF_8))), partition, null));
        }
        log.producer().produce("jobs", records);
    }

    private ShareGroupService.ConfigRequest config(Integer limit, String dlq) {
        return new ShareGroupService.ConfigRequest(List.of("jobs"), limit, 1_000L, dlq, null, null);
    }

    private static String value(ShareRecord r) {
        return new String(r.record().value(), StandardCharsets.UTF_8);
    }

    private List<AckStatus> ack(ShareRecord r, AcknowledgeType type) {
        return shares.acknowledge("q", List.of(new AckBatch(r.topic(), r.partition(), List.of(r.offset()), r.lockToken(),
                type))).stream().map(ShareGroupService.AckResult::status).toList();
    }

    private List<FetchedRecord> deadLetters() {
        return log.fetcher().fetch("dlq", 0, 0, 1 << 20).records();
    }

    @Test
    void fetchAcquiresAcrossPartitionsAndAnotherFetchGetsOnlyWhatIsLeft() {
        shares.configure("q", config(null, null));
        produce(0, "a", "b");
        produce(1, "c");
        List<ShareRecord> first = shares.fetch("q", 2, 0L, null);
        List<ShareRecord> second = shares.fetch("q", 10, 0L, null);
        assertThat(first).hasSize(2);
        assertThat(second).hasSize(1);
        assertThat(new java.util.HashSet<>(List.of(value(first.get(0)), value(first.get(1)), value(second.get(0)))))
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(shares.fetch("q", 10, 0L, null)).isEmpty();
        assertThat(first.get(0).deliveryCount()).isEqualTo(1);
        assertThat(first.get(0).lockExpiresAt()).isEqualTo(clock.millis() + 1_000);
        assertThat(first.get(0).lockToken()).matches(ShareGroupService.LOCK_TOKEN);
    }

    @Test
    void acksAnswerPerOffsetAndAnExpiredLockRedelivers() {
        shares.configure("q", config(null, null));
        produce(0, "a", "b");
        List<ShareRecord> got = shares.fetch("q", 10, 0L, null);
        assertThat(ack(got.get(0), AcknowledgeType.ACCEPT)).containsExactly(AckStatus.OK);
        assertThat(ack(got.get(0), AcknowledgeType.ACCEPT)).containsExactly(AckStatus.ALREADY_DONE);
        clock.advance(1_000);
        assertThat(ack(got.get(1), AcknowledgeType.ACCEPT)).containsExactly(AckStatus.LOCK_EXPIRED);
        List<ShareRecord> again = shares.fetch("q", 10, 0L, null);
        assertThat(again).extracting(ShareRecord::offset).containsExactly(1L);
        assertThat(again.get(0).deliveryCount()).isEqualTo(2);
        assertThat(ack(got.get(1), AcknowledgeType.ACCEPT)).containsExactly(AckStatus.INVALID_LOCK);
        assertThat(ack(again.get(0), AcknowledgeType.RENEW)).containsExactly(AckStatus.OK);
        clock.advance(900);
        assertThat(ack(again.get(0), AcknowledgeType.ACCEPT)).containsExactly(AckStatus.OK);
        ShareGroupService.Description d = shares.describe("q");
        assertThat(d.partitions().get(0).startOffset()).isEqualTo(2);
        assertThat(d.lag()).isZero();
    }

    @Test
    void rejectedAndExhaustedRecordsAreDeadLetteredOnceWithTheirOrigin() {
        shares.configure("q", config(2, "dlq"));
        produce(0, "a", "b");
        List<ShareRecord> got = shares.fetch("q", 10, 0L, null);
        assertThat(ack(got.get(0), AcknowledgeType.REJECT)).containsExactly(AckStatus.OK);
        assertThat(ack(got.get(1), AcknowledgeType.RELEASE)).containsExactly(AckStatus.OK);
        ShareRecord second = shares.fetch("q", 10, 0L, null).get(0);
        assertThat(second.deliveryCount()).isEqualTo(2);
        clock.advance(1_000);
        assertThat(shares.fetch("q", 10, 0L, null)).isEmpty();
        List<FetchedRecord> dlq = deadLetters();
        assertThat(dlq).hasSize(2);
        Map<String, String> h0 = headers(dlq.get(0));
        assertThat(h0).containsEntry("sluice.dlq.topic", "jobs").containsEntry("sluice.dlq.partition", "0")
                .containsEntry("sluice.dlq.offset", "0").containsEntry("sluice.dlq.delivery.count", "1")
                .containsEntry("sluice.dlq.reason", "rejected").containsEntry("h", "x");
        assertThat(headers(dlq.get(1))).containsEntry("sluice.dlq.offset", "1")
                .containsEntry("sluice.dlq.delivery.count", "2").containsEntry("sluice.dlq.reason", "exhausted");
        assertThat(new String(dlq.get(1).record().value(), StandardCharsets.UTF_8)).isEqualTo("b");
        assertThat(shares.describe("q").deadLettered()).isEqualTo(2);
        assertThat(shares.describe("q").partitions().get(0).startOffset()).isEqualTo(2);
    }

    @Test
    void aCrashBetweenTheDeadLetterStepsNeitherLosesNorDoublesTheCopy() {
        shares.configure("q", config(5, "dlq"));
        produce(0, "a", "b");
        List<ShareRecord> got = shares.fetch("q", 10, 0L, null);
        store.armed.set("after-intent");
        assertThatThrownBy(() -> ack(got.get(0), AcknowledgeType.REJECT)).hasMessageContaining("crash");
        assertThat(deadLetters()).isEmpty();
        store.armed.set("before-confirm");
        assertThatThrownBy(() -> shares.fetch("q", 10, 0L, null)).hasMessageContaining("crash");
        assertThat(deadLetters()).hasSize(1);
        assertThat(shares.describe("q").pendingDeadLetters()).isEqualTo(1);
        assertThat(ack(got.get(1), AcknowledgeType.REJECT)).containsExactly(AckStatus.OK);
        assertThat(deadLetters()).extracting(r -> headers(r).get("sluice.dlq.offset")).containsExactly("0", "1");
        assertThat(shares.describe("q").pendingDeadLetters()).isZero();
        assertThat(shares.describe("q").deadLettered()).isEqualTo(2);
    }

    @Test
    void keyOrderingHoldsALaterRecordOfAKeyUntilTheEarlierIsDone() {
        shares.configure("q", new ShareGroupService.ConfigRequest(List.of("jobs"), null, 1_000L, null, null, "key"));
        log.producer().produce("jobs", List.of(new ProduceRecord("k".getBytes(), "1".getBytes(), List.of(), 0, null),
                new ProduceRecord("k".getBytes(), "2".getBytes(), List.of(), 0, null),
                new ProduceRecord("j".getBytes(), "3".getBytes(), List.of(), 0, null)));
        List<ShareRecord> got = shares.fetch("q", 10, 0L, null);
        assertThat(got).extracting(ShareGroupServiceTest::value).containsExactly("1", "3");
        assertThat(ack(got.get(0), AcknowledgeType.ACCEPT)).containsExactly(AckStatus.OK);
        assertThat(shares.fetch("q", 10, 0L, null)).extracting(ShareGroupServiceTest::value).containsExactly("2");
    }

    @Test
    void aLongPollReturnsWhenRecordsArriveAndResetNeedsNothingAcquired() {
        produce(0, "old");
        shares.configure("q", new ShareGroupService.ConfigRequest(List.of("jobs"), null, 1_000L, null, "latest", null));
        long before = clock.millis();
        assertThat(shares.fetch("q", 10, 2_000L, null)).isEmpty();
        assertThat(clock.millis() - before).isGreaterThanOrEqualTo(2_000);
        produce(0, "new");
        List<ShareRecord> got = shares.fetch("q", 10, 2_000L, null);
        assertThat(got).extracting(ShareGroupServiceTest::value).containsExactly("new");
        assertThatThrownBy(() -> shares.reset("q", "jobs", new GroupService.Earliest()))
                .isInstanceOf(SluiceException.class).extracting(e -> ((SluiceException) e).code())
                .isEqualTo(ErrorCode.GROUP_NOT_EMPTY);
        clock.advance(1_000);
        assertThat(shares.reset("q", "jobs", new GroupService.Earliest())).extracting(ShareGroupService.ResetOffset::offset)
                .containsExactly(0L, 0L);
        assertThat(shares.fetch("q", 10, 0L, null)).extracting(ShareGroupServiceTest::value).containsExactly("old", "new");
    }

    @Test
    void unknownGroupsAndBadInputsAreRefused() {
        assertThatThrownBy(() -> shares.fetch("nope", null, null, null)).extracting(e -> ((SluiceException) e).code())
                .isEqualTo(ErrorCode.UNKNOWN_SHARE_GROUP);
        assertThatThrownBy(() -> shares.configure("q", new ShareGroupService.ConfigRequest(List.of("missing"), null, null,
                null, null, null))).extracting(e -> ((SluiceException) e).code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        assertThatThrownBy(() -> shares.configure("q", config(0, null))).extracting(e -> ((SluiceException) e).code())
                .isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(shares.list()).isEmpty();
        shares.configure("q", config(null, null));
        assertThatThrownBy(() -> shares.acknowledge("q", List.of(new AckBatch("jobs", 0, List.of(0L), "short",
                AcknowledgeType.ACCEPT)))).extracting(e -> ((SluiceException) e).code()).isEqualTo(ErrorCode.INVALID_LOCK);
        assertThatThrownBy(() -> shares.fetch("q", 0, null, null)).extracting(e -> ((SluiceException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(shares.list()).containsExactly("q");
        shares.delete("q");
        assertThat(shares.list()).isEmpty();
        assertThat(store.delegate.partitions("q", "any")).isEmpty();
    }

    private static Map<String, String> headers(FetchedRecord r) {
        return r.record().headers().stream().collect(Collectors.toMap(RecordHeader::key,
                h -> new String(h.value(), StandardCharsets.UTF_8), (a, b) -> b));
    }
}
