package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.infra.SamTemplate;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What template.yaml must hold to be secure by default, observable and cheap at idle. */
class TemplateHardeningTest {

    private static final Path ROOT = EmbeddedBackends.projectRoot();
    private static final SamTemplate TEMPLATE = SamTemplate.load(ROOT.resolve("template.yaml"));
    private static final JsonNode RESOURCES = TEMPLATE.root().path("Resources");

    @Test
    void everyRouteNeedsIamAuthorization() {
        JsonNode auth = RESOURCES.path("HttpApi").path("Properties").path("Auth");
        assertThat(auth.path("DefaultAuthorizer").asText()).isEqualTo("AWS_IAM");
        assertThat(auth.path("EnableIamAuthorizer").asBoolean()).isTrue();
        for (SamTemplate.FunctionDef function : TEMPLATE.functions()) {
            RESOURCES.path(function.logicalId()).path("Properties").path("Events").forEach(event ->
                    assertThat(event.path("Properties").has("Auth")).as("%s overrides the authorizer",
                            function.logicalId()).isFalse());
        }
    }

    @Test
    void theBucketIsPrivateEncryptedTlsOnlyAndCleansAbortedUploads() {
        JsonNode bucket = RESOURCES.path("DataBucket").path("Properties");
        JsonNode block = bucket.path("PublicAccessBlockConfiguration");
        for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertThat(block.path(setting).asBoolean()).as(setting).isTrue();
        }
        assertThat(bucket.path("BucketEncryption").path("ServerSideEncryptionConfiguration").get(0)
                .path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText()).isNotEmpty();
        assertThat(bucket.path("LifecycleConfiguration").path("Rules").get(0).path("AbortIncompleteMultipartUpload")
                .path("DaysAfterInitiation").asInt()).isPositive();
        JsonNode deny = RESOURCES.path("DataBucketPolicy").path("Properties").path("PolicyDocument").path("Statement").get(0);
        assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
        assertThat(deny.path("Condition").path("Bool").path("aws:SecureTransport").asText()).isEqualTo("false");
    }

    @Test
    void theTableIsRecoverableEncryptedAndProtectedByAParameter() {
        JsonNode table = RESOURCES.path("MetadataTable").path("Properties");
        assertThat(table.path("BillingMode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()).isTrue();
        assertThat(table.path("SSESpecification").path("SSEEnabled").asBoolean()).isTrue();
        assertThat(table.path("DeletionProtectionEnabled").toString()).contains("DeletionProtection");
        assertThat(TEMPLATE.root().path("Parameters").path("DeletionProtection").path("Default").asText()).isEqualTo("true");
    }

    @Test
    void everyFunctionHasALogGroupWithRetentionAndAlarmsCoverErrorsThrottlesAndLostConditions() {
        List<String> logGroups = new ArrayList<>();
        RESOURCES.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Logs::LogGroup")) {
                assertThat(e.getValue().path("Properties").path("RetentionInDays").path("Ref").asText())
                        .isEqualTo("LogRetentionDays");
                logGroups.add(e.getValue().path("Properties").path("LogGroupName").path("Fn::Sub").asText());
            }
        });
        for (SamTemplate.FunctionDef function : TEMPLATE.functions()) {
            assertThat(logGroups).contains("/aws/lambda/${" + function.logicalId() + "}");
        }
        List<String> alarmed = new ArrayList<>();
        RESOURCES.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
                alarmed.add(p.path("MetricName").asText());
                p.path("Metrics").forEach(m -> alarmed.add(m.path("MetricStat").path("Metric").path("MetricName").asText()));
            }
        });
        assertThat(alarmed).contains("Errors", "Throttles", "ConditionalCheckFailedRequests");
        long summedFunctions = alarmed.stream().filter("Errors"::equals).count();
        assertThat(summedFunctions).as("the errors alarm covers every function").isEqualTo(TEMPLATE.functions().size());
    }

    @Test
    void samBuildTakesTheJarThatMavenBuilds() {
        assertThat(TEMPLATE.root().path("Globals").path("Function").has("CodeUri"))
                .as("sam build rewrites a function's own CodeUri for .aws-sam/build/, never the one in Globals")
                .isFalse();
        for (SamTemplate.FunctionDef function : TEMPLATE.functions()) {
            JsonNode resource = RESOURCES.path(function.logicalId());
            assertThat(resource.path("Properties").path("CodeUri").asText()).as(function.logicalId())
                    .isEqualTo("functions/target/sluice-functions.jar");
            assertThat(resource.path("Metadata").path("SkipBuild").asBoolean())
                    .as("%s: without SkipBuild, `sam build` tries to build a jar file as a source folder", function.logicalId())
                    .isTrue();
        }
    }

    @Test
    void samconfigAndOutputsAreThere() throws IOException {
        assertThat(Files.readString(ROOT.resolve("samconfig.toml"))).contains("stack_name = \"sluice\"")
                .contains("CAPABILITY_IAM");
        assertThat(TEMPLATE.root().path("Outputs").fieldNames()).toIterable()
                .contains("ApiUrl", "BucketName", "TableName");
    }
}
