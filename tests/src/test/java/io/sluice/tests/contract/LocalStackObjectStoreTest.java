package io.sluice.tests.contract;

import io.sluice.store.ObjectStore;
import io.sluice.tests.support.Backend;
import io.sluice.tests.support.Backends;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The ObjectStore contract against LocalStack (pinned image), wherever a Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackObjectStoreTest extends ObjectStoreContract {

    private final Backends backends = Backends.of(Backend.localStack());

    @Override
    protected ObjectStore newStore() {
        return backends.fresh().objects();
    }
}
