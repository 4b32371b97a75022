package io.sluice.tests.maintenance;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.Stores;

/** Maintenance's exact tests on the in-memory stores. */
class InMemoryMaintenanceTest extends MaintenanceScenarios {

    @Override
    protected Stores newStores(MutableClock clock) {
        return new Stores(new InMemoryObjectStore(clock), new InMemoryMetadataStore(), new InMemoryGroupStore());
    }
}
