package io.sluice.tests.contract;

import io.sluice.share.InMemoryShareGroupStore;
import io.sluice.share.ShareGroupStore;

class InMemoryShareGroupStoreTest extends ShareGroupStoreContract {
    @Override
    protected ShareGroupStore newStore() {
        return new InMemoryShareGroupStore();
    }
}
