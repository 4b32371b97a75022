package io.sluice.tests.maintenance;

import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import io.sluice.store.ObjectStore;
import io.sluice.store.ObjectSummary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A full scan for index entries (and heads' last entries) that point to missing objects. */
final class Dangling {

    private Dangling() {
    }

    /**
     * Entries are read first and objects listed after, so an object written (and committed) while the
     * scan runs cannot be mistaken for a missing one.
     */
    static List<String> find(MetadataStore metadata, ObjectStore objects) {
        List<IndexEntry> all = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (TopicConfig topic : metadata.listTopics()) {
            for (int p = 0; p < topic.partitions(); p++) {
                List<IndexEntry> entries = new ArrayList<>(metadata.entriesFrom(topic.name(), p, topic.topicId(), 0,
                        Integer.MAX_VALUE));
                metadata.getHead(topic.name(), p).map(PartitionHead::last).ifPresent(entries::add);
                for (IndexEntry entry : entries) {
                    all.add(entry);
                    where.add(topic.name() + "/" + p + "@" + entry.baseOffset() + " -> " + entry.objectKey());
                }
            }
        }
        Set<String> stored = new HashSet<>();
        objects.list("wal/").stream().map(ObjectSummary::key).forEach(stored::add);
        objects.list("seg/").stream().map(ObjectSummary::key).forEach(stored::add);
        List<String> dangling = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!stored.contains(all.get(i).objectKey())) {
                dangling.add(where.get(i));
            }
        }
        return dangling;
    }

    static int objectCount(ObjectStore objects) {
        return objects.list("wal/").size() + objects.list("seg/").size();
    }
}
