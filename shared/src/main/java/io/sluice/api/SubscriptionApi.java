package io.sluice.api;

import io.sluice.client.wire.SubscriptionWire;
import io.sluice.subscription.Subscription;
import io.sluice.subscription.SubscriptionService;
import io.sluice.subscription.Subscriptions;
import io.sluice.subscription.Target;
import java.util.Map;

/** The subscription routes (issue 19): JSON in and out, over {@link SubscriptionService}. */
final class SubscriptionApi {

    private SubscriptionApi() {
    }

    static ApiResponse dispatch(Subscriptions subscriptions, Route route, Map<String, String> path, ApiRequest request,
                                Guard guard) {
        if (subscriptions == null) {
            throw new IllegalStateException("this function was built without subscriptions");
        }
        SubscriptionService service = subscriptions.service();
        String name = path.get("subscription");
        if (name != null) {
            SubscriptionService.validateName(name);
        }
        return switch (route) {
            case CREATE_SUBSCRIPTION -> {
                SubscriptionWire.CreateRequest body = HttpApi.parse(request, SubscriptionWire.CreateRequest.class);
                // A bad name is a 400 before any check; then the checks of RouteAccess, before anything is read.
                SubscriptionService.validateName(body.name());
                guard.require(RouteAccess.Name.BODY_SUBSCRIPTION_GROUP, Subscription.GROUP_PREFIX + body.name());
                guard.require(RouteAccess.Name.BODY_TOPIC, body.topic());
                guard.require(RouteAccess.Name.BODY_DEAD_LETTER_TOPIC, body.deadLetterTopic());
                SubscriptionWire.Target t = body.target();
                Subscription created = service.create(new SubscriptionService.Create(body.name(), body.topic(),
                        t == null ? null : new Target(t.type(), t.functionArn(), t.url(), t.secret()), body.batchSize(),
                        body.maxBatchingWindowMs(), body.maximumRetryAttempts(), body.bisectBatchOnError(),
                        body.deadLetterTopic(), body.startAt(), body.parallelizationFactor()));
                yield HttpApi.json(201, toWire(created));
            }
            case LIST_SUBSCRIPTIONS -> HttpApi.json(200, new SubscriptionWire.SubscriptionList(
                    service.list().stream().filter(s -> guard.mayList(s.group())).map(SubscriptionApi::toWire)
                            .toList()));
            case DESCRIBE_SUBSCRIPTION -> {
                SubscriptionService.Description d = service.describe(name);
                yield HttpApi.json(200, new SubscriptionWire.Description(toWire(d.subscription()),
                        d.partitions().stream().map(p -> new SubscriptionWire.PartitionStatus(p.partition(),
                                p.committed(), p.highWatermark(), p.lag(), p.dispatching(), p.lastError(),
                                p.lastError() == null ? null : p.lastErrorAt())).toList(),
                        d.lag(), d.delivered(), d.failed(), d.deadLettered(), d.lastError()));
            }
            case PAUSE_SUBSCRIPTION -> HttpApi.json(200, toWire(service.pause(name)));
            case RESUME_SUBSCRIPTION -> HttpApi.json(200, toWire(service.resume(name)));
            case DELETE_SUBSCRIPTION -> {
                service.delete(name);
                yield new ApiResponse(204, "");
            }
            default -> throw new IllegalStateException("not a subscription route: " + route);
        };
    }

    static SubscriptionWire.Subscription toWire(Subscription s) {
        Target t = s.target().redacted();
        return new SubscriptionWire.Subscription(s.name(), s.topic(), s.group(),
                new SubscriptionWire.Target(t.type(), t.functionArn(), t.url(), t.secret()), s.batchSize(),
                s.maxBatchingWindowMs(), s.maximumRetryAttempts(), s.bisectBatchOnError(), s.deadLetterTopic(),
                s.startAt(), s.parallelizationFactor(), s.state().name(), s.stateReason(), s.createdAt());
    }
}
