package io.sluice.tests.log;

import io.sluice.tests.support.Stores;

class InMemoryIdempotentProducerTest extends IdempotentProducerContract {
    @Override
    protected Stores newStores() {
        return Stores.inMemory();
    }
}
