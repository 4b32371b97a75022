package io.sluice.tests.maintenance;

import io.sluice.group.InMemoryGroupStore;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.store.InMemoryObjectStore;
import java.time.Clock;

/** The maintenance and re-creation races on the in-memory stores. */
class InMemoryRaceScenariosTest extends RaceScenarios {

    @Override
    protected Stores newStores() {
        return new Stores(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore());
    }
}
