package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.meta.InMemoryMetadataStore;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import org.junit.jupiter.api.Test;

class InMemoryMetadataStoreTest extends MetadataStoreContract {
    @Override
    protected MetadataStore newStore() {
        return new InMemoryMetadataStore();
    }

    @Test
    void indexQueriesReadPagesOfAtMostAMegabyteAndFilterAfterTheLimitAsDynamoDbDoes() {
        InMemoryMetadataStore store = new InMemoryMetadataStore();
        String bulky = "wal/" + "b".repeat(10_000);
        for (long base = 0; base < 130; base++) {
            store.putIndexEntryIfAbsent(new IndexEntry("t", 0, "01JOLD", base, base, bulky, 0, 1, 0, 0));
        }
        store.putIndexEntryIfAbsent(new IndexEntry("t", 0, "01JNEW", 500, 500, "wal/new", 0, 1, 0, 0));

        long before = store.queryPages();
        assertThat(store.entriesFrom("t", 0, "01JNEW", 0, 1_000)).hasSize(1);
        assertThat(store.queryPages() - before).as("1.3 MB read, a page stops at 1 MB").isEqualTo(2);

        before = store.queryPages();
        assertThat(store.floorEntry("t", 0, "01JNEW", 499)).isEmpty();
        assertThat(store.queryPages() - before).as("Limit 1 counts items read, not items kept").isEqualTo(130);
    }
}
