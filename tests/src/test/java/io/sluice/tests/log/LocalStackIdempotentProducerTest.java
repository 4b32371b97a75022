package io.sluice.tests.log;

import io.sluice.tests.support.Stores;
import io.sluice.tests.support.Backend;
import io.sluice.tests.support.Backends;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The idempotent producer contract against LocalStack (pinned image), wherever a Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIdempotentProducerTest extends IdempotentProducerContract {

    private final Backends backends = Backends.of(Backend.localStack());

    @Override
    protected Stores newStores() {
        return backends.fresh().stores();
    }
}
