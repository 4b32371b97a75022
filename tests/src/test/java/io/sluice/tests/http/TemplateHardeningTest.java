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

    private static JsonNode parameter(String name) {
        return TEMPLATE.root().path("Parameters").path(name);
    }

    /** Issue 15, problem 4: neither API stage had throttles, and no function had reserved concurrency. */
    @Test
    void bothApiStagesAreThrottledByParameters() {
        JsonNode iam = RESOURCES.path("HttpApi").path("Properties").path("DefaultRouteSettings");
        JsonNode jwt = RESOURCES.path("JwtHttpApiStage").path("Properties").path("DefaultRouteSettings");
        for (JsonNode settings : List.of(iam, jwt)) {
            assertThat(settings.path("ThrottlingRateLimit").path("Ref").asText()).isEqualTo("ThrottlingRateLimit");
            assertThat(settings.path("ThrottlingBurstLimit").path("Ref").asText()).isEqualTo("ThrottlingBurstLimit");
        }
        long rate = parameter("ThrottlingRateLimit").path("Default").asLong();
        long burst = parameter("ThrottlingBurstLimit").path("Default").asLong();
        assertThat(rate).as("a sane default, under the account's 10,000 requests a second").isBetween(1L, 10_000L);
        assertThat(burst).isBetween(rate, 5_000L);
    }

    @Test
    void fetchAndAdminHaveReservedConcurrencyThatCanBeSwitchedOff() {
        long reserved = 0;
        for (String function : List.of("FetchFunction", "AdminFunction")) {
            String parameter = function.replace("Function", "") + "ReservedConcurrency";
            String condition = "Has" + parameter;
            JsonNode value = RESOURCES.path(function).path("Properties").path("ReservedConcurrentExecutions");
            assertThat(value.toString()).as(function).isEqualTo("{\"Fn::If\":[\"" + condition + "\",{\"Ref\":\""
                    + parameter + "\"},{\"Ref\":\"AWS::NoValue\"}]}");
            assertThat(TEMPLATE.root().path("Conditions").path(condition).toString()).as(condition)
                    .isEqualTo("{\"Fn::Not\":[{\"Fn::Equals\":[{\"Ref\":\"" + parameter + "\"},\"none\"]}]}");
            String pattern = parameter(parameter).path("AllowedPattern").asText();
            String byDefault = parameter(parameter).path("Default").asText();
            assertThat("none").matches(pattern);
            assertThat(byDefault).matches(pattern).matches("[1-9][0-9]*");
            assertThat("0").doesNotMatch(pattern);
            reserved += Long.parseLong(byDefault);
        }
        assertThat(reserved).as("Lambda keeps 100 of the default 1,000 unreserved").isLessThanOrEqualTo(900);
        assertThat(RESOURCES.path("ProduceFunction").path("Properties").has("ReservedConcurrentExecutions"))
                .as("produce takes from the unreserved pool, which fetch can no longer drain").isFalse();
    }

    @Test
    void bothApisWriteJsonAccessLogsWithCallerRouteAndStatus() throws IOException {
        JsonNode iam = RESOURCES.path("HttpApi").path("Properties").path("AccessLogSettings");
        JsonNode jwt = RESOURCES.path("JwtHttpApiStage").path("Properties").path("AccessLogSettings");
        for (JsonNode settings : List.of(iam, jwt)) {
            assertThat(settings.path("DestinationArn").toString())
                    .isEqualTo("{\"Fn::GetAtt\":[\"ApiAccessLogs\",\"Arn\"]}");
            JsonNode format = new com.fasterxml.jackson.databind.ObjectMapper().readTree(settings.path("Format").asText());
            assertThat(format.isObject()).as("the format is one JSON object").isTrue();
            assertThat(format.toString()).contains("$context.identity.caller", "$context.identity.userArn",
                    "$context.authorizer.claims.sub", "$context.routeKey", "$context.status", "$context.requestId",
                    "$context.identity.sourceIp");
        }
        JsonNode logs = RESOURCES.path("ApiAccessLogs");
        assertThat(logs.path("Type").asText()).isEqualTo("AWS::Logs::LogGroup");
        assertThat(logs.path("Properties").path("RetentionInDays").path("Ref").asText()).isEqualTo("LogRetentionDays");
    }

    /**
     * Issue 15, smaller holes: the errors alarm counts Lambda errors, which never fire since every exception
     * becomes a 500 response; and nothing watched the account's concurrency, which long polls can exhaust.
     */
    @Test
    void alarmsWatchTheAccountsConcurrencyAndEachApiStagesServerErrors() {
        JsonNode concurrency = RESOURCES.path("AccountConcurrencyAlarm").path("Properties");
        assertThat(concurrency.path("Namespace").asText()).isEqualTo("AWS/Lambda");
        assertThat(concurrency.path("MetricName").asText()).isEqualTo("ConcurrentExecutions");
        assertThat(concurrency.has("Dimensions")).as("account-wide, not one function").isFalse();
        assertThat(concurrency.path("Threshold").path("Ref").asText()).isEqualTo("ConcurrentExecutionsThreshold");
        assertThat(parameter("ConcurrentExecutionsThreshold").path("Default").asLong()).isBetween(1L, 1_000L);

        for (String[] alarm : List.of(new String[] {"ApiServerErrorsAlarm", "HttpApi"},
                new String[] {"JwtApiServerErrorsAlarm", "JwtHttpApi"})) {
            JsonNode resource = RESOURCES.path(alarm[0]);
            JsonNode p = resource.path("Properties");
            assertThat(p.path("Namespace").asText()).as(alarm[0]).isEqualTo("AWS/ApiGateway");
            assertThat(p.path("MetricName").asText()).isEqualTo("5xx");
            assertThat(p.path("Dimensions").toString()).isEqualTo("[{\"Name\":\"ApiId\",\"Value\":{\"Ref\":\""
                    + alarm[1] + "\"}},{\"Name\":\"Stage\",\"Value\":\"$default\"}]");
            assertThat(p.path("Threshold").path("Ref").asText()).isEqualTo("ServerErrorThreshold");
            assertThat(p.path("AlarmActions").toString()).contains("AlarmTopicArn");
            assertThat(resource.path("Condition").asText(""))
                    .isEqualTo(RESOURCES.path(alarm[1]).path("Condition").asText(""));
        }
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
