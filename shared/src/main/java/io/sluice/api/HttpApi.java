package io.sluice.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.wire.Wire;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.group.GroupService;
import io.sluice.group.TopicPartition;
import io.sluice.format.RecordHeader;
import io.sluice.log.FetchResult;
import io.sluice.log.FetchService;
import io.sluice.log.FetchedRecord;
import io.sluice.LogServices;
import io.sluice.acl.AclBinding;
import io.sluice.acl.Authorizer;
import io.sluice.acl.Operation;
import io.sluice.acl.ResourceType;
import io.sluice.log.PartitionState;
import io.sluice.log.ProduceRecord;
import io.sluice.log.ProduceService;
import io.sluice.meta.ProducerIdentity;
import io.sluice.log.RecordOffset;
import io.sluice.log.TopicDescription;
import io.sluice.log.TopicService.CreateTopic;
import io.sluice.meta.TopicConfig;
import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The HTTP API over the log services: routing, JSON in and out, validation, and the one mapping from
 * errors to responses. It knows no Lambda or server type; the Lambda handlers and the local stack both
 * call {@link #handle}.
 *
 * <p>Each Lambda function serves a subset of the routes (so each gets only the permissions its routes
 * need). A request runs the route named by the route key API Gateway selected, never one found again
 * from the raw path; on {@code $default} (no route matched) it only answers 404 ROUTE_NOT_FOUND, or 405
 * METHOD_NOT_ALLOWED for a known path with the wrong method.
 */
public final class HttpApi {

    /** Lambda's synchronous payload limit; larger requests answer 413 REQUEST_TOO_LARGE. */
    public static final int MAX_REQUEST_BYTES = 6 * 1024 * 1024;
    /** The most records one fetch returns, and the default of its {@code maxRecords}. */
    public static final int MAX_FETCH_RECORDS = 10_000;
    /** A fetch's records stop before their serialized size would pass about 5.5 MB (see {@link ResponseSize}). */
    private static final FetchService.ResponseBudget FETCH_BUDGET =
            new FetchService.ResponseBudget(ResponseSize.FETCH_BUDGET, ResponseSize::of);

    private static final ObjectMapper JSON = Wire.mapper();
    private static final Base64.Decoder BASE64_IN = Base64.getDecoder();
    private static final Base64.Encoder BASE64_OUT = Base64.getEncoder();

    private final LogServices log;
    private final Set<Route> served;
    private final ErrorReporter errors;
    private final Authorizer authorizer;

    /** Where unexpected failures are reported (a log line); the caller only sees INTERNAL_ERROR. */
    @FunctionalInterface
    public interface ErrorReporter {
        void report(String requestId, ApiRequest request, Throwable error);
    }

    /** Open: every caller may do everything (see {@link Authorizer#open()}). */
    public HttpApi(LogServices log, Set<Route> served, ErrorReporter errors) {
        this(log, served, errors, Authorizer.open());
    }

    /** With the ACL check of issue 16: each route's operations ({@link RouteAccess}) checked by {@code authorizer}. */
    public HttpApi(LogServices log, Set<Route> served, ErrorReporter errors, Authorizer authorizer) {
        this.log = log;
        this.served = served.isEmpty() ? EnumSet.noneOf(Route.class) : EnumSet.copyOf(served);
        this.errors = errors;
        this.authorizer = authorizer;
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public Set<Route> served() {
        return EnumSet.copyOf(served.isEmpty() ? EnumSet.noneOf(Route.class) : served);
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            if (request.body().length > MAX_REQUEST_BYTES) {
                throw new SluiceException(ErrorCode.REQUEST_TOO_LARGE, "request body is " + request.body().length
                        + " bytes; the limit is " + MAX_REQUEST_BYTES, Map.of("maxRequestBytes", MAX_REQUEST_BYTES));
            }
            Route route = Route.forKey(request.routeKey());
            if (route != null) {
                if (!served.contains(route)) {
                    throw new SluiceException(ErrorCode.ROUTE_NOT_FOUND, route.routeKey()
                            + " is not served by this function");
                }
                return dispatch(route, pathParameters(route, request), request);
            }
            // $default, API Gateway's catch-all: it only ever explains why nothing ran.
            List<String> allowed = Route.methodsFor(request.path());
            if (allowed.isEmpty()) {
                throw new SluiceException(ErrorCode.ROUTE_NOT_FOUND, "no route for " + request.path());
            }
            if (!allowed.contains(request.method())) {
                throw new SluiceException(ErrorCode.METHOD_NOT_ALLOWED, request.method() + " is not allowed on "
                        + request.path() + "; allowed: " + String.join(", ", allowed), Map.of("allowed", allowed));
            }
            throw new SluiceException(ErrorCode.ROUTE_NOT_FOUND, "no route for " + request.method() + " "
                    + request.path());
        } catch (SluiceException e) {
            return error(e);
        } catch (SdkServiceException e) {
            if (e.isThrottlingException() || e.statusCode() == 429 || e.statusCode() == 503) {
                return error(new SluiceException(ErrorCode.THROTTLED, "storage is throttling requests; retry with backoff"));
            }
            return unexpected(request, e);
        } catch (SdkClientException e) {
            return error(new SluiceException(ErrorCode.UNAVAILABLE,
                    "storage did not answer in time; the request may have taken effect, retry it"));
        } catch (RuntimeException e) {
            return unexpected(request, e);
        }
    }

    /**
     * The path parameters API Gateway extracted for {@code route}; when an event lacks them, the same
     * taken from the raw path by the route's own template (the route itself is never chosen by the path).
     */
    private static Map<String, String> pathParameters(Route route, ApiRequest request) {
        if (!request.pathParameters().isEmpty() || !route.pathTemplate().contains("{")) {
            return request.pathParameters();
        }
        Map<String, String> parameters = route.match(request.path());
        if (parameters == null) {
            throw new SluiceException(ErrorCode.ROUTE_NOT_FOUND, "the path " + request.path() + " does not fit "
                    + route.routeKey());
        }
        return parameters;
    }

    private ApiResponse unexpected(ApiRequest request, RuntimeException e) {
        String requestId = UUID.randomUUID().toString();
        errors.report(requestId, request, e);
        return json(ErrorCode.INTERNAL_ERROR.httpStatus(), errorBody(ErrorCode.INTERNAL_ERROR,
                "internal error; request id " + requestId, Map.of("requestId", requestId)));
    }

    private ApiResponse dispatch(Route route, Map<String, String> path, ApiRequest request) {
        String topic = path.get("topic");
        Guard guard = new Guard(authorizer, request.principal(), route);
        guard.requirePath(path);
        return switch (route) {
            case CREATE_TOPIC -> {
                Wire.CreateTopicRequest body = parse(request, Wire.CreateTopicRequest.class);
                TopicConfig.validateName(body.name());
                guard.require(RouteAccess.Name.BODY_NAME, body.name());
                TopicConfig created = log.topics().create(new CreateTopic(body.name(), body.partitions(),
                        body.retentionMs(), body.retentionBytes(), body.maxRecordBytes(), body.maxTimestampSkewMs(),
                        body.compression()));
                yield json(201, toWire(created));
            }
            case LIST_TOPICS -> json(200, new Wire.TopicList(log.topics().list().stream()
                    .filter(t -> guard.mayList(t.name())).map(HttpApi::toWire).toList()));
            case DESCRIBE_TOPIC -> json(200, toWire(log.topics().describe(topic)));
            case DELETE_TOPIC -> {
                log.topics().delete(topic);
                yield new ApiResponse(204, "");
            }
            case PRODUCE -> produce(topic, request, guard);
            case INIT_PRODUCER -> initProducer(request, guard);
            case FETCH -> fetch(topic, partition(path), request);
            case LIST_OFFSETS -> listOffsets(topic, partition(path), request);
            case LIST_GROUPS -> json(200, new Wire.GroupList(log.groups().list().stream().filter(guard::mayList)
                    .toList()));
            case HEARTBEAT -> heartbeat(path.get("group"), request, guard);
            case COMMIT_OFFSETS -> commit(path.get("group"), request, guard);
            case DESCRIBE_GROUP -> describeGroup(path.get("group"), guard);
            case RESET_GROUP -> reset(path.get("group"), request);
            case PUT_SHARE_GROUP, LIST_SHARE_GROUPS, DESCRIBE_SHARE_GROUP, DELETE_SHARE_GROUP, SHARE_FETCH, SHARE_ACKS,
                 RESET_SHARE_GROUP -> ShareGroupApi.dispatch(log.shares(), route, path, request, guard);
            case CREATE_ACL, LIST_ACLS, DELETE_ACL -> AclApi.dispatch(authorizer, route, request);
            case CREATE_SUBSCRIPTION, LIST_SUBSCRIPTIONS, DESCRIBE_SUBSCRIPTION, PAUSE_SUBSCRIPTION, RESUME_SUBSCRIPTION,
                 DELETE_SUBSCRIPTION -> SubscriptionApi.dispatch(log.subscriptions(), route, path, request,
                         guard);
            case RUN_MAINTENANCE -> {
                Wire.MaintenanceRequest body = request.body().length == 0 ? new Wire.MaintenanceRequest(null)
                        : parse(request, Wire.MaintenanceRequest.class);
                yield json(200, toWire(log.maintenance().run(body.topic())));
            }
        };
    }

    private ApiResponse produce(String topic, ApiRequest request, Guard guard) {
        TopicConfig.validateName(topic);
        Wire.ProduceRequest body = parse(request, Wire.ProduceRequest.class);
        if (body.producerId() != null) {
            requireOwner(guard, body.producerId(), null);
        }
        if (body.records() == null || body.records().isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "records must be a non-empty array");
        }
        List<ProduceRecord> records = new ArrayList<>(body.records().size());
        for (int i = 0; i < body.records().size(); i++) {
            Wire.ProduceRecord r = body.records().get(i);
            String at = "records[" + i + "]";
            if (r == null) {
                throw new SluiceException(ErrorCode.INVALID_RECORD, at + " is null");
            }
            if (r.value() == null) {
                throw new SluiceException(ErrorCode.INVALID_RECORD, at + ".value is required (base64)");
            }
            records.add(new ProduceRecord(base64(r.key(), at + ".key"), base64(r.value(), at + ".value"),
                    headers(r.headers(), at), r.partition(), r.timestamp()));
        }
        List<RecordOffset> offsets = log.producer().produce(topic, records, idempotence(body));
        return json(200, new Wire.ProduceResponse(
                offsets.stream().map(o -> new Wire.RecordOffset(o.partition(), o.offset())).toList()));
    }

    private static ProduceService.Idempotence idempotence(Wire.ProduceRequest body) {
        if (body.producerId() == null && body.producerEpoch() == null && body.sequences() == null) {
            return null;
        }
        if (body.producerId() == null || body.producerEpoch() == null || body.sequences() == null
                || body.sequences().isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "an idempotent produce needs producerId, producerEpoch and sequences together");
        }
        Map<Integer, Long> sequences = new LinkedHashMap<>();
        for (Wire.PartitionSequence s : body.sequences()) {
            if (s == null || s.partition() == null || s.sequence() == null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "each sequence needs partition and sequence");
            }
            if (sequences.put(s.partition(), s.sequence()) != null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "partition " + s.partition()
                        + " has two sequences");
            }
        }
        return new ProduceService.Idempotence(body.producerId(), body.producerEpoch(), sequences);
    }

    private ApiResponse initProducer(ApiRequest request, Guard guard) {
        Wire.InitProducerRequest body = request.body().length == 0 ? new Wire.InitProducerRequest(null)
                : parse(request, Wire.InitProducerRequest.class);
        if ((body.producerId() == null) != (body.producerEpoch() == null)) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "producerId and producerEpoch go together");
        }
        if (body.name() != null && !TopicConfig.NAME.matcher(body.name()).matches()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "producer names are 1 to 249 characters of [a-zA-Z0-9._-]");
        }
        guard.require(RouteAccess.Name.BODY_NAME, body.name());
        if (body.producerId() != null) {
            requireOwner(guard, body.producerId(), body.name());
        }
        ProducerIdentity identity = body.producerId() == null
                ? log.producers().init(body.name(), guard.caller().name(), guard.isAdmin())
                : log.producers().bumpEpoch(body.name(), body.producerId(), body.producerEpoch());
        return json(200, new Wire.InitProducerResponse(identity.producerId(), identity.producerEpoch()));
    }

    /**
     * Refuses a caller that does not own {@code producerId} (admins and {@code open} pass): before any
     * error could tell it the producer's epoch or sequences. An id without a recorded owner (made before
     * owners, or never made) passes here, and the produce path answers for it as before. The refusal names
     * the producer by {@code name} when the request gave one, else by its id.
     */
    private void requireOwner(Guard guard, long producerId, String name) {
        if (guard.isAdmin()) {
            return;
        }
        java.util.Optional<String> owner = log.producers().owner(producerId);
        if (owner.isPresent() && !owner.get().equals(guard.caller().name())) {
            throw Authorizer.notAuthorized(guard.caller(), Operation.WRITE, ResourceType.PRODUCER,
                    name != null ? name : Long.toString(producerId));
        }
    }

    /**
     * A group's description: its offsets only for topics the caller may describe, and its members (ids
     * and epochs) only for a caller with describe on the group; a reader of the group sees no members.
     */
    private ApiResponse describeGroup(String group, Guard guard) {
        GroupService.GroupDescription d = log.groups().describe(group);
        boolean members = guard.may(Operation.DESCRIBE, ResourceType.GROUP, group);
        return json(200, new Wire.GroupDescription(d.group(), d.groupEpoch(),
                members ? d.members().stream().map(m -> new Wire.GroupMember(m.memberId(), m.memberEpoch(),
                        byTopic(m.assignment()))).toList() : null,
                d.offsets().stream().filter(o -> guard.may(Operation.DESCRIBE, ResourceType.TOPIC, o.topic()))
                        .map(o -> new Wire.GroupOffset(o.topic(), o.partition(), o.committed(), o.highWatermark(),
                                o.lag())).toList()));
    }

    private ApiResponse fetch(String topic, int partition, ApiRequest request) {
        long offset = longParam(request, "offset", null);
        long maxBytes = longParam(request, "maxBytes", (long) FetchService.DEFAULT_MAX_BYTES);
        if (maxBytes < 1 || maxBytes > FetchService.MAX_MAX_BYTES) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "maxBytes must be between 1 and " + FetchService.MAX_MAX_BYTES + ", was " + maxBytes);
        }
        long maxRecords = longParam(request, "maxRecords", (long) MAX_FETCH_RECORDS);
        if (maxRecords < 1 || maxRecords > MAX_FETCH_RECORDS) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "maxRecords must be between 1 and " + MAX_FETCH_RECORDS + ", was " + maxRecords);
        }
        long maxWaitMs = longParam(request, "maxWaitMs", 0L);
        FetchResult result = log.fetcher().fetch(topic, partition, offset, (int) maxBytes, (int) maxRecords,
                maxWaitMs, FETCH_BUDGET);
        List<Wire.Record> records = new ArrayList<>(result.records().size());
        for (FetchedRecord fetched : result.records()) {
            LogRecord r = fetched.record();
            records.add(new Wire.Record(fetched.offset(), r.timestamp(), encode(r.key()), encode(r.value()),
                    r.headers().stream().map(h -> new Wire.Header(h.key(), encode(h.value()))).toList()));
        }
        return json(200, new Wire.FetchResponse(records, result.nextOffset(), result.highWatermark(),
                result.logStartOffset()));
    }

    private ApiResponse listOffsets(String topic, int partition, ApiRequest request) {
        String at = request.query().get("at");
        if (at == null || at.isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST,
                    "query parameter 'at' is required: earliest, latest, or a timestamp in epoch millis");
        }
        return switch (at) {
            case "earliest" -> json(200, new Wire.OffsetResponse(topic, partition,
                    log.fetcher().earliestOffset(topic, partition), null));
            case "latest" -> json(200, new Wire.OffsetResponse(topic, partition,
                    log.fetcher().latestOffset(topic, partition), null));
            default -> {
                long timestamp = parseLong("at", at);
                if (timestamp < 0) {
                    throw new SluiceException(ErrorCode.INVALID_REQUEST, "at must not be a negative timestamp");
                }
                yield json(200, new Wire.OffsetResponse(topic, partition,
                        log.fetcher().offsetForTimestamp(topic, partition, timestamp), timestamp));
            }
        };
    }

    private ApiResponse heartbeat(String group, ApiRequest request, Guard guard) {
        GroupService.validateGroupName(group);
        Wire.HeartbeatRequest body = parse(request, Wire.HeartbeatRequest.class);
        if (body.topics() != null) {
            guard.require(RouteAccess.Name.BODY_TOPICS, body.topics().stream().filter(java.util.Objects::nonNull)
                    .toList());
        }
        if (body.memberEpoch() == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "memberEpoch is required: 0 to join, -1 to leave");
        }
        GroupService.HeartbeatResult result = log.groups().heartbeat(group, new GroupService.Heartbeat(
                body.memberId(), body.memberEpoch(), body.topics(), body.sessionTimeoutMs(), body.leaveEpoch()));
        return json(200, new Wire.HeartbeatResponse(result.memberId(), result.memberEpoch(),
                result.heartbeatIntervalMs(), byTopic(result.assignment())));
    }

    private ApiResponse commit(String group, ApiRequest request, Guard guard) {
        GroupService.validateGroupName(group);
        Wire.CommitRequest body = parse(request, Wire.CommitRequest.class);
        if (body.offsets() == null || body.offsets().isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "offsets must list at least one partition");
        }
        List<GroupService.OffsetCommit> offsets = new ArrayList<>();
        for (int i = 0; i < body.offsets().size(); i++) {
            Wire.OffsetCommit o = body.offsets().get(i);
            if (o == null || o.topic() == null || o.partition() == null || o.offset() == null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "offsets[" + i
                        + "] needs topic, partition and offset");
            }
            offsets.add(new GroupService.OffsetCommit(o.topic(), o.partition(), o.offset(), o.metadata(),
                    Boolean.TRUE.equals(o.rewind())));
        }
        if (body.memberId() != null && body.memberEpoch() == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "memberEpoch is required with memberId");
        }
        guard.require(RouteAccess.Name.BODY_TOPICS, offsets.stream().map(GroupService.OffsetCommit::topic)
                .distinct().toList());
        List<GroupService.OffsetCommit> done = log.groups().commit(group, body.memberId(), body.memberEpoch(), offsets);
        return json(200, new Wire.CommitResponse(done.stream()
                .map(o -> new Wire.OffsetCommit(o.topic(), o.partition(), o.offset(), o.metadata())).toList()));
    }

    private ApiResponse reset(String group, ApiRequest request) {
        GroupService.validateGroupName(group);
        Wire.ResetRequest body = parse(request, Wire.ResetRequest.class);
        if (body.topic() == null) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "topic is required");
        }
        List<GroupService.OffsetCommit> offsets = log.groups().reset(group, body.topic(), body.partition(),
                resetTarget(body.to()));
        return json(200, new Wire.CommitResponse(offsets.stream()
                .map(o -> new Wire.OffsetCommit(o.topic(), o.partition(), o.offset(), null)).toList()));
    }

    static GroupService.ResetTarget resetTarget(com.fasterxml.jackson.databind.JsonNode to) {
        String expected = "to must be \"earliest\", \"latest\", {\"timestamp\": millis} or {\"offset\": n}";
        if (to == null || to.isNull()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, expected);
        }
        if (to.isTextual() && to.asText().equals("earliest")) {
            return new GroupService.Earliest();
        }
        if (to.isTextual() && to.asText().equals("latest")) {
            return new GroupService.Latest();
        }
        if (to.isObject() && to.size() == 1 && to.path("timestamp").isIntegralNumber()
                && to.path("timestamp").asLong() >= 0) {
            return new GroupService.AtTimestamp(to.path("timestamp").asLong());
        }
        if (to.isObject() && to.size() == 1 && to.path("offset").isIntegralNumber()) {
            return new GroupService.AtOffset(to.path("offset").asLong());
        }
        throw new SluiceException(ErrorCode.INVALID_REQUEST, expected);
    }

    private static List<Wire.TopicPartitions> byTopic(List<TopicPartition> partitions) {
        Map<String, List<Integer>> grouped = new java.util.TreeMap<>();
        partitions.forEach(tp -> grouped.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        return grouped.entrySet().stream().map(e -> new Wire.TopicPartitions(e.getKey(), e.getValue())).toList();
    }

    /** The JSON form of a maintenance report, also what the scheduled function logs. */
    public static String reportJson(io.sluice.maintenance.MaintenanceReport r) {
        try {
            return JSON.writeValueAsString(toWire(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Wire.MaintenanceReport toWire(io.sluice.maintenance.MaintenanceReport r) {
        return new Wire.MaintenanceReport(r.entriesMerged(), r.segmentsWritten(), r.bytesWritten(), r.entriesDropped(),
                r.offsetsRetired(), r.objectsMarked(), r.objectsDeleted(), r.bytesReclaimed(), r.partitionsBusy(),
                r.leasesLost(), r.partitionsPurged(), r.failures(), r.durationMs());
    }

    // ---- parsing helpers ----

    static <T> T parse(ApiRequest request, Class<T> type) {
        if (request.body().length == 0) {
            throw new SluiceException(ErrorCode.MALFORMED_JSON, "a JSON body is required");
        }
        try {
            T value = JSON.readValue(request.body(), type);
            if (value == null) {
                throw new SluiceException(ErrorCode.MALFORMED_JSON, "the body must be a JSON object, not null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new SluiceException(ErrorCode.MALFORMED_JSON, "unknown field '" + e.getPropertyName() + "'"
                    + at(e) + "; known fields: " + e.getKnownPropertyIds());
        } catch (MismatchedInputException e) {
            throw new SluiceException(ErrorCode.MALFORMED_JSON, "wrong JSON type" + at(e) + ": expected "
                    + describe(e.getTargetType()) + location(e));
        } catch (JsonProcessingException e) {
            throw new SluiceException(ErrorCode.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage()
                    + location(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where in the document the problem is, as {@code records[0].value}; never a class name. */
    private static String at(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? " at the top level" : " at " + path;
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "an integer";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private static byte[] base64(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return BASE64_IN.decode(value);
        } catch (IllegalArgumentException e) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, field + " is not valid base64: " + e.getMessage());
        }
    }

    private static List<RecordHeader> headers(List<Wire.Header> headers, String at) {
        if (headers == null) {
            return List.of();
        }
        List<RecordHeader> result = new ArrayList<>(headers.size());
        for (int h = 0; h < headers.size(); h++) {
            Wire.Header header = headers.get(h);
            String field = at + ".headers[" + h + "]";
            if (header == null || header.key() == null) {
                throw new SluiceException(ErrorCode.INVALID_RECORD, field + ".key is required");
            }
            result.add(new RecordHeader(header.key(), base64(header.value(), field + ".value")));
        }
        return result;
    }

    private static int partition(Map<String, String> path) {
        long partition = parseLong("partition", path.get("partition"));
        if (partition < 0 || partition > Integer.MAX_VALUE) {
            throw new SluiceException(ErrorCode.UNKNOWN_PARTITION, "no partition " + partition);
        }
        return (int) partition;
    }

    private static long longParam(ApiRequest request, String name, Long defaultValue) {
        String raw = request.query().get(name);
        if (raw == null || raw.isEmpty()) {
            if (defaultValue == null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, "query parameter '" + name + "' is required");
            }
            return defaultValue;
        }
        return parseLong(name, raw);
    }

    private static long parseLong(String name, String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, name + " must be an integer, got '"
                    + (raw.length() > 40 ? raw.substring(0, 40) + "..." : raw) + "'");
        }
    }

    private static String encode(byte[] bytes) {
        return bytes == null ? null : BASE64_OUT.encodeToString(bytes);
    }

    // ---- responses ----

    private static Wire.Topic toWire(TopicConfig t) {
        return new Wire.Topic(t.name(), t.topicId(), t.partitions(), t.retentionMs(), t.retentionBytes(),
                t.maxRecordBytes(), t.createdAt(), t.maxTimestampSkewMs(), t.compression().configName());
    }

    private static Wire.TopicDescription toWire(TopicDescription d) {
        TopicConfig t = d.config();
        List<Wire.PartitionInfo> partitions = new ArrayList<>();
        for (PartitionState p : d.partitions()) {
            partitions.add(new Wire.PartitionInfo(p.partition(), p.logStartOffset(), p.highWatermark()));
        }
        return new Wire.TopicDescription(t.name(), t.topicId(), t.partitions(), t.retentionMs(), t.retentionBytes(),
                t.maxRecordBytes(), t.createdAt(), t.maxTimestampSkewMs(), partitions, t.compression().configName());
    }

    static ApiResponse error(SluiceException e) {
        return json(e.code().httpStatus(), errorBody(e.code(), e.getMessage(), e.details()));
    }

    private static Map<String, Object> errorBody(ErrorCode code, String message, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code.name());
        body.put("message", message);
        body.putAll(details);
        return body;
    }

    static ApiResponse json(int status, Object body) {
        try {
            return new ApiResponse(status, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass(), e);
        }
    }
}
