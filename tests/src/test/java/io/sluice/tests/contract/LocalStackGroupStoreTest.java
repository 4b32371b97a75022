package io.sluice.tests.contract;

import io.sluice.group.GroupStore;
import io.sluice.tests.support.Backend;
import io.sluice.tests.support.Backends;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The GroupStore contract against LocalStack (pinned image), wherever a Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackGroupStoreTest extends GroupStoreContract {

    private final Backends backends = Backends.of(Backend.localStack());

    @Override
    protected GroupStore newStore() {
        return backends.fresh().groups();
    }
}
