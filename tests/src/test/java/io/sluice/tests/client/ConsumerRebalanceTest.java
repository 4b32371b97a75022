package io.sluice.tests.client;

import static io.sluice.tests.client.ConsumerSemanticsTest.waitFor;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceConsumer.TopicPartition;
import io.sluice.client.SluiceHttp;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import io.sluice.tests.support.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The consumer's rebalance protocol and the API issue 22 added, against the local stack: listener
 * callbacks on the poll thread, what a revocation commits, maxPollInterval and the session on the
 * consumer's own (injected) clock, autoOffsetReset, commitAsync, committed and endOffsets.
 */
@ExtendWith(LocalStackExtension.class)
class ConsumerRebalanceTest {

    private final HttpApiClient api;

    ConsumerRebalanceTest(HttpApiClient api) {
        this.api = api;
    }

    /** What a listener was told, and on which thread. */
    record Event(String kind, List<TopicPartition> partitions, Thread thread) {
    }

    static final class Recorder implements SluiceConsumer.RebalanceListener {
        final List<Event> events = new CopyOnWriteArrayList<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            events.add(new Event("revoked", List.copyOf(partitions), Thread.currentThread()));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            events.add(new Event("assigned", List.copyOf(partitions), Thread.currentThread()));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            events.add(new Event("lost", List.copyOf(partitions), Thread.currentThread()));
        }

