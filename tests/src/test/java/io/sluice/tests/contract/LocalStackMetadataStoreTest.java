package io.sluice.tests.contract;

import io.sluice.meta.MetadataStore;
import io.sluice.tests.support.Backend;
import io.sluice.tests.support.Backends;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The MetadataStore contract against LocalStack (pinned image), wherever a Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackMetadataStoreTest extends MetadataStoreContract {

    private final Backends backends = Backends.of(Backend.localStack());

    @Override
    protected MetadataStore newStore() {
        return backends.fresh().metadata();
    }
}
