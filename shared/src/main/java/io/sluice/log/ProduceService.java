package io.sluice.log;

import io.sluice.client.Partitioner;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.format.LogRecord;
import io.sluice.format.ObjectFormat;
import io.sluice.format.ObjectFormat.BatchLocation;
import io.sluice.meta.IndexEntry;
import io.sluice.meta.MetadataStore;
import io.sluice.meta.PartitionHead;
import io.sluice.meta.TopicConfig;
import io.sluice.store.ObjectAlreadyExistsException;
import io.sluice.store.ObjectStore;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Appends records. One call writes one WAL object holding a batch for every partition it touches, then
 * commits each partition with single-item conditional writes (docs/architecture.md, "Commit protocol"):
 *
 * <ol>
 *   <li>read the head, strongly consistent;</li>
 *   <li>if the head's {@code last} entry is still in the log, put it in the index (an idempotent
 *       conditional put);</li>
 *   <li>replace the head with {@code nextOffset + count}, the new {@code last} and {@code version + 1},
 *       on condition that the version is unchanged; on a lost race, back off and start again.</li>
 * </ol>
 *
 * Every committed entry is therefore in the index or is the head's {@code last}, so a crash between any
 * two steps loses nothing acknowledged and leaves neither a gap nor an overlap.
 */
public final class ProduceService {

    /** Attempts at one partition's commit before answering CONTENTION. */
    public static final int MAX_COMMIT_ATTEMPTS = 64;
    private static final int MAX_KEY_ATTEMPTS = 3;

    private final ObjectStore objects;
    private final MetadataStore metadata;
    private final TopicCache topics;
    private final Heads heads;
    private final Partitioner partitioner;
    private final Clock clock;
    private final Backoff backoff;

    public ProduceService(ObjectStore objects, MetadataStore metadata, TopicCache topics, Partitioner partitioner,
                          Clock clock, Backoff backoff) {
        this.objects = objects;
        this.metadata = metadata;
        this.topics = topics;
        this.heads = new Heads(metadata, topics);
        this.partitioner = partitioner;
        this.clock = clock;
        this.backoff = backoff;
    }

    /**
     * Appends {@code records} to {@code topicName} and answers where each landed, in the order given.
     *
     * @throws SluiceException INVALID_RECORD, RECORD_TOO_LARGE, UNKNOWN_TOPIC, UNKNOWN_PARTITION (nothing
     *                         written), or CONTENTION (retry)
     */
    public List<RecordOffset> produce(String topicName, List<ProduceRecord> records) {
        TopicConfig topic = topics.get(topicName);
        if (records == null || records.isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "a produce call needs at least one record");
        }
        long now = clock.millis();
        int[] partitionOf = assignPartitions(topic, records);
        Map<Integer, List<LogRecord>> byPartition = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            byPartition.computeIfAbsent(partitionOf[i], p -> new ArrayList<>())
                    .add(toLogRecord(topic, i, records.get(i), now));
        }

        ObjectFormat.Builder object = new ObjectFormat.Builder();
        Map<Integer, BatchLocation> locations = new TreeMap<>();
        byPartition.forEach((partition, batch) -> locations.put(partition, object.addBatch(batch)));
        String objectKey = putWalObject(object.build(), now);

        Map<Integer, Long> baseOffsets = new TreeMap<>();
        locations.forEach((partition, location) ->
                baseOffsets.put(partition, commit(topic, partition, objectKey, location).baseOffset()));

        Map<Integer, Long> nextOffset = new TreeMap<>(baseOffsets);
        List<RecordOffset> offsets = new ArrayList<>(records.size());
        for (int partition : partitionOf) {
            offsets.add(new RecordOffset(partition, nextOffset.merge(partition, 1L, Long::sum) - 1));
        }
        return offsets;
    }

    private int[] assignPartitions(TopicConfig topic, List<ProduceRecord> records) {
        int[] partitionOf = new int[records.size()];
        int sticky = -1;
        for (int i = 0; i < records.size(); i++) {
            ProduceRecord record = records.get(i);
            if (record == null) {
                throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + i + " is null");
            }
            if (record.partition() != null) {
                Heads.checkPartition(topic, record.partition());
                partitionOf[i] = record.partition();
            } else if (record.key() != null) {
                partitionOf[i] = Partitioner.partitionForKey(record.key(), topic.partitions());
            } else {
                if (sticky < 0) {
                    sticky = partitioner.stickyPartition(topic.partitions());
                }
                partitionOf[i] = sticky;
            }
        }
        return partitionOf;
    }

    private static LogRecord toLogRecord(TopicConfig topic, int index, ProduceRecord record, long now) {
        if (record.value() == null) {
            throw new SluiceException(ErrorCode.INVALID_RECORD, "record " + index + " has no value");
        }
        if (record.timestamp() != null && record.timestamp() < 0) {
            throw new SluiceException(ErrorCode.INVALID_RECORD,
                    "record " + index + " has a negative timestamp " + record.timestamp());
        }
        LogRecord logRecord = new LogRecord(record.timestamp() == null ? now : record.timestamp(),
                record.key(), record.value(), record.headers());
        if (logRecord.sizeInBytes() > topic.maxRecordBytes()) {
            throw new SluiceException(ErrorCode.RECORD_TOO_LARGE, "record " + index + " is " + logRecord.sizeInBytes()
                    + " bytes; topic " + topic.name() + " allows " + topic.maxRecordBytes(),
                    Map.of("maxRecordBytes", topic.maxRecordBytes()));
        }
        return logRecord;
    }

    /** Writes the object under a fresh {@code wal/yyyy/mm/dd/hh/<ulid>.wal} key, never over another. */
    private String putWalObject(byte[] bytes, long now) {
        ZonedDateTime time = ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC);
        String prefix = String.format("wal/%04d/%02d/%02d/%02d/", time.getYear(), time.getMonthValue(),
                time.getDayOfMonth(), time.getHour());
        for (int attempt = 1; ; attempt++) {
            String key = prefix + Ulid.generate(now, ThreadLocalRandom.current()) + ".wal";
            try {
                objects.putIfAbsent(key, bytes);
                return key;
            } catch (ObjectAlreadyExistsException e) {
                if (attempt == MAX_KEY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Commits one partition's batch; answers the entry that now holds it. */
    private IndexEntry commit(TopicConfig topic, int partition, String objectKey, BatchLocation location) {
        for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
            PartitionHead head = heads.read(topic.name(), partition).head();
            if (head.lastNeedsIndexing()) {
                metadata.putIndexEntryIfAbsent(head.last());
            }
            IndexEntry entry = new IndexEntry(topic.name(), partition, head.topicId(), head.nextOffset(),
                    head.nextOffset() + location.recordCount() - 1, objectKey, location.position(), location.length(),
                    location.maxTimestamp(), 0);
            if (metadata.compareAndSetHead(head.version(), head.append(entry))) {
                return entry;
            }
            pause(attempt);
        }
        throw new SluiceException(ErrorCode.CONTENTION, "partition " + topic.name() + "/" + partition + " lost "
                + MAX_COMMIT_ATTEMPTS + " commit races in a row; nothing was committed there, retry later");
    }

    private void pause(int attempt) {
        try {
            backoff.pause(attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.CONTENTION, "interrupted while backing off", Map.of(), e);
        }
    }
}
