package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.Checkpoint;
import io.sluice.group.GroupStore;
import io.sluice.group.InMemoryGroupStore;
import org.junit.jupiter.api.Test;

class InMemoryGroupStoreTest extends GroupStoreContract {
    @Override
    protected GroupStore newStore() {
        return new InMemoryGroupStore();
    }

    @Test
    void checkpointsAreReadInPagesOfAtMostAMegabyteAsDynamoDbReadsThem() {
        InMemoryGroupStore store = new InMemoryGroupStore();
        for (int p = 0; p < 300; p++) {
            store.commit(new Checkpoint("g", "t", p, "id1", p, 1, null, "m".repeat(4_096), 0));
        }
        long before = store.queryPages();
        assertThat(store.checkpoints("g")).hasSize(300);
        assertThat(store.queryPages() - before).as("about 1.25 MB of checkpoints").isEqualTo(2);
    }
}
