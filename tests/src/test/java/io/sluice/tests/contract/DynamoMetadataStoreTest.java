package io.sluice.tests.contract;

import io.sluice.meta.MetadataStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The metadata store contract against the real DynamoDB SDK client on dynalite. */
@ExtendWith(EmbeddedBackends.class)
class DynamoMetadataStoreTest extends MetadataStoreContract {

    private final Backends backends;

    DynamoMetadataStoreTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected MetadataStore newStore() {
        return backends.fresh().metadata();
    }
}
