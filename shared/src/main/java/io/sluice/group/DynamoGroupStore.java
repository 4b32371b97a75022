package io.sluice.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * A {@link GroupStore} in the log's DynamoDB table:
 *
 * <pre>
 * group       pk=G#&lt;group&gt;  sk=META                          version, groupEpoch, state (members and target, JSON; {@link GroupItem})
 * checkpoint  pk=G#&lt;group&gt;  sk=O#&lt;topic&gt;#&lt;partition, 10 digits&gt;  topicId, committed, ownerEpoch, memberId, metadata, commitTime
 * index entry pk=GROUPS      sk=G#&lt;group&gt;                      group, writtenAt, confirmed (when a reader saw the group item)
 * </pre>
 *
 * <p>The group index lives under one partition key: groups are created rarely (a write each, far below
 * a partition key's 1,000 writes a second), and one Query reads them all in name order, about 60 bytes
 * an entry, so some 17,000 groups a 1 MB page.
 */
public final class DynamoGroupStore implements GroupStore {

    private static final String CHECKPOINT_PREFIX = "O#";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoGroupStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The client and table, for the stores that share this table (share groups, issue 18). */
    public DynamoDbClient client() {
        return dynamo;
    }

    public String table() {
        return table;
    }

    @Override
    public Optional<GroupState> getGroup(String group) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(group, GroupItem.META))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(GroupItem.decode(group, item));
    }

    /** @throws io.sluice.error.SluiceException GROUP_TOO_LARGE over {@link GroupItem#MAX_BYTES}; nothing is written */
    @Override
    public boolean compareAndSetGroup(long expectedVersion, GroupState next) {
        next.requireSuccessorOf(expectedVersion);
        Map<String, AttributeValue> item = GroupItem.requireWithinBound(next, GroupItem.encode(next));
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        String condition;
        if (expectedVersion == 0) {
            condition = "attribute_not_exists(#pk)";
            names.put("#pk", "pk");
        } else {
            condition = "#v = :v";
            names.put("#v", "version");
            values.put(":v", n(expectedVersion));
        }
        try {
            dynamo.putItem(b -> {
                b.tableName(table).item(item).conditionExpression(condition).expressionAttributeNames(names);
                if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public CommitOutcome commit(Checkpoint checkpoint) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(item(checkpoint))
                    // A checkpoint of an older incarnation gives way; one of a newer incarnation never does.
                    .conditionExpression("attribute_not_exists(#pk) OR #tid < :tid"
                            + " OR (#tid = :tid AND (#oe < :oe OR (#oe = :oe AND #c <= :c)))")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#tid", "topicId", "#oe", "ownerEpoch",
                            "#c", "committed"))
                    .expressionAttributeValues(Map.of(":tid", AttributeValue.fromS(checkpoint.topicId()),
                            ":oe", n(checkpoint.ownerEpoch()), ":c", n(checkpoint.committed()))));
            return CommitOutcome.COMMITTED;
        } catch (ConditionalCheckFailedException e) {
            // dynalite has no ReturnValuesOnConditionCheckFailure: read the winner to say why.
            Map<String, AttributeValue> current = dynamo.getItem(b -> b.tableName(table)
                    .key(key(checkpoint.group(), sk(checkpoint.topic(), checkpoint.partition()))).consistentRead(true))
                    .item();
            CommitOutcome why = CommitOutcome.of(toCheckpoint(checkpoint.group(), current), checkpoint);
            return why == CommitOutcome.COMMITTED ? CommitOutcome.FENCED : why;
        }
    }

    @Override
    public CommitOutcome rewind(Checkpoint checkpoint) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(item(checkpoint))
                    // As commit, without the offset: the same owner may move its own checkpoint backwards.
                    .conditionExpression("attribute_not_exists(#pk) OR #tid < :tid OR (#tid = :tid AND #oe <= :oe)")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#tid", "topicId", "#oe", "ownerEpoch"))
                    .expressionAttributeValues(Map.of(":tid", AttributeValue.fromS(checkpoint.topicId()),
                            ":oe", n(checkpoint.ownerEpoch()))));
            return CommitOutcome.COMMITTED;
        } catch (ConditionalCheckFailedException e) {
            return CommitOutcome.FENCED;
        }
    }

    @Override
    public void overwrite(Checkpoint checkpoint) {
        dynamo.putItem(b -> b.tableName(table).item(item(checkpoint)));
    }

    @Override
    public void indexGroup(String group, long now) {
        Map<String, AttributeValue> item = new HashMap<>(indexKey(group));
        item.put("group", AttributeValue.fromS(group));
        item.put("writtenAt", n(now));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    // Never move the stamp backwards: a later stamp is another creator's, as good as ours.
                    .conditionExpression("attribute_not_exists(#pk) OR #w < :w")
                    .expressionAttributeNames(Map.of("#pk", "pk", "#w", "writtenAt"))
                    .expressionAttributeValues(Map.of(":w", n(now))));
        } catch (ConditionalCheckFailedException laterStamp) {
            // the entry is there, written at or after now: it keeps the group listed
        }
    }

    /** One Query of the index's one partition key, eventually consistent (half the read units), page by page. */
    @Override
    public List<GroupIndexEntry> groupIndex() {
        QueryRequest request = QueryRequest.builder().tableName(table)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", "pk"))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(GroupItem.INDEX_PK)))
                .build();
        List<GroupIndexEntry> entries = new ArrayList<>();
        dynamo.queryPaginator(request).items().forEach(item -> entries.add(new GroupIndexEntry(item.get("group").s(),
                num(item, "writtenAt"), item.containsKey("confirmed") && Boolean.TRUE.equals(item.get("confirmed").bool()))));
        return entries;
    }

    @Override
    public boolean confirmIndexEntry(String group, long writtenAt) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(indexKey(group))
                    .updateExpression("SET #c = :t")
                    .conditionExpression("#w = :w")
                    .expressionAttributeNames(Map.of("#c", "confirmed", "#w", "writtenAt"))
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":w", n(writtenAt))));
            return true;
        } catch (ConditionalCheckFailedException rewritten) {
            return false;
        }
    }

    @Override
    public boolean dropIndexEntry(String group, long writtenAt) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(indexKey(group))
                    .conditionExpression("#w = :w AND attribute_not_exists(#c)")
                    .expressionAttributeNames(Map.of("#c", "confirmed", "#w", "writtenAt"))
                    .expressionAttributeValues(Map.of(":w", n(writtenAt))));
            return true;
        } catch (ConditionalCheckFailedException rewritten) {
            return false;
        }
    }

    private static Map<String, AttributeValue> indexKey(String group) {
        return Map.of("pk", AttributeValue.fromS(GroupItem.INDEX_PK), "sk", AttributeValue.fromS(pk(group)));
    }

    @Override
    public List<Checkpoint> checkpoints(String group) {
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk(group)),
                        ":prefix", AttributeValue.fromS(CHECKPOINT_PREFIX)))
                .build();
        List<Checkpoint> result = new ArrayList<>();
        dynamo.queryPaginator(request).items().forEach(item -> result.add(toCheckpoint(group, item)));
        result.sort(Comparator.comparing(Checkpoint::topicPartition));
        return result;
    }

    /** A checkpoint's item as {@link #commit} writes it: the in-memory store checks its size. */
    static Map<String, AttributeValue> item(Checkpoint c) {
        Map<String, AttributeValue> item = new HashMap<>(key(c.group(), sk(c.topic(), c.partition())));
        item.put("topic", AttributeValue.fromS(c.topic()));
        item.put("partition", n(c.partition()));
        item.put("topicId", AttributeValue.fromS(c.topicId()));
        item.put("committed", n(c.committed()));
        item.put("ownerEpoch", n(c.ownerEpoch()));
        item.put("commitTime", n(c.commitTime()));
        if (c.memberId() != null) {
            item.put("memberId", AttributeValue.fromS(c.memberId()));
        }
        if (c.metadata() != null) {
            item.put("metadata", AttributeValue.fromS(c.metadata()));
        }
        return item;
    }

    private static Checkpoint toCheckpoint(String group, Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return null;
        }
        return new Checkpoint(group, item.get("topic").s(), (int) num(item, "partition"), item.get("topicId").s(),
                num(item, "committed"), num(item, "ownerEpoch"),
                item.containsKey("memberId") ? item.get("memberId").s() : null,
                item.containsKey("metadata") ? item.get("metadata").s() : null, num(item, "commitTime"));
    }

    private static String pk(String group) {
        return GroupItem.pk(group);
    }

    private static String sk(String topic, int partition) {
        return CHECKPOINT_PREFIX + topic + "#" + String.format("%010d", partition);
    }

    private static Map<String, AttributeValue> key(String group, String sk) {
        return GroupItem.key(group, sk);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }
}
