package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceShareConsumer;
import io.sluice.client.SluiceShareConsumer.AcknowledgeType;
import io.sluice.client.cli.SluiceCli;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SluiceShareConsumer and {@code sluice queue} against the local stack. */
@ExtendWith(LocalStackExtension.class)
class ShareClientTest {

    private final HttpApiClient api;

    ShareClientTest(HttpApiClient api) {
        this.api = api;
    }

    private void produce(String topic, String... values) {
        for (String v : values) {
            assertThat(api.post("/topics/" + topic + "/records", "{\"records\":[{\"value\":\""
                    + Base64.getEncoder().encodeToString(v.getBytes(UTF_8)) + "\",\"partition\":0}]}").status())
                    .isEqualTo(200);
        }
    }

    private String cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, UTF_8));
            List<String> all = new ArrayList<>(List.of(args));
            all.add("--endpoint=" + api.endpoint());
            exit = SluiceCli.run(all.toArray(new String[0]));
        } finally {
            System.setOut(original);
        }
        assertThat(exit).as(captured.toString(UTF_8)).isZero();
        return captured.toString(UTF_8);
    }

    private static void waitUntil(long epochMillis) throws InterruptedException {
        for (long now = System.currentTimeMillis(); now < epochMillis; now = System.currentTimeMillis()) {
            Thread.sleep(Math.min(50, epochMillis - now));
        }
    }

    @Test
    void theConsumerBatchesAcksWithThePollAndItsRenewerKeepsSlowWorkLocked() throws Exception {
        assertThat(api.post("/topics", "{\"name\":\"sc-jobs\",\"partitions\":1}").status()).isEqualTo(201);
        produce("sc-jobs", "a", "b", "c");
        assertThat(cli("queue", "config", "sc-g", "--topic", "sc-jobs", "--lock-duration-ms", "400"))
                .contains("Share group sc-g consumes sc-jobs");
        SluiceHttp http = new SluiceHttp(SluiceHttp.Config.of(api.endpoint()));
        try (SluiceShareConsumer consumer = new SluiceShareConsumer(http,
                SluiceShareConsumer.Config.forGroup("sc-g").withMaxRecords(2))) {
            List<SluiceShareConsumer.Record> first = consumer.poll(Duration.ofSeconds(1));
            assertThat(first).extracting(r -> new String(r.value(), UTF_8)).containsExactly("a", "b");
            consumer.acknowledge(first.get(0), AcknowledgeType.ACCEPT);
            consumer.acknowledge(first.get(1), AcknowledgeType.RELEASE);
            List<SluiceShareConsumer.Record> second = consumer.poll(Duration.ofSeconds(1));
            assertThat(second).extracting(r -> new String(r.value(), UTF_8)).containsExactly("b", "c");
            assertThat(second.get(0).deliveryCount()).isEqualTo(2);
            second.forEach(r -> consumer.acknowledge(r, AcknowledgeType.ACCEPT));
            assertThat(consumer.commitSync()).extracting(SluiceShareConsumer.AckResult::status)
                    .containsExactly("OK", "OK");
        }
        produce("sc-jobs", "slow");
        try (SluiceShareConsumer slow = new SluiceShareConsumer(http, SluiceShareConsumer.Config.forGroup("sc-g")
                .withBackgroundRenewal(Duration.ofMillis(100)))) {
            SluiceShareConsumer.Record r = slow.poll(Duration.ofSeconds(1)).get(0);
            waitUntil(r.lockExpiresAt() + 800);
            slow.acknowledge(r, AcknowledgeType.ACCEPT);
            assertThat(slow.commitSync()).extracting(SluiceShareConsumer.AckResult::status).containsExactly("OK");
        }
        assertThat(api.get("/share-groups/sc-g").json().path("totals").path("lag").asLong()).isZero();
    }

    @Test
    void queueConsumeRunsACommandPerRecordAndRejectsAtTheLimit() {
        assertThat(api.post("/topics", "{\"name\":\"sc-work\",\"partitions\":1}").status()).isEqualTo(201);
        assertThat(api.post("/topics", "{\"name\":\"sc-dead\",\"partitions\":1}").status()).isEqualTo(201);
        produce("sc-work", "good-1", "bad-1", "good-2");
        cli("queue", "config", "sc-q", "--topic", "sc-work", "--dead-letter-topic", "sc-dead",
                "--delivery-attempt-limit", "2");
        cli("queue", "consume", "sc-q", "--exec", "grep -q good", "--idle-timeout-ms", "1500");
        String described = cli("queue", "describe", "sc-q");
        assertThat(described).contains("dead-lettered 1 (pending 0)").contains("lag 0");
        assertThat(api.get("/topics/sc-dead/partitions/0/records?offset=0").json().path("records").get(0)
                .path("value").asText()).isEqualTo(Base64.getEncoder().encodeToString("bad-1".getBytes(UTF_8)));
        produce("sc-work", "printed");
        assertThat(cli("queue", "consume", "sc-q", "--count", "1")).isEqualTo("printed\n");
    }
}
