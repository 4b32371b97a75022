package io.sluice.tests.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.group.GroupService.OffsetCommit;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.log.ProduceRecord;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.metrics.EmfMetrics;
import io.sluice.store.InMemoryObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The services' metrics come out as CloudWatch Embedded Metric Format lines CloudWatch can read. */
class EmfMetricsTest {

    @Test
    void produceFetchAndLagAreReportedAsEmf() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EmfMetrics metrics = new EmfMetrics(new PrintStream(out, true, UTF_8), Clock.systemUTC());
        LogServices log = LogServices.create(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore(), Clock.systemUTC(), Backoff.NONE, metrics);
        log.topics().create(new CreateTopic("t", 1, null, null, null));
        log.producer().produce("t", List.of(ProduceRecord.of(null, "abc".getBytes(UTF_8)),
                ProduceRecord.of(null, "de".getBytes(UTF_8))));
        log.fetcher().fetch("t", 0, 0, 1 << 20);
        log.groups().commit("g", null, null, List.of(new OffsetCommit("t", 0, 1, null)));
        log.groups().describe("g");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(UTF_8).split("\n")) {
            lines.add(new ObjectMapper().readTree(line));
        }
        for (JsonNode line : lines) {
            JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
            assertThat(directive.path("Namespace").asText()).isEqualTo("Sluice");
            String name = directive.path("Metrics").get(0).path("Name").asText();
            assertThat(line.has(name)).as("the value of %s is at the top level", name).isTrue();
            directive.path("Dimensions").get(0).forEach(d -> assertThat(line.has(d.asText())).isTrue());
            assertThat(line.path("_aws").path("Timestamp").asLong()).isPositive();
        }
        assertThat(value(lines, "RecordsProduced")).isEqualTo(2);
        assertThat(value(lines, "BytesProduced")).isPositive();
        assertThat(value(lines, "CommitRetries")).isZero();
        assertThat(value(lines, "BytesFetched")).isEqualTo(5);
        assertThat(value(lines, "ConsumerLag")).isEqualTo(1);
    }

    private static double value(List<JsonNode> lines, String name) {
        return lines.stream().filter(l -> l.has(name)).findFirst().orElseThrow().path(name).asDouble();
    }
}
