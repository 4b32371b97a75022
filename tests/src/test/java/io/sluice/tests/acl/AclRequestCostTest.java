package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.sluice.LogServices;
import io.sluice.acl.AclBinding;
import io.sluice.acl.AclStore;
import io.sluice.acl.Authorizer;
import io.sluice.acl.DynamoAclStore;
import io.sluice.acl.Operation;
import io.sluice.acl.PatternType;
import io.sluice.acl.Permission;
import io.sluice.acl.ResourceType;
import io.sluice.functions.AccessControl;
import io.sluice.functions.ApiGatewayHandler;
import io.sluice.functions.FetchHandler;
import io.sluice.functions.ProduceHandler;
import io.sluice.functions.TopicsHandler;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.LambdaInvoker;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.RequestCounter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the ACL check costs per request, counted on the real DynamoDB client (dynalite): a warm function
 * makes exactly the requests an open one makes (0 extra reads), and a cold one makes one Query more, for
 * all the ACLs at once. The same counts are taken at the ACL store: one read per cold cache, none warm.
 */
@ExtendWith(EmbeddedBackends.class)
class AclRequestCostTest {

    private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    private static final int REQUESTS = 20;

    /** The ACL store's reads, counted. */
    static final class CountingAclStore implements AclStore {
        private final AclStore delegate;
        final AtomicInteger reads = new AtomicInteger();

        CountingAclStore(AclStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<AclBinding> all() {
            reads.incrementAndGet();
            return delegate.all();
        }

        @Override
        public boolean add(AclBinding binding) {
            return delegate.add(binding);
        }

        @Override
        public boolean remove(AclBinding binding) {
            return delegate.remove(binding);
        }
    }

    private final RequestCounter counter = new RequestCounter();
    private final Backends.Stack stack;
    private final LogServices log;
    private final CountingAclStore acls;
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    AclRequestCostTest(Backends backends) {
        stack = backends.fresh(counter);
        log = LogServices.create(stack.objects(), stack.metadata(), stack.groups(), Clock.systemUTC());
        acls = new CountingAclStore(new DynamoAclStore(stack.dynamo(), stack.table()));
        acls.add(new AclBinding(ALICE, ResourceType.TOPIC, "cost", PatternType.LITERAL, Operation.WRITE, Permission.ALLOW));
        acls.add(new AclBinding(ALICE, ResourceType.TOPIC, "cost", PatternType.LITERAL, Operation.READ, Permission.ALLOW));
        acls.add(new AclBinding(ALICE, ResourceType.PRODUCER, "cost-writer", PatternType.PREFIXED, Operation.WRITE,
                Permission.ALLOW));
        for (int i = 0; i < 50; i++) {
            acls.add(new AclBinding("arn:aws:iam::123456789012:role/service-" + i, ResourceType.TOPIC, "team-" + i + ".",
                    PatternType.PREFIXED, Operation.ALL, Permission.ALLOW));
        }
        LambdaInvoker.invoke(new TopicsHandler(log), "POST", "/topics", "{\"name\":\"cost\",\"partitions\":1}");
    }

    private AccessControl enforcing() {
        return new AccessControl(new Authorizer(Authorizer.Mode.ACL, Set.of(), acls, clock, Authorizer.MAX_CACHE_TTL),
                "", null);
    }

    private static APIGatewayV2HTTPResponse asAlice(ApiGatewayHandler handler, String method, String path, String body) {
        return handler.handleRequest(LambdaInvoker.asIam(LambdaInvoker.event(method, path, body), ALICE), null);
    }

    /** The DynamoDB and S3 requests {@code request} makes, run {@link #REQUESTS} times. */
    private Map<String, Long> requestsOf(Supplier<APIGatewayV2HTTPResponse> request) {
        counter.reset();
        for (int i = 0; i < REQUESTS; i++) {
            APIGatewayV2HTTPResponse response = request.get();
            assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        }
        return counter.snapshot();
    }

    private Map<String, Long> once(Supplier<APIGatewayV2HTTPResponse> request) {
        counter.reset();
        APIGatewayV2HTTPResponse response = request.get();
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return counter.snapshot();
    }

    private static long[] initProducer(ApiGatewayHandler produce, String name) {
        com.fasterxml.jackson.databind.JsonNode init = json(asAlice(produce, "POST", "/producers",
                "{\"name\":\"" + name + "\"}"));
        return new long[] {init.path("producerId").asLong(), init.path("producerEpoch").asLong()};
    }

    private static String idempotent(long[] producer, int sequence) {
        return "{\"records\":[{\"value\":\"AA==\",\"partition\":0}],\"producerId\":" + producer[0]
                + ",\"producerEpoch\":" + producer[1] + ",\"sequences\":[{\"partition\":0,\"sequence\":" + sequence
                + "}]}";
    }

    private static com.fasterxml.jackson.databind.JsonNode json(APIGatewayV2HTTPResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.getBody());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Long> plusOneQuery(Map<String, Long> requests) {
        Map<String, Long> more = new java.util.TreeMap<>(requests);
        more.merge("DynamoDb:Query", 1L, Long::sum);
        return more;
    }

