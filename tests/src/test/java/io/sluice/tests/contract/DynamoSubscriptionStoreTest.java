package io.sluice.tests.contract;

import io.sluice.subscription.DynamoSubscriptionStore;
import io.sluice.subscription.SubscriptionStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The subscription store contract against the real DynamoDB SDK client on dynalite. */
@ExtendWith(EmbeddedBackends.class)
class DynamoSubscriptionStoreTest extends SubscriptionStoreContract {

    private final Backends backends;

    DynamoSubscriptionStoreTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected SubscriptionStore newStore() {
        Backends.Stack stack = backends.fresh();
        return new DynamoSubscriptionStore(stack.dynamo(), stack.table());
    }
}
