package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.share.AcknowledgeType;
import io.sluice.share.DeadLetterProducer;
import io.sluice.share.ShareGroupConfig;
import io.sluice.share.ShareGroupStore;
import io.sluice.share.ShareItem;
import io.sluice.share.SharePartition;
import io.sluice.share.SharePartition.Candidate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ShareGroupStore} must do; extended once per implementation. */
abstract class ShareGroupStoreContract {

    private ShareGroupStore store;

    protected abstract ShareGroupStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    private static ShareGroupConfig config(String group, String groupId, long version) {
        return new ShareGroupConfig(group, groupId, version, List.of("t"), 5, 30_000, "dlq", "earliest", "key", 1_000);
    }

    @Test
    void configIsWrittenOnlyAtItsVersionAndListed() {
        assertThat(store.getConfig("q")).isEmpty();
        assertThat(store.putConfig(0, config("q", "id1", 1))).isTrue();
        assertThat(store.putConfig(0, config("q", "id2", 1))).isFalse();
        assertThat(store.getConfig("q")).contains(config("q", "id1", 1));
        assertThat(store.putConfig(3, config("q", "id1", 4))).isFalse();
        assertThat(store.putConfig(1, config("q", "id1", 2))).isTrue();
        assertThatThrownBy(() -> store.putConfig(2, config("q", "id1", 2))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.putConfig(0, config("a", "id3", 1))).isTrue();
        assertThat(store.listGroups()).containsExactly("a", "q");
        assertThat(store.deleteConfig("q", 1)).isFalse();
        assertThat(store.deleteConfig("q", 2)).isTrue();
        assertThat(store.getConfig("q")).isEmpty();
        assertThat(store.listGroups()).containsExactly("a");
    }

    @Test
    void aSharePartitionRoundTripsAndIsReplacedOnlyAtItsVersion() {
        SharePartition first = busy(SharePartition.initial("q", "t", 3, "tid", 10).withProducer(
                new DeadLetterProducer(42, 0, "dlq", 1, 0)));
        SharePartition created = new SharePartition("q", "t", 3, "tid", 1, first.startOffset(), first.ranges(),
                first.keyHashes(), first.deadLetters(), first.producer(), first.accepted(), first.archived(),
                first.deadLettered(), first.skipped());
        assertThat(store.getPartition("q", "id1", "t", 3)).isEmpty();
        assertThat(store.compareAndSet("id1", 0, created)).isTrue();
        assertThat(store.compareAndSet("id1", 0, created)).isFalse();
        assertThat(store.getPartition("q", "id1", "t", 3)).contains(created);
        assertThat(store.getPartition("q", "id1", "t", 3).orElseThrow().deadLetters()).isNotEmpty();

        SharePartition.Acquisition a = created.acquire(new SharePartition.Rules(5, 1000, true, true), 2_000, "tok-b",
                100, 10, List.of(new Candidate(created.endOffset(), 9)));
        assertThat(store.compareAndSet("id1", 5, withVersion(a.next(), 6))).isFalse();
        assertThat(store.compareAndSet("id2", 1, a.next())).as("another incarnation's version").isFalse();
        assertThat(store.compareAndSet("id1", 1, a.next())).isTrue();
        assertThat(store.getPartition("q", "id1", "t", 3)).contains(a.next());
        assertThat(store.compareAndSet("id1", 1, withVersion(a.next(), 2))).as("a lost race").isFalse();
        assertThat(store.partitions("q", "id1")).containsExactly(a.next());
    }

    @Test
    void anEarlierIncarnationsItemIsInvisibleAndReplaceable() {
        SharePartition old = withVersion(SharePartition.initial("q", "t", 0, "tid", 7), 1);
        assertThat(store.compareAndSet("old", 0, old)).isTrue();
        assertThat(store.getPartition("q", "new", "t", 0)).isEmpty();
        assertThat(store.partitions("q", "new")).isEmpty();
        SharePartition fresh = withVersion(SharePartition.initial("q", "t", 0, "tid", 0), 1);
        assertThat(store.compareAndSet("new", 0, fresh)).isTrue();
        assertThat(store.getPartition("q", "new", "t", 0)).contains(fresh);
        assertThat(store.getPartition("q", "old", "t", 0)).isEmpty();
        store.deletePartition("q", "t", 0);
        assertThat(store.getPartition("q", "new", "t", 0)).isEmpty();
    }

    @Test
    void theWorstCaseWindowFitsAndIsStoredWhole() {
        SharePartition worst = ShareItemSizeTest.worstCase("a-share-group-with-a-long-name", "a-topic-with-a-long-name");
        assertThat(ShareItem.bytes("id1", worst)).isLessThan(ShareItem.MAX_BYTES);
        SharePartition created = withVersion(worst, 1);
        assertThat(store.compareAndSet("id1", 0, created)).isTrue();
        assertThat(store.getPartition(worst.group(), "id1", worst.topic(), worst.partition())).contains(created);
    }

    /** A window with every state, a dead-letter intent and key hashes. */
    static SharePartition busy(SharePartition p) {
        SharePartition.Rules rules = new SharePartition.Rules(2, 1000, true, true);
        List<Candidate> read = new ArrayList<>();
        for (long o = p.startOffset(); o < p.startOffset() + 6; o++) {
            read.add(new Candidate(o, o % 3 == 0 ? null : (int) o));
        }
        SharePartition a = p.acquire(rules, 1_000, "tok-a", 500, 6, read).next();
        long s = p.startOffset();
        return a.acknowledge(rules, 1_001, 500, List.of(new SharePartition.Ack(s + 1, "tok-a", AcknowledgeType.ACCEPT),
                new SharePartition.Ack(s + 2, "tok-a", AcknowledgeType.REJECT),
                new SharePartition.Ack(s + 3, "tok-a", AcknowledgeType.RELEASE))).next();
    }

    static SharePartition withVersion(SharePartition p, long version) {
        return new SharePartition(p.group(), p.topic(), p.partition(), p.topicId(), version, p.startOffset(), p.ranges(),
                p.keyHashes(), p.deadLetters(), p.producer(), p.accepted(), p.archived(), p.deadLettered(), p.skipped());
    }
}
