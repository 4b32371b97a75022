package io.sluice.tests.log;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import java.time.Clock;

class InMemoryIdempotentProducerTest extends IdempotentProducerContract {
    @Override
    protected Stores newStores() {
        return new Stores(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore());
    }
}
