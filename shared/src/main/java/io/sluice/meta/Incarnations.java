package io.sluice.meta;

/**
 * The order of a topic's incarnations. A topicId is a ULID made when the topic is created, so a topic
 * re-created under the same name has an id that sorts after every earlier incarnation's (docs/
 * architecture.md, "Incarnations"). Every conditional write names the incarnation it read, and a write of
 * an older incarnation never replaces an item of a newer one.
 */
public final class Incarnations {

    private Incarnations() {
    }

    /**
     * The topicId a deleted incarnation's heads are fenced with: it sorts after {@code topicId} (so no
     * writer of that incarnation can commit over it) and before every later incarnation's id (so the next
     * incarnation's first commit replaces it, as it would replace any older head).
     */
    public static String fenceOf(String topicId) {
        return topicId + "~";
    }

    /** True if {@code a} is an incarnation created before {@code b}. */
    public static boolean isOlder(String a, String b) {
        return a.compareTo(b) < 0;
    }

    /**
     * Which incarnations are deleted, as far as one reader can prove it: an incarnation is deleted if the
     * name's live topic is a later incarnation, or if the name has no live topic and its tombstone is of
     * that incarnation or a later one. Anything it cannot prove deleted it takes as live. Read after the
     * items it judges, so that an incarnation created since is seen as live, never its items as dead.
     */
    public static final class Live {
        private final TopicStore metadata;
        private final java.util.Map<String, java.util.Optional<TopicConfig>> topics = new java.util.HashMap<>();
        private final java.util.Map<String, java.util.Optional<String>> tombstones = new java.util.HashMap<>();

        public Live(TopicStore metadata) {
            this.metadata = metadata;
        }

        public boolean isDeleted(String name, String topicId) {
            if (topicId == null || topicId.isEmpty()) {
                return false; // an item that names no incarnation cannot be proved dead
            }
            java.util.Optional<TopicConfig> topic = topics.computeIfAbsent(name, metadata::getTopic);
            if (topic.isPresent()) {
                return isOlder(topicId, topic.get().topicId());
            }
            java.util.Optional<String> tombstone = tombstones.computeIfAbsent(name, metadata::deletedTopicId);
            return tombstone.isPresent() && !isOlder(tombstone.get(), topicId);
        }
    }
}
