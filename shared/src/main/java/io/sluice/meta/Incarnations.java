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

    /** True if {@code a} is an incarnation created before {@code b}. */
    public static boolean isOlder(String a, String b) {
        return a.compareTo(b) < 0;
    }
}
