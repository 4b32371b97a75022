package io.sluice.tests.group;

import io.sluice.tests.support.Stores;

class InMemoryGroupSizeTest extends GroupSizeContract {
    @Override
    protected Stores newStores() {
        return Stores.inMemory();
    }
}
