package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.log.Backoff;
import io.sluice.log.ProducerRegistry;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.ProducerIdentity;
import io.sluice.meta.ProducerRegistryStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two principals race to be first to init one new producer name, at the same time, on the real stores:
 * exactly one of them owns it, every init of the owner succeeds, every init of the other is refused
 * NOT_AUTHORIZED, and the name, its id and the id's owner agree.
 */
@ExtendWith(EmbeddedBackends.class)
class ProducerOwnershipRaceTest {

    private static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    private static final String BOB = "arn:aws:iam::123456789012:user/bob";
    private static final int THREADS = 8;

    private final Backends backends;

    ProducerOwnershipRaceTest(Backends backends) {
        this.backends = backends;
    }

    @Test
    void inMemory() throws Exception {
        race(new InMemoryMetadataStore());
    }

    @Test
    void onDynamoDb() throws Exception {
        race(backends.fresh().metadata());
    }

    private static void race(ProducerRegistryStore store) throws Exception {
        for (int round = 0; round < 5; round++) {
            String name = "contested-" + round;
            ProducerRegistry registry = new ProducerRegistry(store, Clock.systemUTC(), Backoff.exponentialJitter(1, 20));
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Object>> results = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    String who = i % 2 == 0 ? ALICE : BOB;
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            return registry.init(name, who, false);
                        } catch (SluiceException e) {
                            return e;
                        }
                    }));
                }
                start.countDown();
                List<Object> done = new ArrayList<>();
                for (Future<Object> result : results) {
                    done.add(result.get());
                }
                String owner = store.producerName(name).orElseThrow().owner();
                long id = store.producerName(name).orElseThrow().producerId();
                int refused = 0;
                for (int i = 0; i < THREADS; i++) {
                    Object result = done.get(i);
                    String who = i % 2 == 0 ? ALICE : BOB;
                    if (who.equals(owner)) {
                        assertThat(result).as("the owner's init").isInstanceOf(ProducerIdentity.class);
                        assertThat(((ProducerIdentity) result).producerId()).isEqualTo(id);
                    } else {
                        assertThat(result).as("the other's init").isInstanceOfSatisfying(SluiceException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_AUTHORIZED));
                        refused++;
                    }
                }
                assertThat(owner).isIn(ALICE, BOB);
                assertThat(refused).isEqualTo(THREADS / 2);
                assertThat(store.producerOwner(id)).contains(owner);
                assertThat(store.producerEpoch(id)).as("each of the owner's inits bumped the epoch once")
                        .contains((long) (THREADS / 2 - 1));
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
