package io.sluice.tests.maintenance;

import io.sluice.tests.support.Backends;
import io.sluice.tests.support.ClockStampedObjectStore;
import io.sluice.tests.support.EmbeddedBackends;
import io.sluice.tests.support.MutableClock;
import io.sluice.tests.support.Stores;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Maintenance's exact tests through the real SDK clients on s3proxy and dynalite. s3proxy stamps objects
 * with the wall clock; the grace period is measured on the test's clock, so objects carry its time.
 */
@ExtendWith(EmbeddedBackends.class)
class EmulatedMaintenanceTest extends MaintenanceScenarios {

    private final Backends backends;

    EmulatedMaintenanceTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected Stores newStores(MutableClock clock) {
        Backends.Stack stack = backends.fresh();
        return new Stores(new ClockStampedObjectStore(stack.objects(), clock), stack.metadata(), stack.groups());
    }
}
