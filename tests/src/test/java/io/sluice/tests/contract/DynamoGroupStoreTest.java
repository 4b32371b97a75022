package io.sluice.tests.contract;

import io.sluice.group.GroupStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The group store contract against the real DynamoDB SDK client on dynalite. */
@ExtendWith(EmbeddedBackends.class)
class DynamoGroupStoreTest extends GroupStoreContract {

    private final Backends backends;

    DynamoGroupStoreTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected GroupStore newStore() {
        return backends.fresh().groups();
    }
}
