package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.acl.AclBinding;
import io.sluice.acl.AclStore;
import io.sluice.acl.Operation;
import io.sluice.acl.PatternType;
import io.sluice.acl.Permission;
import io.sluice.acl.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link AclStore} must do: the in-memory one and DynamoDB's are held to the same assertions. */
public abstract class AclStoreContract {

    protected abstract AclStore newStore();

    private static AclBinding acl(String principal, ResourceType type, String name, PatternType pattern,
                                  Operation operation, Permission permission) {
        return new AclBinding(principal, type, name, pattern, operation, permission);
    }

    @Test
    void anEmptyStoreHasNoBindings() {
        assertThat(newStore().all()).isEmpty();
    }

    @Test
    void addedBindingsAreListedWithEveryFieldAndAnEqualAddChangesNothing() {
        AclStore store = newStore();
        AclBinding read = acl("arn:aws:iam::123456789012:role/analytics", ResourceType.TOPIC, "orders.",
                PatternType.PREFIXED, Operation.READ, Permission.ALLOW);
        AclBinding deny = acl("arn:aws:iam::123456789012:role/analytics", ResourceType.TOPIC, "orders.",
                PatternType.PREFIXED, Operation.READ, Permission.DENY);
        assertThat(store.add(read)).isTrue();
        assertThat(store.add(read)).as("an equal binding is already there").isFalse();
        assertThat(store.add(deny)).as("the same tuple with the other permission is another binding").isTrue();
        assertThat(store.all()).containsExactlyInAnyOrder(read, deny);
    }

    @Test
    void principalsWithHashesAndEveryResourceTypeRoundTrip() {
        AclStore store = newStore();
        List<AclBinding> bindings = List.of(
                acl("jwt:https://issuer.example.com/pool#sub-1", ResourceType.GROUP, "svc-a", PatternType.LITERAL,
                        Operation.READ, Permission.ALLOW),
                acl("jwtgroup:admins", ResourceType.SHARE_GROUP, "*", PatternType.LITERAL, Operation.ALL,
                        Permission.ALLOW),
                acl("*", ResourceType.PRODUCER, "team-a.", PatternType.PREFIXED, Operation.WRITE, Permission.ALLOW),
                acl("arn:aws:iam::123456789012:user/ops", ResourceType.CLUSTER, ResourceType.CLUSTER_NAME,
                        PatternType.LITERAL, Operation.ALTER, Permission.ALLOW),
                // the same resource, with a principal that is another's prefix up to a '#'
                acl("jwt:https://issuer.example.com/pool#sub", ResourceType.GROUP, "svc-a", PatternType.LITERAL,
                        Operation.READ, Permission.ALLOW));
        bindings.forEach(b -> assertThat(store.add(b)).isTrue());
        assertThat(store.all()).containsExactlyInAnyOrderElementsOf(bindings);
    }

    @Test
    void theLongestPrincipalAndNameFitTheSortKey() {
        AclStore store = newStore();
        AclBinding longest = acl("p".repeat(AclBinding.MAX_PRINCIPAL_LENGTH), ResourceType.SHARE_GROUP, "n".repeat(249),
                PatternType.PREFIXED, Operation.DESCRIBE, Permission.ALLOW);
        assertThat(store.add(longest)).isTrue();
        assertThat(store.all()).containsExactly(longest);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> acl("p".repeat(AclBinding.MAX_PRINCIPAL_LENGTH + 1),
                ResourceType.TOPIC, "t", PatternType.LITERAL, Operation.READ, Permission.ALLOW))
                .hasMessageContaining("principal");
    }

    @Test
    void removeTakesOnlyTheEqualBinding() {
        AclStore store = newStore();
        AclBinding a = acl("arn:aws:iam::1:user/a", ResourceType.TOPIC, "t", PatternType.LITERAL, Operation.WRITE,
                Permission.ALLOW);
        AclBinding b = acl("arn:aws:iam::1:user/a", ResourceType.TOPIC, "t", PatternType.LITERAL, Operation.READ,
                Permission.ALLOW);
        store.add(a);
        store.add(b);
        assertThat(store.remove(acl("arn:aws:iam::1:user/a", ResourceType.TOPIC, "t", PatternType.PREFIXED,
                Operation.WRITE, Permission.ALLOW))).as("another pattern type is another binding").isFalse();
        assertThat(store.remove(a)).isTrue();
        assertThat(store.remove(a)).as("already gone").isFalse();
        assertThat(store.all()).containsExactly(b);
    }

    /** Over 1 MB of bindings: DynamoDB answers a Query in pages of 1 MB, and every page must be read. */
    @Test
    void moreBindingsThanOneQueryPageAreAllRead() {
        AclStore store = newStore();
        List<AclBinding> added = new ArrayList<>();
        String longName = "arn:aws:iam::123456789012:role/" + "r".repeat(470);
        for (int i = 0; i < 1_100; i++) {
            AclBinding b = acl(longName + i, ResourceType.TOPIC, "topic-" + i, PatternType.LITERAL, Operation.READ,
                    Permission.ALLOW);
            store.add(b);
            added.add(b);
        }
        assertThat(store.all()).hasSize(1_100).containsExactlyInAnyOrderElementsOf(added);
    }

    @Test
    void concurrentAddsOfOneBindingCreateItOnce() throws Exception {
        AclStore store = newStore();
        AclBinding b = acl("*", ResourceType.TOPIC, "race", PatternType.LITERAL, Operation.READ, Permission.ALLOW);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<Boolean> add = () -> {
                    start.await();
                    return store.add(b);
                };
                results.add(pool.submit(add));
            }
            start.countDown();
            int created = 0;
            for (Future<Boolean> r : results) {
                created += r.get() ? 1 : 0;
            }
            assertThat(created).as("exactly one add wins").isEqualTo(1);
            assertThat(store.all()).containsExactly(b);
        } finally {
            pool.shutdownNow();
        }
    }
}
