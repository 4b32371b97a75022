package io.sluice.tests.log;

import io.sluice.tests.support.Stores;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The log service contract through the real SDK clients on s3proxy and dynalite. */
@ExtendWith(EmbeddedBackends.class)
class EmulatedLogServiceTest extends LogServiceContract {

    private final Backends backends;

    EmulatedLogServiceTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected Stores newStores() {
        return backends.fresh().stores();
    }
}
