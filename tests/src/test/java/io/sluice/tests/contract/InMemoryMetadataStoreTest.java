package io.sluice.tests.contract;

import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.MetadataStore;

class InMemoryMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }
}
