package io.sluice.tests.contract;

import io.sluice.store.ObjectStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The object store contract against the real S3 SDK client on s3proxy. */
@ExtendWith(EmbeddedBackends.class)
class S3ObjectStoreTest extends ObjectStoreContract {

    private final Backends backends;

    S3ObjectStoreTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected ObjectStore newStore() {
        return backends.fresh().objects();
    }
}
