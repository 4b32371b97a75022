package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.acl.AclBinding;
import io.sluice.acl.Authorizer;
import io.sluice.acl.DynamoAclStore;
import io.sluice.acl.Operation;
import io.sluice.acl.PatternType;
import io.sluice.acl.Permission;
import io.sluice.acl.ResourceType;
import io.sluice.api.Route;
import io.sluice.functions.AccessControl;
import io.sluice.functions.ApiGatewayHandler;
import io.sluice.infra.SamTemplate;
import io.sluice.LogServices;
import io.sluice.log.TopicCache;
import io.sluice.maintenance.Maintenance;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.OperationRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Least privilege, proved rather than asserted: every function's handler runs a scenario that uses all
 * of its routes, on clients that record each IAM action it needs and each S3 prefix it touches. The
 * template must grant each function exactly those actions, on exactly those resources.
 */
@ExtendWith(EmbeddedBackends.class)
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class LeastPrivilegeTest {

    private static final SamTemplate TEMPLATE = SamTemplate.load(EmbeddedBackends.projectRoot().resolve("template.yaml"));

    /** The scenario's caller: no admin, so every check reads the ACLs (the cache lives 0 s here). */
    private static final String CALLER = "arn:aws:iam::123456789012:user/lp";
    private static final String EXTRA_ACL = "{\"principal\":\"arn:aws:iam::123456789012:user/other\","
            + "\"resourceType\":\"topic\",\"resourceName\":\"lp\",\"patternType\":\"literal\","
            + "\"operation\":\"read\",\"permission\":\"allow\"}";

    private record Step(String method, String path, String body) {
    }

    /** A scenario that reaches every route, in an order where each one has something to work on. */
    private static final Step SCHEDULED = new Step("SCHEDULE", "", null);
    /** The subscriptions' sweep (issue 19), the other scheduled function. */
    private static final Step SWEEP = new Step("SWEEP", "", null);
    /** The sweep again, once the subscription is gone: it clears the mark its failed trigger left. */
    private static final Step SWEEP_CLEARS = new Step("SWEEP", "clears", null);
    /** The next produce's trigger is not accepted by Lambda, so it marks the lane for the sweep. */
    private static final Step TRIGGER_FAILS = new Step("TRIGGER_FAILS", "", null);
    /** The next dispatcher has too little time left: it re-triggers itself, as one out of time with lag. */
    private static final Step DISPATCHER_SHORT = new Step("DISPATCHER_SHORT", "", null);
    /**
     * The function's next head update loses a real race: another instance commits to the same partition
     * first. Its retry is a lately contended commit, which reads the last entry's index item before it would
     * put it (issue 17, section 5): every function that commits is proved to be granted that path too.
     */
    private static Step losesRace(String function) {
        return new Step("LOSES_RACE", function, null);
    }

    private static Step produce(String topic, int partition, long timestamp) {
        return new Step("POST", "/topics/" + topic + "/records", "{\"records\":[{\"value\":\"AA==\",\"partition\":"
                + partition + ",\"timestamp\":" + timestamp + "}]}");
    }

    private static final List<Step> SCENARIO = List.of(
            new Step("POST", "/topics", "{\"name\":\"lp\",\"partitions\":2}"),
            new Step("POST", "/topics", "{\"name\":\"lpr\",\"partitions\":1,\"retentionBytes\":400}"),
            new Step("POST", "/topics", "{\"name\":\"lpc\",\"partitions\":1}"),
            new Step("GET", "/topics", null),
            new Step("GET", "/topics/lp", null),
            new Step("POST", "/producers", "{\"name\":\"lp-producer\"}"),
            new Step("POST", "/topics/lp/records", "{\"records\":[{\"value\":\"AA==\",\"partition\":0,\"timestamp\":1000},"
                    + "{\"value\":\"AQ==\",\"partition\":1,\"timestamp\":1000}]}"),
            losesRace("ProduceFunction"),
            produce("lp", 0, 2000), produce("lp", 0, 3000), produce("lpr", 0, 1000), produce("lpr", 0, 1000),
            new Step("GET", "/topics/lp/partitions/0/records?offset=0", null),
            new Step("GET", "/topics/lp/partitions/0/offsets?at=earliest", null),
            new Step("GET", "/topics/lp/partitions/0/offsets?at=latest", null),
            new Step("GET", "/topics/lp/partitions/0/offsets?at=1500", null),
            new Step("POST", "/groups/lpg/heartbeat", "{\"memberEpoch\":0,\"topics\":[\"lp\"]}"),
            new Step("GET", "/groups/lpg", null),
            new Step("GET", "/groups", null),
            new Step("POST", "/groups/manual/offsets", "{\"offsets\":[{\"topic\":\"lp\",\"partition\":0,\"offset\":1}]}"),
            new Step("POST", "/groups/other/reset", "{\"topic\":\"lp\",\"to\":{\"timestamp\":1500}}"),
            SCHEDULED, SCHEDULED,
            produce("lp", 0, 4000), produce("lp", 0, 5000), produce("lpc", 0, 1000), produce("lpc", 0, 1000),
            produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000),
            new Step("POST", "/maintenance", null),
            new Step("POST", "/maintenance", null),
            produce("lp", 0, 6000), produce("lp", 0, 7000), produce("lpc", 0, 2000), produce("lpc", 0, 2000),
            produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000),
            SCHEDULED, SCHEDULED,
            produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000),
            produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000), produce("lpr", 0, 1000),
            new Step("POST", "/maintenance", null),
            new Step("POST", "/maintenance", null),
            new Step("GET", "/topics/lp/partitions/0/records?offset=0", null),
            new Step("GET", "/topics/lp/partitions/0/offsets?at=1500", null),
            new Step("POST", "/groups/other/reset", "{\"topic\":\"lp\",\"to\":{\"timestamp\":1500}}"),
            // Share groups (issue 18): a reject dead-letters through the produce path; the records are read
            // from a segment and from a WAL object. ${lock} is the offsets and lockToken of the last fetch.
            new Step("POST", "/topics", "{\"name\":\"lpq\",\"partitions\":1}"),
            new Step("POST", "/topics", "{\"name\":\"lpdlq\",\"partitions\":1}"),
            produce("lpq", 0, 1000), produce("lpq", 0, 1000),
            new Step("POST", "/maintenance", null),
            new Step("POST", "/maintenance", null),
            produce("lpq", 0, 1000),
            new Step("PUT", "/share-groups/lps", "{\"topics\":[\"lpq\"],\"deadLetterTopic\":\"lpdlq\"}"),
            new Step("GET", "/share-groups", null),
            new Step("POST", "/share-groups/lps/fetch", "{\"maxRecords\":1}"),
            losesRace("ShareGroupsFunction"),
            new Step("POST", "/share-groups/lps/acks", "{\"acks\":[{\"topic\":\"lpq\",\"partition\":0,${lock},"
                    + "\"type\":\"reject\"}]}"),
            new Step("POST", "/share-groups/lps/fetch", "{\"maxRecords\":2}"),
            new Step("POST", "/share-groups/lps/acks", "{\"acks\":[{\"topic\":\"lpq\",\"partition\":0,${lock},"
                    + "\"type\":\"accept\"}]}"),
            new Step("GET", "/share-groups/lps", null),
            new Step("POST", "/share-groups/lps/reset", "{\"topic\":\"lpq\",\"to\":\"earliest\"}"),
            new Step("DELETE", "/share-groups/lps", null),
            // Subscriptions (issue 19): a Lambda target that always fails, so its records are dead-lettered;
            // the produce path, the API (resume) and the sweep each start the dispatcher.
            new Step("POST", "/topics", "{\"name\":\"lpsub\",\"partitions\":1}"),
            new Step("POST", "/topics", "{\"name\":\"lpsubdlq\",\"partitions\":1}"),
            new Step("POST", "/subscriptions", "{\"name\":\"lpsub\",\"topic\":\"lpsub\",\"target\":{\"type\":"
                    + "\"lambda\",\"functionArn\":\"sluice-target-lp\"},\"maximumRetryAttempts\":0,"
                    + "\"deadLetterTopic\":\"lpsubdlq\"}"),
            new Step("GET", "/subscriptions", null),
            losesRace("DispatcherFunction"),
            produce("lpsub", 0, 1000),
            new Step("GET", "/subscriptions/lpsub", null),
            new Step("POST", "/subscriptions/lpsub/pause", null),
            produce("lpsub", 0, 2000), produce("lpsub", 0, 2000), produce("lpsub", 0, 2000),
            new Step("POST", "/maintenance", null),
            new Step("POST", "/maintenance", null),
            // Resumed, its dispatcher reads the paused records from the segment maintenance compacted them into.
            new Step("POST", "/subscriptions/lpsub/resume", null),
            DISPATCHER_SHORT, produce("lpsub", 0, 2500),
            TRIGGER_FAILS, produce("lpsub", 0, 3000),
            SWEEP,
            TRIGGER_FAILS, produce("lpsub", 0, 4000),
            new Step("DELETE", "/subscriptions/lpsub", null),
            SWEEP_CLEARS,
            // ACLs (issue 16): every request above was checked against the stored ACLs, as a non-admin.
            new Step("POST", "/acls", EXTRA_ACL),
            new Step("GET", "/acls?principal=" + CALLER, null),
            new Step("DELETE", "/acls", EXTRA_ACL),
            new Step("DELETE", "/topics/lp", null));

    private Map<String, Map<String, Set<String>>> used;

    /** Runs the scenario once: function logical id to the actions (and S3 prefixes) its handler used. */
    @org.junit.jupiter.api.BeforeAll
    void runScenario(Backends backends) throws Exception {
        Backends.Stack shared = backends.fresh();
        DynamoAclStore seed = new DynamoAclStore(shared.dynamo(), shared.table());
        for (ResourceType type : ResourceType.values()) {
            seed.add(new AclBinding(CALLER, type, type == ResourceType.CLUSTER ? ResourceType.CLUSTER_NAME : "*",
                    PatternType.LITERAL, Operation.ALL, Permission.ALLOW));
        }
        // Group index entries written longer ago than the grace: GET /groups confirms the one whose group item
        // exists, and drops the one whose creator crashed before writing it.
        long old = System.currentTimeMillis() - io.sluice.group.GroupService.INDEX_GRACE_MS - 60_000;
        shared.groups().indexGroup("lp-index-confirmed", old);
        shared.groups().compareAndSetGroup(0, new io.sluice.group.GroupState("lp-index-confirmed", 1, 0, Map.of(),
                Map.of()));
        shared.groups().indexGroup("lp-index-crashed", old);
        Map<String, OperationRecorder> recorders = new LinkedHashMap<>();
        Map<Route, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> routes = new TreeMap<>();
        Map<String, RequestHandler<ScheduledEvent, ?>> scheduledBy = new TreeMap<>();
        Map<String, RequestHandler<Map<String, Object>, ?>> invoked = new TreeMap<>();
        java.util.concurrent.atomic.AtomicBoolean triggerFails = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean dispatcherShort = new java.util.concurrent.atomic.AtomicBoolean();
        Map<String, java.util.concurrent.atomic.AtomicBoolean> losesRace = new java.util.concurrent.ConcurrentHashMap<>();
        LogServices rival = LogServices.create(shared.objects(), shared.metadata(), shared.groups(), Clock.systemUTC());
        for (SamTemplate.FunctionDef function : TEMPLATE.functions()) {
            OperationRecorder recorder = new OperationRecorder();
            recorders.put(function.logicalId(), recorder);
            Backends.Stack stack = backends.attach(shared, recorder);
            java.util.concurrent.atomic.AtomicBoolean loses = losesRace.computeIfAbsent(function.logicalId(),
                    id -> new java.util.concurrent.atomic.AtomicBoolean());
            io.sluice.meta.MetadataStore metadata = new io.sluice.tests.support.ForwardingMetadataStore(stack.metadata()) {
                @Override
                public boolean compareAndSetHead(long expectedVersion, io.sluice.meta.PartitionHead next) {
                    if (loses.getAndSet(false)) {
                        rival.producer().produce(next.topic(), List.of(new io.sluice.log.ProduceRecord(null,
                                new byte[] {9}, List.of(), next.partition(), 1000L)));
                    }
                    return delegate.compareAndSetHead(expectedVersion, next);
                }
            };
            // As Services wires a function: functions the template names the dispatcher to start it (with
            // an Event invoke, recorded, run here at once), and the dispatcher invokes Lambda targets.
            boolean startsDispatchers = function.environment().containsKey("DISPATCHER_FUNCTION")
                    || function.environment().containsKey("DISPATCHER_SELF");
            io.sluice.subscription.DispatchInvoker invoker = d -> {
                if (function.logicalId().equals("ProduceFunction") && triggerFails.getAndSet(false)) {
                    throw new IllegalStateException("Lambda throttled the Event invoke");
                }
                recorder.record("lambda:InvokeFunction", "dispatcher");
                java.util.Map<String, Object> event = new java.util.HashMap<>();
                event.put("subscription", d.subscription());
                event.put("partition", d.partition());
                event.put("lane", d.lane());
                invoked.get("DispatcherFunction").handleRequest(event,
                        dispatcherShort.getAndSet(false) ? new ShortContext() : null);
            };
            io.sluice.subscription.LambdaInvoker targets = new io.sluice.subscription.LambdaInvoker() {
                @Override
                public Result invoke(String fn, byte[] payload, Duration timeout) {
                    recorder.record("lambda:InvokeFunction", "target");
                    return new Result(200, "Unhandled", "{\"errorMessage\":\"always fails\"}".getBytes());
                }

                @Override
                public void invokeAsync(String fn, byte[] payload) {
                    throw new UnsupportedOperationException();
                }
            };
            io.sluice.subscription.SubscriptionWiring wiring = io.sluice.subscription.SubscriptionWiring
                    .beside(stack.groups()).withLambda(targets);
            if (startsDispatchers) {
                wiring = wiring.withInvoker(invoker).withTriggers(Runnable::run);
            }
            LogServices base = LogServices.create(stack.objects(), metadata, stack.groups(),
                    io.sluice.share.ShareGroupStores.beside(stack.groups()), Clock.systemUTC(),
                    io.sluice.log.Backoff.exponentialJitter(5, 200), io.sluice.metrics.Metrics.NOOP,
                    io.sluice.log.ProduceService.newPool(4), Maintenance.Settings.DEFAULT, wiring);
            LogServices log = new LogServices(base.topics(), base.producer(), base.fetcher(), base.groups(),
                    base.producers(), new Maintenance(stack.objects(), stack.metadata(),
                    new TopicCache(stack.metadata(), Clock.systemUTC(), Duration.ZERO), Clock.systemUTC(),
                    new Maintenance.Settings(200, 0)), base.shares(), base.subscriptions());
            Class<?> type = Class.forName(function.handlerClass());
            Object handler = ApiGatewayHandler.class.isAssignableFrom(type)
                    ? type.getConstructor(LogServices.class, AccessControl.class).newInstance(log, new AccessControl(
                            new Authorizer(Authorizer.Mode.ACL, Set.of(), new DynamoAclStore(stack.dynamo(), stack.table()),
                                    Clock.systemUTC(), Duration.ZERO), "", null))
                    : type.getConstructor(LogServices.class).newInstance(log);
            if (handler instanceof ApiGatewayHandler api) {
                api.routes().forEach(r -> routes.put(r, api));
            } else if (!function.schedules().isEmpty()) {
                @SuppressWarnings("unchecked")
                RequestHandler<ScheduledEvent, ?> h = (RequestHandler<ScheduledEvent, ?>) handler;
                scheduledBy.put(function.logicalId(), h);
            } else {
                @SuppressWarnings("unchecked")
                RequestHandler<Map<String, Object>, ?> h = (RequestHandler<Map<String, Object>, ?>) handler;
                invoked.put(function.logicalId(), h);
            }
        }
        Set<Route> exercised = new TreeSet<>();
        String lock = null;
        for (Step original : SCENARIO) {
            Step step = original.body() != null && original.body().contains("${lock}")
                    ? new Step(original.method(), original.path(), original.body().replace("${lock}", lock)) : original;
            if (step == SCHEDULED) {
                scheduledBy.get("MaintenanceFunction").handleRequest(new ScheduledEvent(), null);
                continue;
            }
            if (step == SWEEP || step == SWEEP_CLEARS) {
                Object report = scheduledBy.get("SubscriptionSweepFunction").handleRequest(new ScheduledEvent(), null);
                assertThat(report.toString()).as("the sweep re-triggers the lane whose trigger failed, then clears "
                        + "the mark of the deleted one").contains(step == SWEEP ? "\"triggered\":1" : "\"cleared\":1");
                continue;
            }
            if (step == TRIGGER_FAILS) {
                triggerFails.set(true);
                continue;
            }
            if (step == DISPATCHER_SHORT) {
                dispatcherShort.set(true);
                continue;
            }
            if (step.method().equals("LOSES_RACE")) {
                losesRace.get(step.path()).set(true);
                continue;
            }
            String path = step.path().contains("?") ? step.path().substring(0, step.path().indexOf('?')) : step.path();
            Route route = List.of(Route.values()).stream()
                    .filter(r -> r.method().equals(step.method()) && r.match(path) != null).findFirst().orElseThrow();
            exercised.add(route);
            APIGatewayV2HTTPResponse response = routes.get(route).handleRequest(event(step), null);
            assertThat(response.getStatusCode()).as("%s %s: %s", step.method(), step.path(), response.getBody())
                    .isBetween(200, 299);
            if (route == Route.SHARE_FETCH) {
                JsonNode records = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.getBody())
                        .path("records");
                List<String> offsets = new ArrayList<>();
                records.forEach(r -> offsets.add(r.path("offset").asText()));
                lock = "\"offsets\":[" + String.join(",", offsets) + "],\"lockToken\":\""
                        + records.path(0).path("lockToken").asText() + "\"";
            }
        }
        assertThat(exercised).as("the scenario reaches every route").containsExactlyInAnyOrder(Route.values());
        losesRace.forEach((function, loses) -> assertThat(loses).as("%s lost its forced race", function).isFalse());
        used = new TreeMap<>();
        recorders.forEach((id, recorder) -> used.put(id, recorder.actions()));
    }

    @Test
    void everyFunctionIsGrantedExactlyWhatItUses() {
        assertThat(problems(TEMPLATE)).isEmpty();
    }

    @Test
    void aMissingOrAnExtraPermissionIsCaught(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String yaml = java.nio.file.Files.readString(EmbeddedBackends.projectRoot().resolve("template.yaml"))
                .replace("                - dynamodb:BatchGetItem\n", "")
                .replace("                - s3:PutObject\n              Resource:\n                Fn::Sub: arn:${AWS::Partition}:s3:::${DataBucket}/wal/*",
                        "                - s3:PutObject\n                - s3:DeleteObject\n              Resource:\n                Fn::Sub: arn:${AWS::Partition}:s3:::${DataBucket}/wal/*");
        java.nio.file.Path doctored = java.nio.file.Files.writeString(dir.resolve("template.yaml"), yaml);
        List<String> problems = problems(SamTemplate.load(doctored));
        assertThat(problems).anyMatch(p -> p.startsWith("TopicsFunction is granted"));
        assertThat(problems).anyMatch(p -> p.startsWith("ProduceFunction is granted"));
    }

    @Test
    void theDispatcherMayInvokeOnlyItselfAndTheTargetPattern(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String yaml = java.nio.file.Files.readString(EmbeddedBackends.projectRoot().resolve("template.yaml"))
                .replace("function:${SubscriptionTargetFunctions}", "function:*");
        java.nio.file.Path doctored = java.nio.file.Files.writeString(dir.resolve("template.yaml"), yaml);
        assertThat(problems(SamTemplate.load(doctored)))
                .anyMatch(p -> p.startsWith("DispatcherFunction: lambda:InvokeFunction must be on the dispatcher"));
        JsonNode pattern = TEMPLATE.root().path("Parameters").path("SubscriptionTargetFunctions");
        assertThat(pattern.path("Default").asText()).isEqualTo("sluice-target-*");
        java.util.regex.Pattern allowed = java.util.regex.Pattern.compile(pattern.path("AllowedPattern").asText());
        assertThat(allowed.matcher("*").matches()).as("a bare wildcard is refused at deploy").isFalse();
        assertThat(allowed.matcher("*-prod").matches()).isFalse();
        assertThat(allowed.matcher("orders-handler").matches()).isTrue();
        assertThat(allowed.matcher("team-a-*").matches()).isTrue();
    }

    private List<String> problems(SamTemplate template) {
        List<String> problems = new ArrayList<>();
        for (SamTemplate.FunctionDef function : template.functions()) {
            Map<String, Set<String>> granted = granted(function, problems);
            Map<String, Set<String>> used = this.used.get(function.logicalId());
            if (!granted.keySet().equals(used.keySet())) {
                problems.add(function.logicalId() + " is granted " + granted.keySet() + " but uses " + used.keySet());
                continue;
            }
            used.forEach((action, prefixes) -> {
                if (!prefixes.isEmpty() && !granted.get(action).equals(prefixes)) {
                    problems.add(function.logicalId() + " " + action + " is granted on " + granted.get(action)
                            + " but touches " + prefixes);
                }
            });
        }
        return problems;
    }

    /** Action to the S3 prefixes its resources allow ({@code wal/}); empty for bucket and table resources. */
    private static Map<String, Set<String>> granted(SamTemplate.FunctionDef function, List<String> problems) {
        Map<String, Set<String>> granted = new TreeMap<>();
        for (JsonNode policy : function.policies()) {
            for (JsonNode statement : policy.path("Statement")) {
                if (!"Allow".equals(statement.path("Effect").asText())) {
                    problems.add(function.logicalId() + ": only Allow statements are expected");
                }
                List<JsonNode> resources = new ArrayList<>();
                JsonNode resource = statement.path("Resource");
                if (resource.isArray()) {
                    resource.forEach(resources::add);
                } else {
                    resources.add(resource);
                }
                for (JsonNode action : statement.path("Action")) {
                    String name = action.asText();
                    if (name.contains("*")) {
                        problems.add(function.logicalId() + ": wildcard action " + name);
                    }
                    Set<String> prefixes = granted.computeIfAbsent(name, a -> new TreeSet<>());
                    for (JsonNode r : resources) {
                        String text = r.toString();
                        if (name.startsWith("dynamodb:") && !text.equals("{\"Fn::GetAtt\":[\"MetadataTable\",\"Arn\"]}")) {
                            problems.add(function.logicalId() + ": " + name + " must be on the table only, not " + text);
                        }
                        if (name.startsWith("lambda:")) {
                            String arn = r.path("Fn::Sub").asText();
                            String functions = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:";
                            if (arn.equals(functions + "${AWS::StackName}-dispatcher")) {
                                prefixes.add("dispatcher");
                            } else if (arn.equals(functions + "${SubscriptionTargetFunctions}")) {
                                prefixes.add("target");
                            } else {
                                problems.add(function.logicalId() + ": " + name + " must be on the dispatcher or on "
                                        + "the SubscriptionTargetFunctions pattern, not " + text);
                            }
                        }
                        if (name.startsWith("s3:")) {
                            String arn = r.path("Fn::Sub").asText();
                            String bucket = "arn:${AWS::Partition}:s3:::${DataBucket}";
                            if (name.equals("s3:ListBucket")) {
                                if (!arn.equals(bucket)) {
                                    problems.add(function.logicalId() + ": s3:ListBucket must be on the bucket, not " + text);
                                }
                            } else if (!arn.startsWith(bucket + "/") || !arn.endsWith("/*") || arn.equals(bucket + "/*")) {
                                problems.add(function.logicalId() + ": " + name + " must be on a key prefix, not " + text);
                            } else {
                                prefixes.add(arn.substring(bucket.length() + 1, arn.length() - 1));
                            }
                        }
                    }
                }
            }
        }
        return granted;
    }

    /** A Lambda context with one second left. */
    private static final class ShortContext implements com.amazonaws.services.lambda.runtime.Context {
        @Override
        public String getAwsRequestId() {
            return "short";
        }

        @Override
        public String getLogGroupName() {
            return "local";
        }

        @Override
        public String getLogStreamName() {
            return "local";
        }

        @Override
        public String getFunctionName() {
            return "DispatcherFunction";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "DispatcherFunction";
        }

        @Override
        public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 1_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() {
            return null;
        }
    }

    private static APIGatewayV2HTTPEvent event(Step step) {
        return io.sluice.tests.support.LambdaInvoker.asIam(
                io.sluice.tests.support.LambdaInvoker.event(step.method(), step.path(), step.body()), CALLER);
    }
}
