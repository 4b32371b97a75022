package io.sluice.meta;

/**
 * The metadata of every topic and partition: DynamoDB in AWS, dynalite locally, maps in unit tests.
 * Every change is a single-item conditional write; there are no transactions. Reads are strongly
 * consistent. Every implementation is held to the same contract test. It is four stores in one table:
 * {@link TopicStore}, {@link PartitionStore} (heads, the offset index, maintenance leases),
 * {@link ProducerRegistryStore} and {@link GarbageStore}; a service that needs one part depends on that.
 */
public interface MetadataStore extends TopicStore, PartitionStore, ProducerRegistryStore, GarbageStore {
}
