package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.SamTemplate;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateAgreementTest {

    private static final Path TEMPLATE = EmbeddedBackends.projectRoot().resolve("template.yaml");

    private static TemplateAgreement agreement(Path file) {
        return new TemplateAgreement(SamTemplate.load(file));
    }

    @Test
    void theTemplateAndTheCodeAgree() {
        TemplateAgreement agreement = agreement(TEMPLATE);
        assertThat(SamTemplate.load(TEMPLATE).functions()).hasSize(8);
        assertThat(agreement.handlerProblems()).isEmpty();
        assertThat(agreement.routeProblems()).isEmpty();
        assertThat(agreement.environmentProblems()).isEmpty();
    }

    @Test
    void everyFunctionUsesJava21AndSnapStartOnPublishedVersions() {
        var globals = SamTemplate.load(TEMPLATE).root().path("Globals").path("Function");
        assertThat(globals.path("Runtime").asText()).isEqualTo("java21");
        assertThat(globals.path("SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
        assertThat(globals.path("AutoPublishAlias").asText()).isNotEmpty();
        var api = SamTemplate.load(TEMPLATE).root().path("Resources").path("HttpApi");
        assertThat(api.path("Type").asText()).isEqualTo("AWS::Serverless::HttpApi");
        assertThat(api.path("Properties").path("Auth").path("DefaultAuthorizer").asText()).isEqualTo("AWS_IAM");
        assertThat(SamTemplate.load(TEMPLATE).root().path("Outputs").has("ApiUrl")).isTrue();
    }

    @Test
    void aMissingRouteIsCaught(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(TEMPLATE).replace("Path: /topics/{topic}/partitions/{partition}/offsets",
                "Path: /topics/{topic}/partitions/{partition}/offsetz");
        Path doctored = Files.writeString(dir.resolve("template.yaml"), yaml);
        assertThat(agreement(doctored).routeProblems())
                .anyMatch(p -> p.contains("GET /topics/{topic}/partitions/{partition}/offsets"))
                .anyMatch(p -> p.contains("offsetz"));
    }

    @Test
    void aRouteOnTheWrongFunctionIsCaught(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(TEMPLATE).replace("Handler: io.sluice.functions.FetchHandler::handleRequest",
                "Handler: io.sluice.functions.ProduceHandler::handleRequest");
        Path doctored = Files.writeString(dir.resolve("template.yaml"), yaml);
        assertThat(agreement(doctored).routeProblems()).anyMatch(p -> p.contains("FetchFunction is routed"));
    }

    @Test
    void aMissingHandlerAndAMissingVariableAreCaught(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(TEMPLATE)
                .replace("Handler: io.sluice.functions.TopicsHandler::handleRequest",
                        "Handler: io.sluice.functions.NoSuchHandler::handleRequest")
                .replace("        TABLE_NAME:\n          Ref: MetadataTable\n", "");
        Path doctored = Files.writeString(dir.resolve("template.yaml"), yaml);
        assertThat(agreement(doctored).handlerProblems()).anyMatch(p -> p.contains("NoSuchHandler") && p.contains("no such class"));
        assertThat(agreement(doctored).environmentProblems()).hasSize(8).allMatch(p -> p.contains("TABLE_NAME"));
    }
}
