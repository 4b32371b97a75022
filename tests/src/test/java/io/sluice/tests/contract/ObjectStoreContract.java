package io.sluice.tests.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.store.ObjectAlreadyExistsException;
import io.sluice.store.ObjectNotFoundException;
import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ObjectStore} must do; extended once per implementation. */
abstract class ObjectStoreContract {

    private ObjectStore store;

    protected abstract ObjectStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    private static byte[] allByteValues() {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    @Test
    void storesBinaryBytesExactly() {
        byte[] bytes = allByteValues();
        store.putIfAbsent("wal/a.wal", bytes);
        assertThat(store.get("wal/a.wal")).isEqualTo(bytes);
    }

    @Test
    void conditionalPutNeverOverwrites() {
        store.putIfAbsent("k", "first".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> store.putIfAbsent("k", "second".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ObjectAlreadyExistsException.class)
                .hasMessageContaining("k");
        assertThat(new String(store.get("k"), StandardCharsets.UTF_8)).isEqualTo("first");
    }

    @Test
    void missingObjectIsNotFound() {
        assertThatThrownBy(() -> store.get("nope")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> store.getRange("nope", 0, 10)).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void rangeReadsReturnExactlyTheRange() {
        byte[] bytes = allByteValues();
        store.putIfAbsent("r", bytes);
        assertThat(store.getRange("r", 0, 1)).containsExactly(bytes[0]);
        assertThat(store.getRange("r", 100, 50)).isEqualTo(java.util.Arrays.copyOfRange(bytes, 100, 150));
        assertThat(store.getRange("r", 500, 100)).as("cut short at the end")
                .isEqualTo(java.util.Arrays.copyOfRange(bytes, 500, 512));
        assertThatThrownBy(() -> store.getRange("r", 512, 1)).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void deleteRemovesAndIsIdempotent() {
        store.putIfAbsent("d", new byte[] {1});
        store.delete("d");
        store.delete("d");
        assertThatThrownBy(() -> store.get("d")).isInstanceOf(ObjectNotFoundException.class);
        store.putIfAbsent("d", new byte[] {2});
        assertThat(store.get("d")).containsExactly(2);
    }

    @Test
    void listsByPrefixInKeyOrder() {
        store.putIfAbsent("seg/t/0/00000000000000000010.seg", new byte[10]);
        store.putIfAbsent("seg/t/0/00000000000000000002.seg", new byte[2]);
        store.putIfAbsent("wal/2026/x.wal", new byte[3]);
        assertThat(store.list("seg/")).extracting(ObjectSummary::key)
                .containsExactly("seg/t/0/00000000000000000002.seg", "seg/t/0/00000000000000000010.seg");
        assertThat(store.list("seg/")).extracting(ObjectSummary::size).containsExactly(2L, 10L);
        assertThat(store.list("seg/")).allSatisfy(s -> assertThat(s.lastModified()).isNotNull());
        assertThat(store.list("nothing/")).isEmpty();
    }

    /** S3 lists at most 1,000 keys a page: a listing of more must follow the continuation token. */
    @Test
    void listsMoreThanOnePageOfKeys() {
        int objects = 1_050;
        for (int i = objects - 1; i >= 0; i--) {
            store.putIfAbsent(String.format("wal/2026/11/26/12/%05d.wal", i), new byte[] {(byte) i});
        }
        store.putIfAbsent("wal/2026/11/26/13/later.wal", new byte[2]);
        var listed = store.list("wal/2026/11/26/12/");
        assertThat(listed).hasSize(objects);
        for (int i = 0; i < objects; i++) {
            assertThat(listed.get(i).key()).isEqualTo(String.format("wal/2026/11/26/12/%05d.wal", i));
        }
        assertThat(store.list("wal/")).hasSize(objects + 1);
    }
}
