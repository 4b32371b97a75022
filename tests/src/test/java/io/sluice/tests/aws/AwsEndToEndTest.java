package io.sluice.tests.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceConsumer;
import io.sluice.client.SluiceHttp;
import io.sluice.client.SluiceProducer;
import io.sluice.client.wire.Wire;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * End to end against a deployed stack: {@code mvn -B verify -P aws-e2e -Dsluice.apiUrl=<ApiUrl output>}
 * (AWS credentials from the default chain; requests are signed with SigV4). For a stack deployed with
 * {@code JwtIssuer}, add {@code -Dsluice.jwtApiUrl=<JwtApiUrl output>} and a token from the issuer in the
 * environment variable {@code SLUICE_TOKEN}. Never part of the default build: the surefire
 * configuration excludes this package unless the profile is on.
 */
class AwsEndToEndTest {

    @Test
    void createProduceFetchConsumeAndDeleteOnADeployedStack() throws Exception {
        String apiUrl = System.getProperty("sluice.apiUrl");
        assertThat(apiUrl).as("pass -Dsluice.apiUrl=<the stack's ApiUrl output>").isNotBlank();
        SluiceHttp http = new SluiceHttp(SluiceHttp.Config.of(URI.create(apiUrl)));
        assertThat(http.config().local()).isFalse();
        SluiceAdmin admin = new SluiceAdmin(http);
        String topic = "e2e-" + System.currentTimeMillis();
        admin.createTopic(topic, 2, 3_600_000L, null, null);
        try {
            byte[] binary = {0, (byte) 0xff, 10, 13, 1};
            List<SluiceProducer.Metadata> sent = new ArrayList<>();
            try (SluiceProducer producer = new SluiceProducer(http, SluiceProducer.Config.defaults())) {
                sent.add(producer.send(SluiceProducer.Record.of(topic, "k".getBytes(), binary)).get());
                sent.add(producer.send(SluiceProducer.Record.of(topic, "k".getBytes(), "two".getBytes())).get());
            }
            assertThat(sent.get(1).offset()).isEqualTo(sent.get(0).offset() + 1);

            try (SluiceConsumer consumer = new SluiceConsumer(http,
                    SluiceConsumer.Config.forGroup(topic + "-group").withAutoCommit(false))) {
                consumer.subscribe(List.of(topic));
                List<SluiceConsumer.Record> records = new ArrayList<>();
                long deadline = System.currentTimeMillis() + 60_000;
                while (records.size() < 2 && System.currentTimeMillis() < deadline) {
                    records.addAll(consumer.poll(Duration.ofSeconds(1)));
                }
                assertThat(records).hasSize(2);
                assertThat(Arrays.equals(records.get(0).value(), binary)).isTrue();
                consumer.commitSync();
            }
            Wire.GroupDescription group = admin.describeGroup(topic + "-group");
            assertThat(group.offsets()).anySatisfy(o -> assertThat(o.lag()).isZero());
        } finally {
            admin.deleteTopic(topic);
        }
    }

    @Test
    void theJwtApiRefusesRequestsWithoutAValidTokenAndServesThoseWithOne() {
        String jwtApiUrl = System.getProperty("sluice.jwtApiUrl");
        String token = System.getenv("SLUICE_TOKEN");
        org.junit.jupiter.api.Assumptions.assumeTrue(jwtApiUrl != null && token != null,
                "no -Dsluice.jwtApiUrl and SLUICE_TOKEN: the stack has no JWT API to test");
        SluiceHttp.Config config = SluiceHttp.Config.of(URI.create(jwtApiUrl));
        SluiceHttp anonymous = new SluiceHttp(config.withBearerToken("not.a.token"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SluiceAdmin(anonymous).listTopics())
                .isInstanceOfSatisfying(io.sluice.client.SluiceClientException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        SluiceAdmin admin = new SluiceAdmin(new SluiceHttp(config.withBearerToken(token)));
        assertThat(admin.listTopics()).isNotNull();
    }
}
