package io.sluice.tests.support;

import io.sluice.group.GroupStore;
import io.sluice.group.InMemoryGroupStore;
import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.MetadataStore;
import io.sluice.store.InMemoryObjectStore;
import io.sluice.store.ObjectStore;
import java.time.Clock;

/** The three stores Sluice's services run on: maps, or the SDK clients on the emulators or LocalStack. */
public record Stores(ObjectStore objects, MetadataStore metadata, GroupStore groups) {

    /** Fresh, empty in-memory stores. */
    public static Stores inMemory() {
        return new Stores(new InMemoryObjectStore(Clock.systemUTC()), new InMemoryMetadataStore(),
                new InMemoryGroupStore());
    }
}
