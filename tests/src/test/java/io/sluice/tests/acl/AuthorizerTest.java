package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.acl.AclBinding;
import io.sluice.acl.AclStore;
import io.sluice.acl.Authorizer;
import io.sluice.acl.InMemoryAclStore;
import io.sluice.acl.Operation;
import io.sluice.acl.PatternType;
import io.sluice.acl.Permission;
import io.sluice.acl.Principal;
import io.sluice.acl.ResourceType;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.tests.support.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The ACL semantics (literal, prefixed, {@code *}, deny wins, implied describe, admins) and the cache's cost. */
class AuthorizerTest {

    private static final Principal ALICE = Principal.of("arn:aws:iam::123456789012:user/alice");
    private static final Principal BOB = Principal.of("arn:aws:iam::123456789012:user/bob");
    private static final String ADMIN = "arn:aws:iam::123456789012:role/admin";

    /** An ACL store that counts its reads, as the per-request cost is measured. */
    static final class CountingStore implements AclStore {
        final AclStore delegate = new InMemoryAclStore();
        final AtomicInteger reads = new AtomicInteger();
        volatile long readDelayMillis;

        @Override
        public List<AclBinding> all() {
            reads.incrementAndGet();
            if (readDelayMillis > 0) {
                try {
                    Thread.sleep(readDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
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

    private final MutableClock clock = new MutableClock(1_000_000);
    private final CountingStore store = new CountingStore();
    private final Authorizer authorizer = new Authorizer(Authorizer.Mode.ACL, Set.of(ADMIN), store, clock,
            Authorizer.MAX_CACHE_TTL);

    private static AclBinding allow(Principal who, ResourceType type, String name, PatternType pattern, Operation op) {
        return new AclBinding(who.name(), type, name, pattern, op, Permission.ALLOW);
    }

    @Test
    void withoutAnyAclNobodyButAnAdminMay() {
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders")).isFalse();
        assertThat(authorizer.allowed(Principal.of(ADMIN), Operation.ALTER, ResourceType.CLUSTER,
                ResourceType.CLUSTER_NAME)).isTrue();
        assertThat(authorizer.allowed(new Principal("jwt:https://i#u", List.of(ADMIN)), Operation.DELETE,
                ResourceType.TOPIC, "x")).as("a group principal in the admin list").isTrue();
    }

    @Test
    void aLiteralNameMatchesOnlyItselfAndAPrefixEveryNameItStarts() {
        store.add(allow(ALICE, ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ));
        store.add(allow(ALICE, ResourceType.TOPIC, "team-a.", PatternType.PREFIXED, Operation.WRITE));
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders2")).isFalse();
        assertThat(authorizer.allowed(ALICE, Operation.WRITE, ResourceType.TOPIC, "orders")).isFalse();
        assertThat(authorizer.allowed(ALICE, Operation.WRITE, ResourceType.TOPIC, "team-a.payments")).isTrue();
        assertThat(authorizer.allowed(ALICE, Operation.WRITE, ResourceType.TOPIC, "team-b.payments")).isFalse();
        assertThat(authorizer.allowed(ALICE, Operation.WRITE, ResourceType.GROUP, "team-a.payments"))
                .as("another resource type").isFalse();
        assertThat(authorizer.allowed(BOB, Operation.READ, ResourceType.TOPIC, "orders")).as("another principal")
                .isFalse();
    }

    @Test
    void theStarPrincipalAndTheStarNameMatchEveryoneAndEverything() {
        store.add(new AclBinding("*", ResourceType.TOPIC, "public", PatternType.LITERAL, Operation.READ,
                Permission.ALLOW));
        store.add(allow(BOB, ResourceType.GROUP, "*", PatternType.LITERAL, Operation.READ));
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "public")).isTrue();
        assertThat(authorizer.allowed(BOB, Operation.READ, ResourceType.TOPIC, "public")).isTrue();
        assertThat(authorizer.allowed(Principal.ANONYMOUS, Operation.READ, ResourceType.TOPIC, "public"))
                .as("* is every caller with an identity, never the anonymous one").isFalse();
        assertThat(authorizer.allowed(BOB, Operation.READ, ResourceType.GROUP, "any-group-at-all")).isTrue();
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.GROUP, "any-group-at-all")).isFalse();
    }

