package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.infra.LocalScheduler;
import io.sluice.infra.SamTemplate;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LocalStackExtension;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin route runs a pass now; the local stack runs the template's schedule. */
@ExtendWith(LocalStackExtension.class)
class MaintenanceRouteTest {

    private final HttpApiClient api;

    MaintenanceRouteTest(HttpApiClient api) {
        this.api = api;
    }

    @Test
    void anOperatorRunsAPassAndReadsWhatItDid() {
        api.post("/topics", "{\"name\":\"maint\",\"partitions\":1}");
        for (int i = 0; i < 3; i++) {
            // records an hour old: their run has passed the roll age, so the pass closes it into a segment
            api.post("/topics/maint/records", "{\"records\":[{\"value\":\"AAAA\",\"partition\":0,\"timestamp\":"
                    + (System.currentTimeMillis() - 3_600_000L - i) + "}]}");
        }
        Response report = api.post("/maintenance", "{\"topic\":\"maint\"}");
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.json().path("entriesMerged").asLong()).isEqualTo(3);
        assertThat(report.json().path("segmentsWritten").asLong()).isEqualTo(1);
        assertThat(report.json().has("objectsDeleted")).isTrue();
        assertThat(report.json().has("bytesReclaimed")).isTrue();
        assertThat(report.json().path("failures").isArray()).isTrue();
        assertThat(report.json().path("failures")).isEmpty();
        assertThat(api.get("/topics/maint/partitions/0/records?offset=0").json().path("records")).hasSize(3);
        assertThat(api.post("/maintenance", "{\"topic\":\"nope\"}").errorCode()).isEqualTo("UNKNOWN_TOPIC");
        assertThat(api.post("/maintenance", "").status()).isEqualTo(200);
    }

    @Test
    void theTemplatesScheduleIsParsedAndRunLocally() throws InterruptedException {
        var functions = SamTemplate.load(EmbeddedBackends.projectRoot().resolve("template.yaml")).functions();
        var maintenance = functions.stream().filter(f -> !f.schedules().isEmpty()).findFirst().orElseThrow();
        assertThat(SamTemplate.rate(maintenance.schedules().get(0))).isEqualTo(Duration.ofMinutes(5));

        CountDownLatch runs = new CountDownLatch(2);
        RequestHandler<ScheduledEvent, String> handler = (event, context) -> {
            assertThat(event.getSource()).isEqualTo("aws.events");
            runs.countDown();
            return "ok";
        };
        try (LocalScheduler scheduler = new LocalScheduler()) {
            scheduler.every(Duration.ofMillis(50), "MaintenanceFunction", handler);
            assertThat(runs.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
