package io.sluice.tests.maintenance;

import io.sluice.tests.support.Stores;

/** The maintenance and re-creation races on the in-memory stores. */
class InMemoryRaceScenariosTest extends RaceScenarios {

    @Override
    protected Stores newStores() {
        return Stores.inMemory();
    }
}
