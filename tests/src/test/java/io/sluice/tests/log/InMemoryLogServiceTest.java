package io.sluice.tests.log;

import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import java.time.Clock;

class InMemoryLogServiceTest extends LogServiceContract {
    @Override
    protected Stores newStores() {
        return new Stores(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new io.sluice.group.InMemoryGroupStore());
    }
}
