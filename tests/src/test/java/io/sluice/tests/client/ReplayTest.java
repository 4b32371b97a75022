package io.sluice.tests.client;

import static io.sluice.tests.client.ConsumerSemanticsTest.waitFor;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceConsumer.TopicPartition;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The log's replay promise, through the SDK a user runs: a group member that dies before committing is
 * followed by one that resumes at the last commit, and a group reset to a timestamp replays from the first
 * record at or after it. {@link SluiceConsumer} against the local stack, nothing hand-written in between.
 */
@ExtendWith(LocalStackExtension.class)
class ReplayTest {

    private static final long T0 = 1_700_000_000_000L;

    private final HttpApiClient api;
    private final SluiceHttp http;
    private final String topic = "replay-" + System.nanoTime();
    private final String group = "replay-g-" + System.nanoTime();

    ReplayTest(HttpApiClient api) {
        this.api = api;
        this.http = new SluiceHttp(SluiceHttp.Config.of(api.endpoint()));
    }

    @BeforeEach
    void tenRecordsOneSecondApart() throws Exception {
        new SluiceAdmin(http).createTopic(topic, 1, null, null, null);
        try (SluiceProducer producer = new SluiceProducer(http, SluiceProducer.Config.defaults())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new SluiceProducer.Record(topic, null, ("r" + i).getBytes(UTF_8), Map.of(), 0,
                        T0 + i * 1_000L));
            }
            producer.flush();
        }
    }

    private SluiceConsumer member() {
        return member(http);
    }

    private SluiceConsumer member(SluiceHttp through) {
        SluiceConsumer consumer = new SluiceConsumer(through, SluiceConsumer.Config.forGroup(group)
                .withAutoCommit(false).withSessionTimeoutMs(2_000).withFetchMaxBytes(4));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Polls until at least {@code count} records came, and returns them all. */
    private static List<SluiceConsumer.Record> pollAtLeast(SluiceConsumer consumer, int count) {
        List<SluiceConsumer.Record> got = new ArrayList<>();
        waitFor(Duration.ofSeconds(30), () -> {
            got.addAll(consumer.poll(Duration.ofMillis(200)));
            return got.size() >= count;
        }, count + " records");
        return got;
    }

    @Test
    void aConsumerThatDiedBeforeCommittingIsFollowedByOneThatResumesAtTheLastCommit() throws Exception {
        RecordingProxy network = new RecordingProxy(api.endpoint());
        SluiceConsumer first = member(new SluiceHttp(SluiceHttp.Config.of(network.endpoint())));
        List<SluiceConsumer.Record> polled = pollAtLeast(first, 4);
        assertThat(polled.get(0).offset()).isZero();
        // it has processed 0 to 2 and commits that; then it dies working on 3 and on: not another request
        // of it reaches the server (no commit, no leave), as when its process is killed
        first.commitSync(Map.of(new TopicPartition(topic, 0), 3L));
        network.failWhen(request -> true);

        SluiceConsumer second = member();
        try {
            List<SluiceConsumer.Record> resumed = pollAtLeast(second, 1);
            assertThat(resumed.get(0).offset()).as("the first record after the last commit").isEqualTo(3);
            assertThat(new String(resumed.get(0).value(), UTF_8)).isEqualTo("r3");
        } finally {
            second.close();
            network.close();
            try {
                first.close(); // stops its threads; its leave cannot get through
            } catch (RuntimeException unreachable) {
                // expected: the network is gone
            }
        }
    }

    @Test
    void afterAResetToATimestampDeliveryStartsAtTheFirstRecordAtOrAfterIt() {
        SluiceConsumer member = member();
        pollAtLeast(member, 10);
        member.commitSync();
        member.close();

        new SluiceAdmin(http).resetGroup(group, topic, null,
                JsonNodeFactory.instance.objectNode().put("timestamp", T0 + 6_500));

        SluiceConsumer again = member();
        try {
            SluiceConsumer.Record first = pollAtLeast(again, 1).get(0);
            assertThat(first.offset()).isEqualTo(7);
            assertThat(new String(first.value(), UTF_8)).isEqualTo("r7");
            assertThat(first.timestamp()).isGreaterThanOrEqualTo(T0 + 6_500);
        } finally {
            again.close();
        }
    }
}
