package io.sluice.tests.group;

import io.sluice.tests.support.Stores;
import io.sluice.tests.support.Backend;
import io.sluice.tests.support.Backends;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The group size contract against LocalStack (pinned image), wherever a Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackGroupSizeTest extends GroupSizeContract {

    private final Backends backends = Backends.of(Backend.localStack());

    @Override
    protected Stores newStores() {
        return backends.fresh().stores();
    }
}