        boolean saw(String kind) {
            return events.stream().anyMatch(e -> e.kind().equals(kind));
        }
    }

    @Test
    void callbacksRunOnThePollThreadAndARevocationCommitsWhatEarlierPollsReturned() {
        String topic = createTopic("rb-callbacks", 2);
        produce(topic, 1, 5); // partition 1 moves from a to b when b joins
        Recorder aEvents = new Recorder();
        Recorder bEvents = new Recorder();
        try (SluiceConsumer a = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("rb-callbacks-group")
                .withSessionTimeoutMs(3_000).withAutoCommitInterval(Duration.ofMinutes(10)));
             SluiceConsumer b = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("rb-callbacks-group")
                     .withSessionTimeoutMs(3_000).withAutoCommit(false))) {
            a.subscribe(List.of(topic), aEvents);
            List<SluiceConsumer.Record> polled = new ArrayList<>();
            waitFor(Duration.ofSeconds(30), () -> {
                polled.addAll(a.poll(Duration.ofMillis(200)));
                return polled.size() >= 5;
            }, "a reads partition 1");
            assertThat(committed("rb-callbacks-group", topic, 1)).as("nothing committed yet").isEqualTo(-1);

            b.subscribe(List.of(topic), bEvents);
            waitFor(Duration.ofSeconds(30), () -> {
                a.poll(Duration.ofMillis(100));
                b.poll(Duration.ofMillis(100));
                return b.assignment().contains(new TopicPartition(topic, 1));
            }, "partition 1 moves to b");

            assertThat(aEvents.events).filteredOn(e -> e.kind().equals("revoked")).singleElement().satisfies(e -> {
                assertThat(e.partitions()).containsExactly(new TopicPartition(topic, 1));
                assertThat(e.thread()).isSameAs(Thread.currentThread());
            });
            assertThat(bEvents.events).filteredOn(e -> e.kind().equals("assigned")).singleElement().satisfies(e -> {
                assertThat(e.partitions()).containsExactly(new TopicPartition(topic, 1));
                assertThat(e.thread()).isSameAs(Thread.currentThread());
            });
            assertThat(aEvents.events).allMatch(e -> e.thread() == Thread.currentThread());
            assertThat(committed("rb-callbacks-group", topic, 1))
                    .as("a called poll again after the five records, so the revocation commits them").isEqualTo(5);
            assertThat(b.position(new TopicPartition(topic, 1))).isEqualTo(5);
        }
    }

    @Test
    void theConsumerLeavesTheGroupWhenTheApplicationStopsPollingForMaxPollInterval() {
        String topic = createTopic("rb-max-poll", 1);
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        Recorder events = new Recorder();
        try (SluiceConsumer c = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("rb-max-poll-group")
                .withSessionTimeoutMs(3_000).withMaxPollInterval(Duration.ofSeconds(30)).withClock(clock))) {
            c.subscribe(List.of(topic), events);
            waitFor(Duration.ofSeconds(30), () -> {
                c.poll(Duration.ofMillis(100));
                return !c.assignment().isEmpty();
            }, "the partition is assigned");
            clock.advance(31_000); // the application is busy for 31 s
            waitFor(Duration.ofSeconds(10), () -> group("rb-max-poll-group").path("members").isEmpty(),
                    "the heartbeat thread leaves the group");
            assertThat(events.saw("lost")).as("nothing is called until the application polls").isFalse();

            waitFor(Duration.ofSeconds(30), () -> {
                c.poll(Duration.ofMillis(100));
                return events.saw("lost") && !c.assignment().isEmpty();
            }, "the next poll reports the partition lost and rejoins");
            assertThat(events.events.stream().map(Event::kind).toList()).containsSubsequence("assigned", "lost",
                    "assigned");
        }
    }

    @Test
    void onceItsSessionRunsOutOnItsOwnClockTheConsumerStopsFetchingAndRejoinsAtOnce() throws Exception {
        String topic = createTopic("rb-clock", 1);
        MutableClock clock = new MutableClock(System.currentTimeMillis());
        Recorder events = new Recorder();
        try (RecordingProxy proxy = new RecordingProxy(api.endpoint());
             SluiceConsumer c = consumer(proxy.endpoint(), SluiceConsumer.Config.forGroup("rb-clock-group")
                     .withSessionTimeoutMs(10_000).withAutoCommit(false).withClock(clock))) {
            c.subscribe(List.of(topic), events);
            waitFor(Duration.ofSeconds(30), () -> {
                c.poll(Duration.ofMillis(100));
                return !c.assignment().isEmpty();
            }, "the partition is assigned");
            proxy.failWhen(RecordingProxy.Seen::isHeartbeat);
            produce(topic, 0, 2);
            clock.advance(10_001); // heartbeats fail and the session runs out on the consumer's clock
            long fetches = proxy.count(RecordingProxy.Seen::isFetch);
            assertThat(c.poll(Duration.ofMillis(500))).isEmpty();
            assertThat(proxy.count(RecordingProxy.Seen::isFetch)).isEqualTo(fetches);
            assertThat(events.saw("lost")).isTrue();
            assertThat(c.assignment()).isEmpty();

            proxy.failWhen(s -> false);
            List<SluiceConsumer.Record> records = new ArrayList<>();
            long started = System.nanoTime();
            waitFor(Duration.ofSeconds(8), () -> {
                records.addAll(c.poll(Duration.ofMillis(100)));
                return records.size() >= 2;
            }, "having left its lost membership and rejoined, it gets the partition back without waiting out the"
                    + " server's session");
            System.out.printf("rejoined and read again %d ms after the stack was reachable%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            assertThat(group("rb-clock-group").path("members")).hasSize(1);
            // Member ids are the server's: no join names one, and the lost one was left with its epoch.
            assertThat(proxy.count(s -> s.isHeartbeat() && s.body().contains("\"memberEpoch\":0"))).isGreaterThanOrEqualTo(2);
            assertThat(proxy.count(s -> s.isHeartbeat() && s.body().contains("\"memberEpoch\":0")
                    && s.body().contains("memberId"))).isZero();
            assertThat(proxy.count(s -> s.isHeartbeat() && s.body().contains("\"memberEpoch\":-1")
                    && s.body().contains("\"leaveEpoch\":"))).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void autoOffsetResetNoneThrowsAndLatestStartsAtTheEnd() {
        String topic = createTopic("rb-reset", 1);
        produce(topic, 0, 3);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (SluiceConsumer none = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("rb-reset-none")
                .withAutoCommit(false).withAutoOffsetReset("none"))) {
            none.assign(List.of(tp));
            assertThatThrownBy(() -> none.poll(Duration.ofMillis(100)))
                    .isInstanceOf(SluiceConsumer.NoOffsetException.class).hasMessageContaining(topic + "/0");
            none.seek(tp, 1);
            assertThat(none.poll(Duration.ofSeconds(5))).extracting(SluiceConsumer.Record::offset).containsExactly(1L, 2L);
        }
        try (SluiceConsumer latest = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("rb-reset-latest")
                .withAutoCommit(false).withAutoOffsetReset("latest"))) {
            latest.assign(List.of(tp));
            assertThat(latest.position(tp)).isEqualTo(3);
        }
        assertThatThrownBy(() -> SluiceConsumer.Config.forGroup("g").withAutoOffsetReset("smallest"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commitAsyncCommittedAndEndOffsets() throws Exception {
        String topic = createTopic("rb-async", 1);
        produce(topic, 0, 3);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (SluiceConsumer c = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("rb-async-group")
                .withAutoCommit(false))) {
            c.assign(List.of(tp));
            assertThat(c.committed(List.of(tp))).isEmpty();
            assertThat(c.poll(Duration.ofSeconds(5))).hasSize(3);
            assertThat(c.commitAsync().get(30, TimeUnit.SECONDS)).isEqualTo(Map.of(tp, 3L));
            assertThat(c.committed(List.of(tp))).isEqualTo(Map.of(tp, 3L));
            assertThat(c.endOffsets(List.of(tp))).isEqualTo(Map.of(tp, 3L));
            assertThatThrownBy(() -> c.commitSync(Map.of(tp, 2L))).as("no seek: a lower offset is refused")
                    .isInstanceOfSatisfying(SluiceClientException.class, e -> assertThat(e.code()).isEqualTo("CONFLICT"));
            assertThat(c.committed(List.of(tp))).isEqualTo(Map.of(tp, 3L));
            c.seek(tp, 2);
            c.commitSync(Map.of(tp, 2L));
            assertThat(c.committed(List.of(tp))).as("after a seek, the rewind is committed").isEqualTo(Map.of(tp, 2L));
        }
    }

    // ---- helpers ----

    private static SluiceConsumer consumer(URI endpoint, SluiceConsumer.Config config) {
        return new SluiceConsumer(new SluiceHttp(SluiceHttp.Config.of(endpoint)), config);
    }

    private String createTopic(String name, int partitions) {
        HttpApiClient.Response created = api.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    private void produce(String topic, int partition, int count) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add("{\"value\":\"" + Base64.getEncoder().encodeToString(("value-" + i).getBytes(UTF_8))
                    + "\",\"partition\":" + partition + "}");
        }
        HttpApiClient.Response produced = api.post("/topics/" + topic + "/records",
                "{\"records\":[" + String.join(",", records) + "]}");
        assertThat(produced.status()).as(produced.body()).isEqualTo(200);
    }

    private JsonNode group(String group) {
        HttpApiClient.Response described = api.get("/groups/" + group);
        assertThat(described.status()).as(described.body()).isEqualTo(200);
        return described.json();
    }

    private long committed(String group, String topic, int partition) {
        HttpApiClient.Response described = api.get("/groups/" + group);
        if (described.status() == 404) {
            return -1;
        }
        for (JsonNode o : described.json().path("offsets")) {
            if (o.path("topic").asText().equals(topic) && o.path("partition").asInt() == partition) {
                return o.path("committed").asLong();
            }
        }
        return -1;
    }
}
