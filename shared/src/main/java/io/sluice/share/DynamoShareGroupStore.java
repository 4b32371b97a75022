package io.sluice.share;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** A {@link ShareGroupStore} in the log's DynamoDB table; the item layout is in {@link ShareItem}. */
public final class DynamoShareGroupStore implements ShareGroupStore {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoShareGroupStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<ShareGroupConfig> getConfig(String group) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(ShareItem.key(group, ShareItem.CONFIG)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ShareItem.decodeConfig(item));
    }

    @Override
    public boolean putConfig(long expectedVersion, ShareGroupConfig next) {
        ShareItem.requireNextVersion(expectedVersion, next.version());
        Map<String, AttributeValue> item = ShareItem.encode(next);
        return expectedVersion == 0
                ? put(item, "attribute_not_exists(#pk)", Map.of("#pk", "pk"), Map.of())
                : put(item, "#v = :v", Map.of("#v", "version"), Map.of(":v", n(expectedVersion)));
    }

    @Override
    public boolean deleteConfig(String group, long expectedVersion) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(ShareItem.key(group, ShareItem.CONFIG))
                    .conditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":v", n(expectedVersion))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** One Scan of the table: for operators, not for hot paths. */
    @Override
    public List<String> listGroups() {
        ScanRequest request = ScanRequest.builder().tableName(table).consistentRead(true)
                .filterExpression("begins_with(#pk, :g) AND #sk = :c")
                .projectionExpression("#pk")
                .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                .expressionAttributeValues(Map.of(":g", AttributeValue.fromS(ShareItem.pk("")),
                        ":c", AttributeValue.fromS(ShareItem.CONFIG)))
                .build();
        TreeSet<String> names = new TreeSet<>();
        int prefix = ShareItem.pk("").length();
        dynamo.scanPaginator(request).items().forEach(item -> names.add(item.get("pk").s().substring(prefix)));
        return List.copyOf(names);
    }

    @Override
    public Optional<SharePartition> getPartition(String group, String groupId, String topic, int partition) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(ShareItem.key(group, ShareItem.sk(topic, partition))).consistentRead(true)).item();
        if (item == null || item.isEmpty() || !ShareItem.groupIdOf(item).equals(groupId)) {
            return Optional.empty();
        }
        return Optional.of(ShareItem.decode(group, item));
    }

    @Override
    public boolean compareAndSet(String groupId, long expectedVersion, SharePartition next) {
        ShareItem.requireNextVersion(expectedVersion, next.version());
        Map<String, AttributeValue> item = ShareItem.requireWithinBound(next, ShareItem.encode(groupId, next));
        return expectedVersion == 0
                // Absent, or left by an earlier incarnation of the group.
                ? put(item, "attribute_not_exists(#pk) OR #gid <> :gid", Map.of("#pk", "pk", "#gid", "groupId"),
                        Map.of(":gid", AttributeValue.fromS(groupId)))
                : put(item, "#v = :v AND #gid = :gid", Map.of("#v", "version", "#gid", "groupId"),
                        Map.of(":v", n(expectedVersion), ":gid", AttributeValue.fromS(groupId)));
    }

    @Override
    public List<SharePartition> partitions(String group, String groupId) {
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ShareItem.pk(group)),
                        ":prefix", AttributeValue.fromS(ShareItem.PARTITION_PREFIX)))
                .build();
        List<SharePartition> result = new ArrayList<>();
        dynamo.queryPaginator(request).items().forEach(item -> {
            if (ShareItem.groupIdOf(item).equals(groupId)) {
                result.add(ShareItem.decode(group, item));
            }
        });
        return result;
    }

    @Override
    public void deletePartition(String group, String topic, int partition) {
        dynamo.deleteItem(b -> b.tableName(table).key(ShareItem.key(group, ShareItem.sk(topic, partition))));
    }

    private boolean put(Map<String, AttributeValue> item, String condition, Map<String, String> names,
                        Map<String, AttributeValue> values) {
        try {
            dynamo.putItem(b -> {
                b.tableName(table).item(item).conditionExpression(condition).expressionAttributeNames(new HashMap<>(names));
                if (!values.isEmpty()) {
                    b.expressionAttributeValues(values);
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
