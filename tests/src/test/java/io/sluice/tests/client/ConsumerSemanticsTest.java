package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceConsumer.TopicPartition;
import io.sluice.client.SluiceHttp;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The consumer problems of issue 22, each reproduced against the local stack: a {@link RecordingProxy}
 * between the consumer and the stack counts its requests and injects outages and slow calls. Each test
 * is named after the problem it reproduces, and uses only the API the consumer had before the fix, so
 * it can be run against that code (where it fails).
 */
@ExtendWith(LocalStackExtension.class)
class ConsumerSemanticsTest {

    private final HttpApiClient api;

    ConsumerSemanticsTest(HttpApiClient api) {
        this.api = api;
    }

    // ---- problem 3 ----

    /**
     * A polls records and is still working on them when B joins and takes their partition. Whatever A
     * does in the background must not commit them: after A dies, B must get every one of them.
     */
    @Test
    void problem3_aRebalanceNeverCommitsRecordsThePollHandedOutButTheApplicationHasNotFinished() throws Exception {
        String topic = createTopic("p3-rebalance", 2);
        // The assignor keeps partition 0 with A and moves partition 1 to B: the records go to partition 1.
        produce(topic, 1, 5);
        try (RecordingProxy proxy = new RecordingProxy(api.endpoint())) {
            SluiceConsumer a = consumer(proxy.endpoint(), SluiceConsumer.Config.forGroup("p3-group")
                    .withSessionTimeoutMs(3_000));
            SluiceConsumer b = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("p3-group")
                    .withAutoCommit(false).withSessionTimeoutMs(3_000));
            try {
                a.subscribe(List.of(topic));
                List<SluiceConsumer.Record> inHand = new ArrayList<>();
                waitFor(Duration.ofSeconds(30), () -> {
                    inHand.addAll(a.poll(Duration.ofMillis(200)));
                    return !inHand.isEmpty();
                }, "A polls the records");
                // A is now processing inHand and does not call poll again.
                b.subscribe(List.of(topic));
                waitFor(Duration.ofSeconds(30), () -> memberWithExactly(group("p3-group"), topic + "[0]"),
                        "A is told to give up partition 1");
                long heartbeats = proxy.count(RecordingProxy.Seen::isHeartbeat);
                waitFor(Duration.ofSeconds(30), () -> proxy.count(RecordingProxy.Seen::isHeartbeat) > heartbeats,
                        "A heartbeats once more");
                proxy.failWhen(s -> true); // A dies with the records in hand

                Set<Long> seenByB = new HashSet<>();
                waitFor(Duration.ofSeconds(30), () -> {
                    for (SluiceConsumer.Record r : b.poll(Duration.ofMillis(200))) {
                        if (r.partition() == 1) {
                            seenByB.add(r.offset());
                        }
                    }
                    return inHand.stream().allMatch(r -> seenByB.contains(r.offset()));
                }, "B gets every record A never finished (seen by B: " + seenByB + ", committed: "
                        + group("p3-group").path("offsets") + ")");
            } finally {
                b.close();
                try {
                    a.close();
                } catch (RuntimeException deadMemberCannotLeave) {
                    // A cannot reach the stack; what counts is asserted above
                }
            }
        }
    }

    // ---- problem 6 ----

    @Test
    void problem6_aBackwardSeekWithAutoCommitIsCommittedAsTheOperatorIntends() {
        String topic = createTopic("p6-seek", 1);
        produce(topic, 0, 10);
        TopicPartition tp = new TopicPartition(topic, 0);
        // Auto-commit on every poll, one record per fetch.
        SluiceConsumer c = consumer(api.endpoint(), new SluiceConsumer.Config("p6-group", 10_000, true,
                Duration.ZERO, 1, "earliest"));
        try {
            c.subscribe(List.of(topic));
            List<Long> offsets = new ArrayList<>();
            waitFor(Duration.ofSeconds(30), () -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> offsets.add(r.offset()));
                return offsets.size() >= 10;
            }, "all ten records");
            c.poll(Duration.ZERO); // auto-commits 10
            assertThat(committed("p6-group", topic, 0)).isEqualTo(10);

            c.seekToBeginning(tp);
            List<SluiceConsumer.Record> again = new ArrayList<>();
            waitFor(Duration.ofSeconds(30), () -> {
                again.addAll(c.poll(Duration.ofMillis(200)));
                return !again.isEmpty();
            }, "the first record again");
            assertThat(again.get(0).offset()).isZero();
            long position = c.position(tp);
            c.poll(Duration.ZERO); // auto-commits the position after the rewind
            assertThat(committed("p6-group", topic, 0)).as("the rewind is committed").isEqualTo(position);
        } finally {
            c.close();
        }
        assertThat(group("p6-group").path("members")).as("close left the group").isEmpty();
    }

    @Test
    void problem6_closeAfterABackwardSeekCommitsItAndLeavesTheGroup() {
        String topic = createTopic("p6-close", 1);
        produce(topic, 0, 4);
        TopicPartition tp = new TopicPartition(topic, 0);
        SluiceConsumer c = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("p6-close-group"));
        c.subscribe(List.of(topic));
        List<Long> offsets = new ArrayList<>();
        waitFor(Duration.ofSeconds(30), () -> {
            c.poll(Duration.ofMillis(200)).forEach(r -> offsets.add(r.offset()));
            return offsets.size() >= 4;
        }, "all four records");
        c.commitSync();
        c.seekToBeginning(tp);
        c.close();
        JsonNode described = group("p6-close-group");
        assertThat(described.path("members")).as("close left the group").isEmpty();
        assertThat(committed("p6-close-group", topic, 0)).as("close committed the rewind").isZero();
    }

    // ---- problem 9 ----

    @Test
    void problem9_anIdleConsumerLongPollsInsteadOfFetchingEveryPartitionEvery100ms() throws Exception {
        String topic = createTopic("p9-idle", 2);
        try (RecordingProxy proxy = new RecordingProxy(api.endpoint())) {
            try (SluiceConsumer c = consumer(proxy.endpoint(), assignOnly())) {
                c.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
                assertThat(c.poll(Duration.ofSeconds(3))).isEmpty();
                long fetches = proxy.count(RecordingProxy.Seen::isFetch);
                System.out.printf("idle consumer: %d fetches over 2 partitions in a 3 s poll%n", fetches);
                assertThat(fetches).as("at most an immediate fetch and a long poll per partition, plus one")
                        .isLessThanOrEqualTo(5);
                assertThat(proxy.seen()).filteredOn(RecordingProxy.Seen::isFetch)
                        .anyMatch(s -> s.path().contains("maxWaitMs=") && !s.path().contains("maxWaitMs=0"));

                CompletableFuture<List<SluiceConsumer.Record>> polled = CompletableFuture.supplyAsync(
                        () -> c.poll(Duration.ofSeconds(15)));
                long before = System.nanoTime();
                produce(topic, 1, 1);
                List<SluiceConsumer.Record> records = polled.get(30, TimeUnit.SECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
                System.out.printf("long poll: a record arrived %d ms after it was produced%n", ms);
                assertThat(records).hasSize(1);
                assertThat(ms).as("returned when the record arrived, not at the poll's timeout").isLessThan(10_000);
            }
        }
    }

    @Test
    void problem9_onePollReturnsRecordsFromSeveralPartitions() {
        String topic = createTopic("p9-several", 3);
        for (int p = 0; p < 3; p++) {
            produce(topic, p, 2);
        }
        try (SluiceConsumer c = consumer(api.endpoint(), assignOnly())) {
            c.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2)));
            List<SluiceConsumer.Record> records = c.poll(Duration.ofSeconds(10));
            assertThat(records.stream().map(SluiceConsumer.Record::partition).distinct().sorted().toList())
                    .containsExactly(0, 1, 2);
            assertThat(records).hasSize(6);
        }
    }

    // ---- problem 11, inside poll ----

    @Test
    void problem11_a503InsidePollIsRetriedNotThrown() throws Exception {
        String topic = createTopic("p11-retry", 1);
        produce(topic, 0, 3);
        try (RecordingProxy proxy = new RecordingProxy(api.endpoint())) {
            AtomicInteger failures = new AtomicInteger();
            proxy.failWhen(s -> s.isFetch() && failures.getAndIncrement() < 1);
            try (SluiceConsumer c = consumer(proxy.endpoint(), assignOnly())) {
                c.assign(List.of(new TopicPartition(topic, 0)));
                List<SluiceConsumer.Record> records = new ArrayList<>();
                waitFor(Duration.ofSeconds(30), () -> {
                    records.addAll(c.poll(Duration.ofMillis(500)));
                    return records.size() >= 3;
                }, "the three records, after the outage");
            }
            assertThat(failures.get()).as("the outage happened").isGreaterThanOrEqualTo(1);
        }
    }

    // ---- problem 12 ----

    @Test
    void problem12_aSlowCommitDoesNotHoldBackHeartbeats() throws Exception {
        String topic = createTopic("p12-slow", 1);
        try (RecordingProxy proxy = new RecordingProxy(api.endpoint())) {
            try (SluiceConsumer c = consumer(proxy.endpoint(), SluiceConsumer.Config.forGroup("p12-slow-group")
                    .withAutoCommit(false).withSessionTimeoutMs(3_000))) {
                c.subscribe(List.of(topic));
                waitFor(Duration.ofSeconds(30), () -> {
                    c.poll(Duration.ofMillis(100));
                    return !c.assignment().isEmpty();
                }, "the partition is assigned");
                proxy.holdWhen(RecordingProxy.Seen::isCommit);
                CompletableFuture<Void> commit = CompletableFuture.runAsync(c::commitSync);
                waitFor(Duration.ofSeconds(10), () -> !proxy.held().isEmpty(), "the commit is in flight");
                long heldAt = proxy.held().get(0).atNanos();
                // Heartbeats are 1 s apart: four of them span more than the 3 s session.
                BooleanSupplier heartbeatsPastTheSession = () -> proxy.seen().stream()
                        .filter(s -> s.isHeartbeat() && s.atNanos() > heldAt).count() >= 4;
                waitFor(Duration.ofSeconds(15), heartbeatsPastTheSession,
                        "heartbeats for longer than the session while the commit is held");
                assertThat(group("p12-slow-group").path("members")).as("still a member while the commit is held")
                        .hasSize(1);
                assertThat(commit).isNotDone();
                proxy.releaseHeld();
                commit.get(30, TimeUnit.SECONDS);
                assertThat(group("p12-slow-group").path("members")).hasSize(1);
            }
        }
    }

    @Test
    void problem12_afterItsSessionIsLostTheConsumerStopsFetchingItsPartitions() throws Exception {
        String topic = createTopic("p12-lost", 1);
        try (RecordingProxy proxy = new RecordingProxy(api.endpoint())) {
            try (SluiceConsumer c = consumer(proxy.endpoint(), SluiceConsumer.Config.forGroup("p12-lost-group")
                    .withAutoCommit(false).withSessionTimeoutMs(1_000))) {
                c.subscribe(List.of(topic));
                waitFor(Duration.ofSeconds(30), () -> {
                    c.poll(Duration.ofMillis(100));
                    return !c.assignment().isEmpty();
                }, "the partition is assigned");
                proxy.failWhen(RecordingProxy.Seen::isHeartbeat);
                waitFor(Duration.ofSeconds(30), () -> group("p12-lost-group").path("members").isEmpty(),
                        "the server expires the member");
                produce(topic, 0, 3);
                long fetchesBefore = proxy.count(RecordingProxy.Seen::isFetch);
                List<SluiceConsumer.Record> records = c.poll(Duration.ofSeconds(1));
                assertThat(records).as("records of a partition that may belong to another member now").isEmpty();
                assertThat(proxy.count(RecordingProxy.Seen::isFetch)).as("no fetch after the session was lost")
                        .isEqualTo(fetchesBefore);
                assertThat(c.assignment()).isEmpty();

                proxy.failWhen(s -> false);
                List<SluiceConsumer.Record> after = new ArrayList<>();
                waitFor(Duration.ofSeconds(30), () -> {
                    after.addAll(c.poll(Duration.ofMillis(200)));
                    return after.size() >= 3;
                }, "the consumer rejoins and reads again");
            }
        }
    }

    // ---- problem 13, the consumer's part ----

    @Test
    void problem13_theResetLookupRunsOnlyWhenNoOffsetIsCommitted() throws Exception {
        String topic = createTopic("p13-reset", 1);
        produce(topic, 0, 3);
        HttpApiClient.Response commit = api.post("/groups/p13-reset-group/offsets",
                "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":2}]}");
        assertThat(commit.status()).as(commit.body()).isEqualTo(200);
        try (RecordingProxy proxy = new RecordingProxy(api.endpoint())) {
            try (SluiceConsumer c = consumer(proxy.endpoint(), SluiceConsumer.Config.forGroup("p13-reset-group")
                    .withAutoCommit(false))) {
                c.assign(List.of(new TopicPartition(topic, 0)));
                assertThat(c.position(new TopicPartition(topic, 0))).isEqualTo(2);
                assertThat(proxy.count(RecordingProxy.Seen::isOffsetLookup)).as("no earliest/latest lookup").isZero();
            }
        }
    }

    @Test
    void problem13_aSecondSubscribeStartsNoSecondHeartbeatThread() {
        String topic = createTopic("p13-subscribe", 1);
        String other = createTopic("p13-subscribe-other", 1);
        try (SluiceConsumer c = consumer(api.endpoint(), SluiceConsumer.Config.forGroup("p13-subscribe-group"))) {
            long before = heartbeatThreads();
            c.subscribe(List.of(topic));
            c.subscribe(List.of(topic, other));
            assertThat(heartbeatThreads() - before).isEqualTo(1);
        }
    }

    @Test
    void problem13_thePausedSetIsClearedWhenAPartitionIsRevoked() {
        String topic = createTopic("p13-paused", 2);
        produce(topic, 1, 2);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (SluiceConsumer c = consumer(api.endpoint(), assignOnly())) {
            c.assign(List.of(p0, p1));
            c.pause(List.of(p1));
            c.assign(List.of(p0));
            c.assign(List.of(p0, p1));
            List<SluiceConsumer.Record> records = new ArrayList<>();
            waitFor(Duration.ofSeconds(10), () -> {
                records.addAll(c.poll(Duration.ofMillis(200)));
                return records.size() >= 2;
            }, "partition 1, assigned again, is not paused any more");
        }
    }

    @Test
    void problem13_positionOfAnUnassignedPartitionThrowsAClearIllegalStateException() {
        String topic = createTopic("p13-position", 1);
        try (SluiceConsumer c = consumer(api.endpoint(), assignOnly())) {
            assertThatThrownBy(() -> c.position(new TopicPartition(topic, 0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(topic + "/0").hasMessageContaining("not assigned");
        }
    }

    // ---- helpers ----

    private static SluiceConsumer.Config assignOnly() {
        return new SluiceConsumer.Config(null, 10_000, false, Duration.ofSeconds(5), 1 << 20, "earliest");
    }

    private static SluiceConsumer consumer(URI endpoint, SluiceConsumer.Config config) {
        return new SluiceConsumer(new SluiceHttp(SluiceHttp.Config.of(endpoint)), config);
    }

    private String createTopic(String name, int partitions) {
        HttpApiClient.Response created = api.post("/topics", "{\"name\":\"" + name + "\",\"partitions\":" + partitions + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return name;
    }

    private void produce(String topic, int partition, int count) {
        StringBuilder body = new StringBuilder("{\"records\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"value\":\"")
                    .append(Base64.getEncoder().encodeToString(("value-" + i).getBytes(UTF_8)))
                    .append("\",\"partition\":").append(partition).append('}');
        }
        HttpApiClient.Response produced = api.post("/topics/" + topic + "/records", body.append("]}").toString());
        assertThat(produced.status()).as(produced.body()).isEqualTo(200);
    }

    private JsonNode group(String group) {
        HttpApiClient.Response described = api.get("/groups/" + group);
        assertThat(described.status()).as(described.body()).isEqualTo(200);
        return described.json();
    }

    private long committed(String group, String topic, int partition) {
        for (JsonNode o : group(group).path("offsets")) {
            if (o.path("topic").asText().equals(topic) && o.path("partition").asInt() == partition) {
                return o.path("committed").asLong();
            }
        }
        return -1;
    }

    private static boolean memberWithExactly(JsonNode group, String assignment) {
        for (JsonNode m : group.path("members")) {
            List<String> parts = new ArrayList<>();
            m.path("assignment").forEach(a -> parts.add(a.path("topic").asText() + a.path("partitions")));
            if (parts.equals(List.of(assignment))) {
                return true;
            }
        }
        return false;
    }

    private static long heartbeatThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("sluice-heartbeat")).count();
    }

    static void waitFor(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
        }
    }
}
