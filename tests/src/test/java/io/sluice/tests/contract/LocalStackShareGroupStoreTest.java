package io.sluice.tests.contract;

import io.sluice.share.DynamoShareGroupStore;
import io.sluice.share.ShareGroupStore;
import io.sluice.tests.support.Backend;
import io.sluice.tests.support.Backends;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The ShareGroupStore contract against LocalStack (pinned image), wherever a Docker engine is reachable. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackShareGroupStoreTest extends ShareGroupStoreContract {

    private final Backends backends = Backends.of(Backend.localStack());

    @Override
    protected ShareGroupStore newStore() {
        Backends.Stack stack = backends.fresh();
        return new DynamoShareGroupStore(stack.dynamo(), stack.table());
    }
}
