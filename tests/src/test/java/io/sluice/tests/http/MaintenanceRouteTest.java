package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.MaintenanceHandler;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.infra.LocalScheduler;
import io.sluice.infra.SamTemplate;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.HttpApiClient;
import io.sluice.tests.support.HttpApiClient.Response;
import io.sluice.tests.support.LocalStackExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin route runs a pass now; the local stack runs the template's schedule. */
@ExtendWith(LocalStackExtension.class)
class MaintenanceRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * The template's scheduled function is MaintenanceHandler; the local scheduler runs that handler on the
     * template's rate (shortened here), and what each run did is checked on the test thread: an assertion
     * inside a handler would run on the scheduler's thread, where a failure is only logged.
     */
    @Test
    void theTemplatesScheduleIsParsedAndItsHandlerRunsLocally() throws Exception {
        var functions = SamTemplate.load(EmbeddedBackends.projectRoot().resolve("template.yaml")).functions();
        var maintenance = functions.stream().filter(f -> !f.schedules().isEmpty()).findFirst().orElseThrow();
        assertThat(SamTemplate.rate(maintenance.schedules().get(0))).isEqualTo(Duration.ofMinutes(5));
        assertThat(maintenance.handlerClass()).isEqualTo(MaintenanceHandler.class.getName());

        LogServices log = LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore(), Clock.systemUTC());
        log.topics().create(new CreateTopic("scheduled", 1, null, null, null));
        for (int i = 0; i < 3; i++) {
            // an hour old: their run has passed the roll age, so the first pass closes it into a segment
            log.producer().produce("scheduled", List.of(new ProduceRecord(null, new byte[] {(byte) i}, List.of(), 0,
                    System.currentTimeMillis() - 3_600_000L + i)));
        }
        MaintenanceHandler handler = new MaintenanceHandler(log);
        BlockingQueue<ScheduledEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<String> reports = new LinkedBlockingQueue<>();
        BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
        RequestHandler<ScheduledEvent, String> recording = (event, context) -> {
            events.add(event);
            try {
                String report = handler.handleRequest(event, context);
                reports.add(report);
                return report;
            } catch (RuntimeException e) {
                failures.add(e);
                throw e;
            }
        };
        List<JsonNode> runs = new ArrayList<>();
        try (LocalScheduler scheduler = new LocalScheduler()) {
            scheduler.every(Duration.ofMillis(50), maintenance.logicalId(), recording);
            for (int run = 0; run < 2; run++) {
                String report = reports.poll(30, TimeUnit.SECONDS);
                assertThat(report).as("scheduled run %d finished (failures: %s)", run + 1, failures).isNotNull();
                runs.add(JSON.readTree(report));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(events).hasSizeGreaterThanOrEqualTo(2).allSatisfy(event -> {
            assertThat(event.getSource()).isEqualTo("aws.events");
            assertThat(event.getDetailType()).isEqualTo("Scheduled Event");
        });
        assertThat(runs.get(0).path("entriesMerged").asLong()).as(runs.get(0).toString()).isEqualTo(3);
        assertThat(runs.get(0).path("segmentsWritten").asLong()).isEqualTo(1);
        assertThat(runs.get(0).path("failures")).isEmpty();
        assertThat(runs.get(1).path("entriesMerged").asLong()).as("nothing left to merge").isZero();
        assertThat(log.fetcher().fetch("scheduled", 0, 0, 1 << 20).records()).hasSize(3);
    }
}
