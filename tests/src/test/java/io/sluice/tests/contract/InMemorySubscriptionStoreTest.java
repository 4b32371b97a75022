package io.sluice.tests.contract;

import io.sluice.subscription.InMemorySubscriptionStore;
import io.sluice.subscription.SubscriptionStore;

class InMemorySubscriptionStoreTest extends SubscriptionStoreContract {
    @Override
    protected SubscriptionStore newStore() {
        return new InMemorySubscriptionStore();
    }
}
