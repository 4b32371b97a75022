package io.sluice.tests.contract;

import io.sluice.group.GroupStore;
import io.sluice.group.InMemoryGroupStore;

class InMemoryGroupStoreTest extends GroupStoreContract {
    @Override
    protected GroupStore newStore() {
        return new InMemoryGroupStore();
    }
}
