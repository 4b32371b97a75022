package io.sluice.store;

import java.util.List;

/**
 * Immutable blobs by key: S3 in AWS, s3proxy locally, a map in unit tests. Every implementation is held
 * to the same contract test.
 */
public interface ObjectStore {

    /**
     * Writes an object that must not exist yet (S3 {@code If-None-Match: *}).
     *
     * @throws ObjectAlreadyExistsException if the key is taken; the existing object is untouched
     */
    void putIfAbsent(String key, byte[] bytes);

    /** @throws ObjectNotFoundException if there is no such object */
    byte[] get(String key);

    /**
     * Reads {@code length} bytes from {@code start}. A range that runs past the end is cut short there,
     * as S3 does.
     *
     * @throws ObjectNotFoundException if there is no such object, or {@code start} is past its end
     */
    byte[] getRange(String key, long start, int length);

    /** Deletes an object; deleting a missing key is not an error. */
    void delete(String key);

    /** Every object whose key starts with {@code prefix}, in key order. */
    List<ObjectSummary> list(String prefix);
}
