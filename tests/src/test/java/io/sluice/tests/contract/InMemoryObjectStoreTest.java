package io.sluice.tests.contract;

import io.sluice.store.InMemoryObjectStore;
import io.sluice.store.ObjectStore;
import java.time.Clock;

class InMemoryObjectStoreTest extends ObjectStoreContract {
    @Override
    protected ObjectStore newStore() {
        return new InMemoryObjectStore(Clock.systemUTC());
    }
}
