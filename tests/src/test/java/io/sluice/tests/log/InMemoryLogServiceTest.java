package io.sluice.tests.log;

import io.sluice.tests.support.Stores;

class InMemoryLogServiceTest extends LogServiceContract {
    @Override
    protected Stores newStores() {
        return Stores.inMemory();
    }
}
