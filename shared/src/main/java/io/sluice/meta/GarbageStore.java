package io.sluice.meta;

import java.util.List;

/**
 * The garbage collector's view: every stored reference to an object, and the marks of objects seen
 * unreferenced.
 * Part of {@link MetadataStore}: one DynamoDB table holds them all, and a service that needs only this
 * part depends on only this interface.
 */
public interface GarbageStore {

    /**
     * Every index entry's and every head's last entry's pointer at an object, across all topics and
     * incarnations, live or deleted: the garbage collector's mark phase.
     */
    List<ObjectReference> objectReferences();

    /** Every object key an index entry or a head's last entry points at, across all topics. */
    default java.util.Set<String> referencedObjects() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        objectReferences().forEach(r -> keys.add(r.objectKey()));
        return keys;
    }

    /** Objects the garbage collector has seen unreferenced, with the time it first saw each so. */
    java.util.Map<String, Long> garbageMarks();

    void markGarbage(String objectKey, long since);

    void unmarkGarbage(String objectKey);
}
