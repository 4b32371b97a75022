package io.sluice.tests.group;

import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.Stores;
import org.junit.jupiter.api.extension.ExtendWith;

/** The forced zombie commit through the DynamoDB SDK client on dynalite: DynamoGroupStore's condition. */
@ExtendWith(EmbeddedBackends.class)
class EmulatedZombieCommitRaceTest extends ZombieCommitRace {

    private final Backends backends;

    EmulatedZombieCommitRaceTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected Stores newStores() {
        return backends.fresh().stores();
    }
}
