package io.sluice.tests.group;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import java.time.Clock;

class InMemoryGroupSizeTest extends GroupSizeContract {
    @Override
    protected Stores newStores() {
        return new Stores(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore());
    }
}
