package io.sluice.tests.group;

import io.sluice.tests.support.Stores;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The group size contract through the real SDK client on s3proxy and dynalite. */
@ExtendWith(EmbeddedBackends.class)
class EmulatedGroupSizeTest extends GroupSizeContract {

    private final Backends backends;

    EmulatedGroupSizeTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected Stores newStores() {
        return backends.fresh().stores();
    }
}
