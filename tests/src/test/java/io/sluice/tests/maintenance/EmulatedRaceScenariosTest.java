package io.sluice.tests.maintenance;

import io.sluice.tests.support.Stores;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The maintenance and re-creation races through the real SDK clients on s3proxy and dynalite. */
@ExtendWith(EmbeddedBackends.class)
class EmulatedRaceScenariosTest extends RaceScenarios {

    private final Backends backends;

    EmulatedRaceScenariosTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected Stores newStores() {
        return backends.fresh().stores();
    }
}
