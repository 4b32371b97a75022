package io.sluice.meta;

import java.util.List;
import java.util.Optional;

/**
 * The topics: their configuration items, and the tombstones that order a name's incarnations.
 * Part of {@link MetadataStore}: one DynamoDB table holds them all, and a service that needs only this
 * part depends on only this interface.
 */
public interface TopicStore {

    /**
     * Stores a new topic. Its topicId must sort after the id of any deleted incarnation of the same name
     * ({@link #deletedTopicId(String)}), so that incarnations are ordered however the clocks of the
     * Lambdas that created them disagree.
     *
     * @throws io.sluice.error.SluiceException TOPIC_EXISTS if the name is taken, CONFLICT if a deleted
     *                                         incarnation's id does not sort before the new one
     */
    void createTopic(TopicConfig topic);

    /** The topicId of the last deleted incarnation of a name that is free now, if it was ever used. */
    Optional<String> deletedTopicId(String name);

    Optional<TopicConfig> getTopic(String name);

    /** Every topic, in name order. */
    List<TopicConfig> listTopics();

    /**
     * Replaces the topic's META item by a tombstone that remembers {@code topicId}, if it is still that
     * incarnation; false if it was not.
     */
    boolean deleteTopic(String name, String topicId);
}
