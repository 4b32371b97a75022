package io.sluice.meta;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * A {@link MetadataStore} on one DynamoDB table with a string partition key {@code pk} and sort key
 * {@code sk}. The items:
 *
 * <pre>
 * topic           pk=TOPICS           sk=T#&lt;topic&gt;
 * partition head  pk=P#&lt;topic&gt;#&lt;p&gt;    sk=HEAD
 * index entry     pk=P#&lt;topic&gt;#&lt;p&gt;    sk=I#&lt;baseOffset, 20 digits&gt;
 * lease           pk=P#&lt;topic&gt;#&lt;p&gt;    sk=LEASE   owner, expiresAt, epoch, topicId
 * </pre>
 *
 * Topics share one partition key so that listing them is one Query rather than a Scan of the whole
 * table (see docs/architecture.md). Every write is a single-item conditional write, every read is
 * strongly consistent.
 */
public final class DynamoMetadataStore implements MetadataStore {

    static final String PK = "pk";
    static final String SK = "sk";
    static final String TOPICS_PK = "TOPICS";
    static final String HEAD_SK = "HEAD";
    static final String INDEX_PREFIX = "I#";
    static final String GARBAGE_PK = "GC";
    static final String LEASE_SK = "LEASE";
    /** The head's producer states ({@link ProducerStates}). */
    static final String PRODUCERS = "producers";
    private static final int BATCH_GET_LIMIT = 100;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoMetadataStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    // ---- topics ----

