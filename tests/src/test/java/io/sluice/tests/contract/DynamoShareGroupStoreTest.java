package io.sluice.tests.contract;

import io.sluice.share.DynamoShareGroupStore;
import io.sluice.share.ShareGroupStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The share group store contract against the real DynamoDB SDK client on dynalite. */
@ExtendWith(EmbeddedBackends.class)
class DynamoShareGroupStoreTest extends ShareGroupStoreContract {

    private final Backends backends;

    DynamoShareGroupStoreTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected ShareGroupStore newStore() {
        Backends.Stack stack = backends.fresh();
        return new DynamoShareGroupStore(stack.dynamo(), stack.table());
    }
}
