package io.sluice.tests.group;

import io.sluice.tests.support.Stores;

/** The forced zombie commit on the in-memory stores. */
class InMemoryZombieCommitRaceTest extends ZombieCommitRace {

    @Override
    protected Stores newStores() {
        return Stores.inMemory();
    }
}