    @Test
    void aMatchingDenyWinsOverEveryAllow() {
        store.add(allow(ALICE, ResourceType.TOPIC, "team-a.", PatternType.PREFIXED, Operation.ALL));
        store.add(new AclBinding(ALICE.name(), ResourceType.TOPIC, "team-a.secret", PatternType.LITERAL,
                Operation.READ, Permission.DENY));
        store.add(new AclBinding("*", ResourceType.TOPIC, "team-a.frozen", PatternType.LITERAL, Operation.ALL,
                Permission.DENY));
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "team-a.orders")).isTrue();
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "team-a.secret")).isFalse();
        assertThat(authorizer.allowed(ALICE, Operation.WRITE, ResourceType.TOPIC, "team-a.secret"))
                .as("a deny of read leaves write alone").isTrue();
        assertThat(authorizer.allowed(ALICE, Operation.WRITE, ResourceType.TOPIC, "team-a.frozen"))
                .as("a deny of all denies every operation, for * too").isFalse();
        assertThat(authorizer.allowed(Principal.of(ADMIN), Operation.WRITE, ResourceType.TOPIC, "team-a.frozen"))
                .as("admins always pass").isTrue();
    }

    @Test
    void describeOnATopicIsImpliedByItsUseButOnAGroupOnlyByDescribeOrAll() {
        store.add(allow(ALICE, ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.WRITE));
        store.add(allow(ALICE, ResourceType.GROUP, "svc", PatternType.LITERAL, Operation.READ));
        store.add(allow(BOB, ResourceType.GROUP, "svc", PatternType.LITERAL, Operation.ALL));
        assertThat(authorizer.allowed(ALICE, Operation.DESCRIBE, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders")).isFalse();
        assertThat(authorizer.allowed(ALICE, Operation.DESCRIBE, ResourceType.GROUP, "svc")).isFalse();
        assertThat(authorizer.allowed(BOB, Operation.DESCRIBE, ResourceType.GROUP, "svc")).isTrue();
    }

    @Test
    void groupPrincipalsOfAJwtMatchTheirAcls() {
        Principal carol = new Principal("jwt:https://issuer#carol", List.of("jwtgroup:analytics"));
        store.add(new AclBinding("jwtgroup:analytics", ResourceType.TOPIC, "*", PatternType.LITERAL, Operation.READ,
                Permission.ALLOW));
        assertThat(authorizer.allowed(carol, Operation.READ, ResourceType.TOPIC, "anything")).isTrue();
        assertThat(authorizer.allowed(carol, Operation.WRITE, ResourceType.TOPIC, "anything")).isFalse();
    }

    @Test
    void aRefusalNamesTheOperationAndTheResourceButNeverWhatWouldAllowIt() {
        store.add(new AclBinding(ADMIN, ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ,
                Permission.ALLOW));
        assertThatThrownBy(() -> authorizer.require(ALICE, Operation.READ, ResourceType.TOPIC, "orders"))
                .isInstanceOfSatisfying(SluiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_AUTHORIZED);
                    assertThat(e.code().httpStatus()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("read").contains("topic orders").doesNotContain("admin")
                            .doesNotContain("allow");
                    assertThat(e.details()).containsEntry("operation", "read").containsEntry("resourceType", "topic")
                            .containsEntry("resourceName", "orders");
                });
    }

    @Test
    void openModeAllowsEverythingAndNeverReadsTheStore() {
        Authorizer open = new Authorizer(Authorizer.Mode.OPEN, Set.of(), store, clock, Authorizer.MAX_CACHE_TTL);
        assertThat(open.allowed(ALICE, Operation.DELETE, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(store.reads).hasValue(0);
    }

    @Test
    void aWarmCacheReadsNothingAColdOneReadsOnceAndAChangeIsSeenWithinTheCacheTime() {
        store.add(allow(ALICE, ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ));
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(store.reads).as("a cold cache: one read").hasValue(1);
        for (int i = 0; i < 1_000; i++) {
            authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders");
            authorizer.allowed(BOB, Operation.WRITE, ResourceType.TOPIC, "t" + i);
        }
        assertThat(store.reads).as("2,000 checks on a warm cache: no read").hasValue(1);
        authorizer.allowed(Principal.of(ADMIN), Operation.ALTER, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
        assertThat(store.reads).hasValue(1);

        // Another function removes the ACL: this one still trusts its cache until the time to live is up.
        store.remove(allow(ALICE, ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ));
        clock.advance(Authorizer.MAX_CACHE_TTL.toMillis() - 1);
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders")).isTrue();
        assertThat(store.reads).hasValue(1);
        clock.advance(1);
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders"))
                .as("30 s after the read: the change is seen").isFalse();
        assertThat(store.reads).hasValue(2);
    }

    @Test
    void aChangeThroughThisFunctionIsSeenAtOnce() {
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders")).isFalse();
        store.add(allow(ALICE, ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ));
        authorizer.changed();
        assertThat(authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders")).isTrue();
    }

    @Test
    void concurrentRequestsOnAColdCacheReadTheStoreOnce() throws Exception {
        store.add(allow(ALICE, ResourceType.TOPIC, "orders", PatternType.LITERAL, Operation.READ));
        store.readDelayMillis = 50;
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return authorizer.allowed(ALICE, Operation.READ, ResourceType.TOPIC, "orders");
                }));
            }
            start.countDown();
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
            assertThat(store.reads).as("16 racing requests, one read").hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCacheMayNotOutliveThirtySeconds() {
        assertThatThrownBy(() -> new Authorizer(Authorizer.Mode.ACL, Set.of(), store, clock, Duration.ofSeconds(31)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badBindingsAreRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> new AclBinding("", ResourceType.TOPIC, "t", PatternType.LITERAL, Operation.READ,
                Permission.ALLOW)).hasMessageContaining("principal");
        assertThatThrownBy(() -> new AclBinding("p", ResourceType.TOPIC, "a/b", PatternType.LITERAL, Operation.READ,
                Permission.ALLOW)).hasMessageContaining("resourceName");
        assertThatThrownBy(() -> new AclBinding("p", ResourceType.CLUSTER, "other", PatternType.LITERAL,
                Operation.ALTER, Permission.ALLOW)).hasMessageContaining(ResourceType.CLUSTER_NAME);
        assertThatThrownBy(() -> new AclBinding("p", ResourceType.TOPIC, "t", PatternType.LITERAL, null,
                Permission.ALLOW)).isInstanceOfSatisfying(SluiceException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACL));
    }
}