    @Override
    public void createTopic(TopicConfig topic) {
        Map<String, AttributeValue> item = new HashMap<>(topicKey(topic.name()));
        item.put("name", s(topic.name()));
        item.put("topicId", s(topic.topicId()));
        item.put("partitions", n(topic.partitions()));
        item.put("retentionMs", n(topic.retentionMs()));
        item.put("retentionBytes", n(topic.retentionBytes()));
        item.put("maxRecordBytes", n(topic.maxRecordBytes()));
        item.put("created", n(topic.createdAt()));
        item.put("maxTimestampSkewMs", n(topic.maxTimestampSkewMs()));
        item.put("compression", s(topic.compression().configName()));
        try {
            // a tombstone of a deleted incarnation gives way only to a later incarnation
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR (#del = :true AND #tid < :tid)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#del", "deleted", "#tid", "topicId"))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true),
                            ":tid", s(topic.topicId()))));
        } catch (ConditionalCheckFailedException e) {
            if (getTopic(topic.name()).isPresent()) {
                throw new SluiceException(ErrorCode.TOPIC_EXISTS, "topic " + topic.name() + " already exists");
            }
            throw new SluiceException(ErrorCode.CONFLICT, "topic " + topic.name() + " was deleted as an incarnation"
                    + " that does not sort before " + topic.topicId() + "; retry");
        }
    }

    @Override
    public Optional<String> deletedTopicId(String name) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(topicKey(name)).consistentRead(true))
                .item();
        return item == null || !isTombstone(item) ? Optional.empty() : Optional.of(item.get("topicId").s());
    }

    private static boolean isTombstone(Map<String, AttributeValue> item) {
        AttributeValue deleted = item.get("deleted");
        return deleted != null && Boolean.TRUE.equals(deleted.bool());
    }

    @Override
    public Optional<TopicConfig> getTopic(String name) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(topicKey(name)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() || isTombstone(item) ? Optional.empty() : Optional.of(toTopic(item));
    }

    @Override
    public List<TopicConfig> listTopics() {
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", s(TOPICS_PK)))
                .build();
        return dynamo.queryPaginator(request).items().stream().filter(item -> !isTombstone(item))
                .map(DynamoMetadataStore::toTopic).toList();
    }

    @Override
    public boolean deleteTopic(String name, String topicId) {
        try {
            Map<String, AttributeValue> tombstone = new HashMap<>(topicKey(name));
            tombstone.put("name", s(name));
            tombstone.put("topicId", s(topicId));
            tombstone.put("deleted", AttributeValue.fromBool(true));
            dynamo.putItem(b -> b.tableName(table).item(tombstone)
                    .conditionExpression("#tid = :tid AND attribute_not_exists(#del)")
                    .expressionAttributeNames(Map.of("#tid", "topicId", "#del", "deleted"))
                    .expressionAttributeValues(Map.of(":tid", s(topicId))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ---- heads ----

    @Override
    public Optional<PartitionHead> getHead(String topic, int partition) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(key(partitionPk(topic, partition), HEAD_SK)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toHead(topic, partition, item));
    }

    @Override
    public List<PartitionHead> getHeads(String topic, int partitions) {
        List<PartitionHead> heads = new ArrayList<>();
        for (int from = 0; from < partitions; from += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int p = from; p < Math.min(partitions, from + BATCH_GET_LIMIT); p++) {
                keys.add(key(partitionPk(topic, p), HEAD_SK));
            }
            Map<String, KeysAndAttributes> pending =
                    Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            while (!pending.isEmpty()) {
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(request));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    String pk = item.get(PK).s();
                    int partition = Integer.parseInt(pk.substring(pk.lastIndexOf('#') + 1));
                    heads.add(toHead(topic, partition, item));
                }
                pending = response.unprocessedKeys();
            }
        }
        heads.sort(Comparator.comparingInt(PartitionHead::partition));
        return heads;
    }

    @Override
    public boolean compareAndSetHead(long expectedVersion, PartitionHead next) {
        next.requireSuccessorOf(expectedVersion);
        Map<String, String> names = new HashMap<>(Map.of(
                "#tid", "topicId", "#next", "nextOffset", "#lso", "logStartOffset",
                "#v", "version", "#last", "last"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":tid", s(next.topicId()), ":next", n(next.nextOffset()), ":lso", n(next.logStartOffset()),
                ":nv", n(next.version())));
        names.put("#prod", PRODUCERS);
        String update = "SET #tid = :tid, #next = :next, #lso = :lso, #v = :nv";
        List<String> removed = new ArrayList<>();
        if (next.producers().isEmpty()) {
            removed.add("#prod");
        } else {
            update += ", #prod = :prod";
            values.put(":prod", AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(ProducerStates.encode(next.producers()))));
        }
        if (next.last() == null) {
            removed.add("#last");
        } else {
            update += ", #last = :last";
            values.put(":last", AttributeValue.fromM(entryAttributes(next.last())));
        }
        if (!removed.isEmpty()) {
            update += " REMOVE " + String.join(", ", removed);
        }
        String condition;
        if (expectedVersion == 0) {
            condition = "attribute_not_exists(#pk)";
            names.put("#pk", PK);
        } else {
            // The version alone does not fence a writer of a deleted incarnation: a re-created topic's
            // head counts from 1 again. A ULID topicId sorts after every earlier incarnation's.
            condition = "#v = :v AND #tid <= :tid";
            values.put(":v", n(expectedVersion));
        }
        String updateExpression = update;
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(partitionPk(next.topic(), next.partition()), HEAD_SK))
                    .updateExpression(updateExpression).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ---- index ----

    @Override
    public boolean putIndexEntryIfAbsent(IndexEntry entry) {
        Map<String, AttributeValue> item = entryItem(entry);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #tid < :tid")
                    .expressionAttributeNames(Map.of("#pk", PK, "#tid", "topicId"))
                    .expressionAttributeValues(Map.of(":tid", s(entry.topicId()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** One consistent GetItem of the entry's key, for its topicId only (the read units are the same; the answer is smaller). */
    @Override
    public boolean isIndexed(IndexEntry entry) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(key(partitionPk(entry.topic(), entry.partition()), indexSk(entry.baseOffset())))
                .consistentRead(true).projectionExpression("#tid").expressionAttributeNames(Map.of("#tid", "topicId")))
                .item();
        return item != null && item.containsKey("topicId")
                && !Incarnations.isOlder(item.get("topicId").s(), entry.topicId());
    }

    @Override
    public Optional<IndexEntry> floorEntry(String topic, int partition, String topicId, long offset) {
        List<IndexEntry> found = queryIndex(topic, partition, topicId, INDEX_PREFIX, indexSk(offset), false, 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<IndexEntry> entriesFrom(String topic, int partition, String topicId, long fromOffset, int limit) {
        return queryIndex(topic, partition, topicId, indexSk(fromOffset), indexSk(Long.MAX_VALUE), true, limit);
    }

    /** Entries of one incarnation with sk in [from, to]; pages on past entries of other incarnations. */
    private List<IndexEntry> queryIndex(String topic, int partition, String topicId, String from, String to,
                                        boolean ascending, int limit) {
        List<IndexEntry> entries = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> exclusiveStart = startKey;
            QueryResponse response = dynamo.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                    .filterExpression("#tid = :tid")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#tid", "topicId"))
                    .expressionAttributeValues(Map.of(":pk", s(partitionPk(topic, partition)),
                            ":from", s(from), ":to", s(to), ":tid", s(topicId)))
                    .scanIndexForward(ascending)
                    .limit(limit - entries.size())
                    .exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> item : response.items()) {
                entries.add(toEntry(topic, partition, item));
            }
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (startKey != null && entries.size() < limit);
        return entries;
    }

    @Override
    public void fenceHead(String topic, int partition, String topicId) {
        String fence = Incarnations.fenceOf(topicId);
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(partitionPk(topic, partition), HEAD_SK))
                    .updateExpression("SET #tid = :f, #v = if_not_exists(#v, :zero) + :one, #next = :zero, "
                            + "#start = :zero REMOVE #last, #producers")
                    .conditionExpression("attribute_not_exists(#pk) OR #tid <= :f")
                    .expressionAttributeNames(Map.of("#pk", PK, "#tid", "topicId", "#v", "version",
                            "#next", "nextOffset", "#start", "logStartOffset", "#last", "last",
                            "#producers", "producers"))
                    .expressionAttributeValues(Map.of(":f", s(fence), ":zero", n(0), ":one", n(1))));
        } catch (ConditionalCheckFailedException e) {
            // a later incarnation's head: not ours to fence
        }
    }

    @Override
    public void deletePartition(String topic, int partition, String topicId) {
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .filterExpression("#tid = :tid")
                .projectionExpression("#pk, #sk")
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#tid", "topicId"))
                .expressionAttributeValues(Map.of(":pk", s(partitionPk(topic, partition)), ":tid", s(topicId)))
                .build();
        for (Map<String, AttributeValue> key : dynamo.queryPaginator(request).items()) {
            try {
                dynamo.deleteItem(b -> b.tableName(table).key(key).conditionExpression("#tid = :tid")
                        .expressionAttributeNames(Map.of("#tid", "topicId"))
                        .expressionAttributeValues(Map.of(":tid", s(topicId))));
            } catch (ConditionalCheckFailedException e) {
                // replaced by another incarnation since the query: not ours to delete
            }
        }
    }

    // ---- producers ----

    @Override
    public Optional<Long> producerIdForName(String name) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(key("PNAME#" + name, "META")).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(num(item, "producerId"));
    }

    @Override
    public long bindProducerName(String name, long producerId) {
        Map<String, AttributeValue> item = new HashMap<>(key("PNAME#" + name, "META"));
        item.put("producerId", n(producerId));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return producerId;
        } catch (ConditionalCheckFailedException e) {
            return producerIdForName(name).orElseThrow();
        }
    }

    @Override
    public Optional<ProducerName> producerName(String name) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(key("PNAME#" + name, "META")).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(new ProducerName(num(item, "producerId"), item.containsKey("owner") ? item.get("owner").s() : null));
    }

    @Override
    public ProducerName bindProducerName(String name, long producerId, String owner) {
        Map<String, AttributeValue> item = new HashMap<>(key("PNAME#" + name, "META"));
        item.put("producerId", n(producerId));
        if (owner != null) {
            item.put("owner", s(owner));
        }
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return new ProducerName(producerId, owner);
        } catch (ConditionalCheckFailedException e) {
            return producerName(name).orElseThrow();
        }
    }

    @Override
    public Optional<String> producerOwner(long producerId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(key(producerPk(producerId), "META")).consistentRead(true)).item();
        return item == null || !item.containsKey("owner") ? Optional.empty() : Optional.of(item.get("owner").s());
    }

    @Override
    public boolean createProducer(long producerId, String owner, long now) {
        Map<String, AttributeValue> item = new HashMap<>(key(producerPk(producerId), "META"));
        item.put("epoch", n(0));
        item.put("updated", n(now));
        item.put("owner", s(owner));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Long> producerEpoch(long producerId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(key(producerPk(producerId), "META")).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(num(item, "epoch"));
    }

    @Override
    public boolean compareAndSetProducerEpoch(long producerId, long expectedEpoch, long nextEpoch, long now) {
        Map<String, AttributeValue> item = new HashMap<>(key(producerPk(producerId), "META"));
        item.put("epoch", n(nextEpoch));
        item.put("updated", n(now));
        try {
            if (expectedEpoch < 0) {
                dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", PK)));
            } else {
                // An update, not a put: the item keeps its owner.
                dynamo.updateItem(b -> b.tableName(table).key(key(producerPk(producerId), "META"))
                        .updateExpression("SET #e = :next, #u = :now").conditionExpression("#e = :e")
                        .expressionAttributeNames(Map.of("#e", "epoch", "#u", "updated"))
                        .expressionAttributeValues(Map.of(":e", n(expectedEpoch), ":next", n(nextEpoch), ":now", n(now))));
            }
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static String producerPk(long producerId) {
        return "PID#" + producerId;
    }

    // ---- maintenance ----

    @Override
    public boolean replaceIndexEntry(IndexEntry expected, IndexEntry replacement) {
        if (expected.baseOffset() != replacement.baseOffset()) {
            throw new IllegalArgumentException("a replacement keeps the base offset");
        }
        Map<String, AttributeValue> item = new HashMap<>(entryAttributes(replacement));
        item.putAll(key(partitionPk(replacement.topic(), replacement.partition()), indexSk(replacement.baseOffset())));
        try {
            if (!replacement.topicId().equals(expected.topicId())) {
                return false;
            }
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("#ok = :ok AND #tid = :tid")
                    .expressionAttributeNames(Map.of("#ok", "objectKey", "#tid", "topicId"))
                    .expressionAttributeValues(Map.of(":ok", s(expected.objectKey()), ":tid", s(expected.topicId()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean deleteIndexEntry(IndexEntry expected) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(key(partitionPk(expected.topic(), expected.partition()), indexSk(expected.baseOffset())))
                    .conditionExpression("#ok = :ok AND #tid = :tid")
                    .expressionAttributeNames(Map.of("#ok", "objectKey", "#tid", "topicId"))
                    .expressionAttributeValues(Map.of(":ok", s(expected.objectKey()), ":tid", s(expected.topicId()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** One Scan of the table: a garbage collector's mark phase; its cost grows with the index, not the data. */
    @Override
    public List<ObjectReference> objectReferences() {
        List<ObjectReference> references = new ArrayList<>();
        software.amazon.awssdk.services.dynamodb.model.ScanRequest request =
                software.amazon.awssdk.services.dynamodb.model.ScanRequest.builder().tableName(table)
                        .consistentRead(true)
                        .filterExpression("begins_with(#pk, :p)")
                        .projectionExpression("#pk, #tid, #ok, #last.#ok")
                        .expressionAttributeNames(Map.of("#pk", PK, "#tid", "topicId", "#ok", "objectKey",
                                "#last", "last"))
                        .expressionAttributeValues(Map.of(":p", s("P#")))
                        .build();
        dynamo.scanPaginator(request).items().forEach(item -> {
            String pk = item.get(PK).s();
            int hash = pk.lastIndexOf('#');
            String topic = pk.substring(2, hash);
            int partition = Integer.parseInt(pk.substring(hash + 1));
            String topicId = item.containsKey("topicId") ? item.get("topicId").s() : "";
            if (item.containsKey("objectKey")) {
                references.add(new ObjectReference(topic, partition, topicId, item.get("objectKey").s()));
            }
            if (item.containsKey("last") && item.get("last").m().containsKey("objectKey")) {
                references.add(new ObjectReference(topic, partition, topicId,
                        item.get("last").m().get("objectKey").s()));
            }
        });
        return references;
    }

    @Override
    public Map<String, Long> garbageMarks() {
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", s(GARBAGE_PK)))
                .build();
        Map<String, Long> marks = new java.util.TreeMap<>();
        dynamo.queryPaginator(request).items().forEach(item -> marks.put(item.get(SK).s(), num(item, "since")));
        return marks;
    }

    @Override
    public void markGarbage(String objectKey, long since) {
        Map<String, AttributeValue> item = garbageItem(objectKey, since);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
        } catch (ConditionalCheckFailedException e) {
            // already marked: the first sighting counts
        }
    }

    @Override
    public void unmarkGarbage(String objectKey) {
        dynamo.deleteItem(b -> b.tableName(table).key(key(GARBAGE_PK, objectKey)));
    }

    // ---- maintenance leases ----

    @Override
    public Optional<MaintenanceLease> acquireLease(String topic, int partition, String topicId, String owner,
                                                   long now, long durationMs) {
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(b -> b.tableName(table)
                    .key(key(partitionPk(topic, partition), LEASE_SK))
                    .updateExpression("SET #o = :o, #x = :x, #tid = :tid ADD #e :one")
                    .conditionExpression("attribute_not_exists(#pk) OR #x <= :now")
                    .expressionAttributeNames(Map.of("#pk", PK, "#o", "owner", "#x", "expiresAt", "#tid", "topicId",
                            "#e", "epoch"))
                    .expressionAttributeValues(Map.of(":o", s(owner), ":x", n(now + durationMs), ":tid", s(topicId),
                            ":one", n(1), ":now", n(now)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return Optional.of(new MaintenanceLease(topic, partition, topicId, owner, num(item, "epoch"),
                    now + durationMs));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<MaintenanceLease> renewLease(MaintenanceLease lease, long newExpiry) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(partitionPk(lease.topic(), lease.partition()), LEASE_SK))
                    .updateExpression("SET #x = :x")
                    .conditionExpression("#o = :o AND #e = :e")
                    .expressionAttributeNames(Map.of("#o", "owner", "#x", "expiresAt", "#e", "epoch"))
                    .expressionAttributeValues(Map.of(":o", s(lease.owner()), ":x", n(newExpiry),
                            ":e", n(lease.epoch()))));
            return Optional.of(lease.renewedUntil(newExpiry));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    @Override
    public void releaseLease(MaintenanceLease lease) {
        renewLease(lease, 0);
    }

    // ---- item mapping ----

    static String partitionPk(String topic, int partition) {
        return "P#" + topic + "#" + partition;
    }

    static String indexSk(long baseOffset) {
        return INDEX_PREFIX + String.format("%020d", baseOffset);
    }

    private static Map<String, AttributeValue> topicKey(String name) {
        return key(TOPICS_PK, "T#" + name);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    private static TopicConfig toTopic(Map<String, AttributeValue> item) {
        return new TopicConfig(item.get("name").s(), item.get("topicId").s(), num(item, "partitions").intValue(),
                num(item, "retentionMs"), num(item, "retentionBytes"), num(item, "maxRecordBytes").intValue(),
                num(item, "created"), item.containsKey("maxTimestampSkewMs") ? num(item, "maxTimestampSkewMs")
                        : TopicConfig.DEFAULT_MAX_TIMESTAMP_SKEW_MS,
                item.containsKey("compression") ? TopicConfig.compression(item.get("compression").s())
                        : io.sluice.format.CompressionCodec.NONE);
    }

    private static PartitionHead toHead(String topic, int partition, Map<String, AttributeValue> item) {
        AttributeValue last = item.get("last");
        return new PartitionHead(topic, partition, item.get("topicId").s(), num(item, "nextOffset"),
                num(item, "logStartOffset"), num(item, "version"),
                last == null ? null : toEntry(topic, partition, last.m()), toProducers(item.get(PRODUCERS)));
    }

    /** Binary since format 1 ({@link ProducerStates}); a JSON string in heads written before it. */
    private static Map<Long, ProducerState> toProducers(AttributeValue producers) {
        if (producers == null) {
            return Map.of();
        }
        if (producers.b() != null) {
            return ProducerStates.decode(producers.b().asByteArrayUnsafe());
        }
        if (producers.s() != null) {
            return ProducerStates.fromJson(producers.s());
        }
        throw new IllegalStateException("producer states of unexpected type " + producers.type());
    }

    /** A head's item as {@link #compareAndSetHead} leaves it: the in-memory store checks its size. */
    static Map<String, AttributeValue> headItem(PartitionHead head) {
        Map<String, AttributeValue> item = new HashMap<>(key(partitionPk(head.topic(), head.partition()), HEAD_SK));
        item.put("topicId", s(head.topicId()));
        item.put("nextOffset", n(head.nextOffset()));
        item.put("logStartOffset", n(head.logStartOffset()));
        item.put("version", n(head.version()));
        if (!head.producers().isEmpty()) {
            byte[] producers = ProducerStates.encode(head.producers());
            item.put(PRODUCERS, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(producers)));
        }
        if (head.last() != null) {
            item.put("last", AttributeValue.fromM(entryAttributes(head.last())));
        }
        return item;
    }

    /** An index entry's item as {@link #putIndexEntryIfAbsent} writes it. */
    static Map<String, AttributeValue> entryItem(IndexEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>(entryAttributes(entry));
        item.putAll(key(partitionPk(entry.topic(), entry.partition()), indexSk(entry.baseOffset())));
        return item;
    }

    /** A garbage mark's item as {@link #markGarbage} writes it. */
    static Map<String, AttributeValue> garbageItem(String objectKey, long since) {
        Map<String, AttributeValue> item = new HashMap<>(key(GARBAGE_PK, objectKey));
        item.put("since", n(since));
        return item;
    }

    /** An entry's attributes; {@code indexLength} only when the segment has an offset index, so other items stay as they were. */
    private static Map<String, AttributeValue> entryAttributes(IndexEntry e) {
        Map<String, AttributeValue> attributes = new HashMap<>(Map.of(
                "topicId", s(e.topicId()),
                "baseOffset", n(e.baseOffset()),
                "lastOffset", n(e.lastOffset()),
                "objectKey", s(e.objectKey()),
                "byteStart", n(e.byteStart()),
                "byteLength", n(e.byteLength()),
                "maxTimestamp", n(e.maxTimestamp()),
                "level", n(e.level())));
        if (e.hasOffsetIndex()) {
            attributes.put("indexLength", n(e.indexLength()));
        }
        return Map.copyOf(attributes);
    }

    private static IndexEntry toEntry(String topic, int partition, Map<String, AttributeValue> m) {
        return new IndexEntry(topic, partition, m.get("topicId").s(), num(m, "baseOffset"), num(m, "lastOffset"),
                m.get("objectKey").s(), num(m, "byteStart"), num(m, "byteLength").intValue(), num(m, "maxTimestamp"),
                num(m, "level").intValue(), m.containsKey("indexLength") ? num(m, "indexLength").intValue() : 0);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Long num(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || value.n() == null) {
            throw new IllegalStateException("metadata item lacks numeric attribute " + name + ": " + item.keySet());
        }
        return Long.parseLong(value.n());
    }
}
