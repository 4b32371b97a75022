package io.sluice.api;

import io.sluice.client.wire.ShareWire;
import io.sluice.client.wire.Wire;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.group.GroupService;
import io.sluice.share.AcknowledgeType;
import io.sluice.share.ShareGroupConfig;
import io.sluice.share.ShareGroupService;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The share group routes (issue 18): JSON in and out and validation, over {@link ShareGroupService}. */
final class ShareGroupApi {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private ShareGroupApi() {
    }

    static ApiResponse dispatch(ShareGroupService shares, Route route, Map<String, String> path, ApiRequest request,
                                Guard guard) {
        if (shares == null) {
            throw new IllegalStateException("this function was built without share groups");
        }
        String group = path.get("group");
        if (group != null) {
            GroupService.validateGroupName(group);
        }
        return switch (route) {
            case PUT_SHARE_GROUP -> {
                ShareWire.ConfigRequest body = HttpApi.parse(request, ShareWire.ConfigRequest.class);
                if (body.topics() != null) {
                    guard.require(RouteAccess.Name.BODY_TOPICS, body.topics().stream()
                            .filter(java.util.Objects::nonNull).toList());
                }
                guard.require(RouteAccess.Name.BODY_DEAD_LETTER_TOPIC, body.deadLetterTopic());
                yield HttpApi.json(200, toWire(shares.configure(group, new ShareGroupService.ConfigRequest(body.topics(),
                        body.deliveryAttemptLimit(), body.lockDurationMs(), body.deadLetterTopic(), body.startAt(),
                        body.ordering()))));
            }
            case LIST_SHARE_GROUPS -> HttpApi.json(200, new ShareWire.GroupList(shares.list().stream()
                    .filter(guard::mayList).toList()));
            case DESCRIBE_SHARE_GROUP -> HttpApi.json(200, toWire(shares.describe(group)));
            case DELETE_SHARE_GROUP -> {
                shares.delete(group);
                yield new ApiResponse(204, "");
            }
            case SHARE_FETCH -> {
                ShareWire.FetchRequest body = request.body().length == 0 ? new ShareWire.FetchRequest(null, null, null)
                        : HttpApi.parse(request, ShareWire.FetchRequest.class);
                List<ShareWire.Record> records = new ArrayList<>();
                for (ShareGroupService.ShareRecord r : shares.fetch(group, body.maxRecords(), body.maxWaitMs(),
                        body.lockDurationMs())) {
                    LogRecord l = r.record();
                    records.add(new ShareWire.Record(r.topic(), r.partition(), r.offset(), r.deliveryCount(), r.lockToken(),
                            r.lockExpiresAt(), l.timestamp(), encode(l.key()), encode(l.value()),
                            l.headers().stream().map(h -> new Wire.Header(h.key(), encode(h.value()))).toList()));
                }
                yield HttpApi.json(200, new ShareWire.FetchResponse(records));
            }
            case SHARE_ACKS -> acks(shares, group, request);
            case RESET_SHARE_GROUP -> {
                ShareWire.ResetRequest body = HttpApi.parse(request, ShareWire.ResetRequest.class);
                if (body.topic() == null) {
                    throw new SluiceException(ErrorCode.INVALID_REQUEST, "topic is required");
                }
                GroupService.ResetTarget to = HttpApi.resetTarget(body.to());
                yield HttpApi.json(200, new ShareWire.ResetResponse(shares.reset(group, body.topic(), to).stream()
                        .map(o -> new ShareWire.ResetOffset(o.topic(), o.partition(), o.offset())).toList()));
            }
            default -> throw new IllegalArgumentException(route + " is not a share group route");
        };
    }

    private static ApiResponse acks(ShareGroupService shares, String group, ApiRequest request) {
        ShareWire.AcksRequest body = HttpApi.parse(request, ShareWire.AcksRequest.class);
        if (body.acks() == null || body.acks().isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_REQUEST, "acks must list at least one acknowledgement");
        }
        List<ShareGroupService.AckBatch> batches = new ArrayList<>();
        for (int i = 0; i < body.acks().size(); i++) {
            ShareWire.Ack a = body.acks().get(i);
            String at = "acks[" + i + "]";
            if (a == null || a.topic() == null || a.partition() == null || a.offsets() == null || a.lockToken() == null
                    || a.type() == null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, at + " needs topic, partition, offsets, lockToken"
                        + " and type");
            }
            AcknowledgeType type = AcknowledgeType.fromWire(a.type());
            if (type == null) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, at + ".type must be accept, release, reject or renew");
            }
            if (a.offsets().isEmpty() || a.offsets().size() > ShareGroupService.MAX_MAX_RECORDS) {
                throw new SluiceException(ErrorCode.INVALID_REQUEST, at + ".offsets must list 1 to "
                        + ShareGroupService.MAX_MAX_RECORDS + " offsets");
            }
            batches.add(new ShareGroupService.AckBatch(a.topic(), a.partition(), a.offsets(), a.lockToken(), type));
        }
        return HttpApi.json(200, new ShareWire.AcksResponse(shares.acknowledge(group, batches).stream()
                .map(r -> new ShareWire.AckResult(r.topic(), r.partition(), r.offset(), r.status().name())).toList()));
    }

    private static ShareWire.Config toWire(ShareGroupConfig c) {
        return new ShareWire.Config(c.group(), c.topics(), c.deliveryAttemptLimit(), c.lockDurationMs(),
                c.deadLetterTopic(), c.startAt(), c.ordering(), c.createdAt());
    }

    private static ShareWire.Description toWire(ShareGroupService.Description d) {
        return new ShareWire.Description(toWire(d.config()), d.partitions().stream()
                .map(p -> new ShareWire.PartitionState(p.topic(), p.partition(), p.startOffset(), p.highWatermark(),
                        p.available(), p.acquired(), p.archived(), p.lag(), p.accepted(), p.deadLettered(),
                        p.pendingDeadLetters())).toList(),
                new ShareWire.Totals(d.available(), d.acquired(), d.archived(), d.lag()), d.deadLettered(),
                d.pendingDeadLetters());
    }

    private static String encode(byte[] bytes) {
        return bytes == null ? null : BASE64.encodeToString(bytes);
    }
}