    @Test
    void aWarmFunctionMakesNoExtraRequestAndAColdOneMakesOneQuery() {
        String fetch = "/topics/cost/partitions/0/records?offset=0&maxRecords=1";
        ProduceHandler openProduce = new ProduceHandler(log);
        FetchHandler openFetch = new FetchHandler(log);
        ProduceHandler aclProduce = new ProduceHandler(log, enforcing());
        FetchHandler aclFetch = new FetchHandler(log, enforcing());
        String record = "{\"records\":[{\"value\":\"AA==\",\"partition\":0}]}";

        // the partition in a steady state: every later produce and fetch costs the same as the one before
        for (int i = 0; i < 3; i++) {
            LambdaInvoker.invoke(openProduce, "POST", "/topics/cost/records", record);
        }
        LambdaInvoker.invoke(openFetch, "GET", fetch, null);

        // cold: the first request of each enforcing function costs one Query more than the same request open
        Map<String, Long> openProduceOne = once(() -> LambdaInvoker.invoke(openProduce, "POST", "/topics/cost/records", record));
        Map<String, Long> coldProduce = once(() -> asAlice(aclProduce, "POST", "/topics/cost/records", record));
        assertThat(coldProduce).as("produce, cold").isEqualTo(plusOneQuery(openProduceOne));
        Map<String, Long> openFetchOne = once(() -> LambdaInvoker.invoke(openFetch, "GET", fetch, null));
        Map<String, Long> coldFetch = once(() -> asAlice(aclFetch, "GET", fetch, null));
        assertThat(coldFetch).as("fetch, cold").isEqualTo(plusOneQuery(openFetchOne));
        assertThat(acls.reads).as("one read per cold cache").hasValue(2);

        // warm: the enforcing functions make exactly the requests the open ones make
        Map<String, Long> open = requestsOf(() -> LambdaInvoker.invoke(openProduce, "POST", "/topics/cost/records", record));
        Map<String, Long> enforced = requestsOf(() -> asAlice(aclProduce, "POST", "/topics/cost/records", record));
        assertThat(enforced).as("produce, warm").isEqualTo(open);
        Map<String, Long> openReads = requestsOf(() -> LambdaInvoker.invoke(openFetch, "GET", fetch, null));
        Map<String, Long> enforcedReads = requestsOf(() -> asAlice(aclFetch, "GET", fetch, null));
        assertThat(enforcedReads).as("fetch, warm").isEqualTo(openReads);
        assertThat(acls.reads).as("no ACL read on a warm function").hasValue(2);

        // idempotent producers: an id's owner is read once per function, then remembered (it never changes)
        long[] mine = initProducer(aclProduce, "cost-writer");
        long[] other = initProducer(aclProduce, "cost-writer2");
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger otherSequence = new AtomicInteger();
        Map<String, Long> openFirst = once(() -> LambdaInvoker.invoke(openProduce, "POST", "/topics/cost/records",
                idempotent(other, otherSequence.getAndIncrement())));
        Map<String, Long> enforcedFirst = once(() -> asAlice(aclProduce, "POST", "/topics/cost/records",
                idempotent(mine, sequence.getAndIncrement())));
        Map<String, Long> plusOwner = new java.util.TreeMap<>(openFirst);
        plusOwner.merge("DynamoDb:GetItem", 1L, Long::sum);
        assertThat(enforcedFirst).as("a producer's first produce: one GetItem more, its owner").isEqualTo(plusOwner);
        Map<String, Long> openIdempotent = requestsOf(() -> LambdaInvoker.invoke(openProduce, "POST",
                "/topics/cost/records", idempotent(other, otherSequence.getAndIncrement())));
        Map<String, Long> enforcedIdempotent = requestsOf(() -> asAlice(aclProduce, "POST", "/topics/cost/records",
                idempotent(mine, sequence.getAndIncrement())));
        assertThat(enforcedIdempotent).as("idempotent produce, warm").isEqualTo(openIdempotent);

        // past the cache time: one read again, then warm again
        clock.advance(Authorizer.MAX_CACHE_TTL.toMillis());
        requestsOf(() -> asAlice(aclFetch, "GET", fetch, null));
        assertThat(acls.reads).hasValue(3);
        System.out.printf("ACL cost over %d requests each: produce open %s, enforced warm %s; fetch open %s, enforced "
                + "warm %s. One request cold: produce open %s, enforced %s; fetch open %s, enforced %s%n", REQUESTS, open,
                enforced, openReads, enforcedReads, openProduceOne, coldProduce, openFetchOne, coldFetch);
        System.out.printf("ACL cost, idempotent produce over %d requests: open %s, enforced warm %s; a producer's "
                + "first produce open %s, enforced %s%n", REQUESTS, openIdempotent, enforcedIdempotent, openFirst,
                enforcedFirst);
    }
}
