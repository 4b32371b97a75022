package io.sluice.subscription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** A {@link SubscriptionStore} in the log's DynamoDB table; the layout is in {@link SubscriptionItems}. */
public final class DynamoSubscriptionStore implements SubscriptionStore {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSubscriptionStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<Subscription> get(String name) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(SubscriptionItems.key(SubscriptionItems.pk(name), SubscriptionItems.CONFIG))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(SubscriptionItems.decodeConfig(item));
    }

    @Override
    public boolean put(long expectedVersion, Subscription next) {
        SubscriptionItems.requireNextVersion(expectedVersion, next.version());
        return putVersioned(SubscriptionItems.encode(next), expectedVersion);
    }

    @Override
    public boolean delete(String name, long expectedVersion) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(SubscriptionItems.key(SubscriptionItems.pk(name), SubscriptionItems.CONFIG))
                    .conditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(expectedVersion)))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public List<Subscription> list() {
        ScanRequest request = ScanRequest.builder().tableName(table).consistentRead(true)
                .filterExpression("begins_with(#pk, :p) AND #sk = :c")
                .expressionAttributeNames(Map.of("#pk", "pk", "#sk", "sk"))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(SubscriptionItems.pk("")),
                        ":c", AttributeValue.fromS(SubscriptionItems.CONFIG)))
                .build();
        TreeMap<String, Subscription> found = new TreeMap<>();
        dynamo.scanPaginator(request).items().forEach(item -> {
            Subscription s = SubscriptionItems.decodeConfig(item);
            found.put(s.name(), s);
        });
        return List.copyOf(found.values());
    }

    @Override
    public void index(String topic, String name, int parallelizationFactor) {
        Map<String, AttributeValue> item = new HashMap<>(SubscriptionItems.key(SubscriptionItems.topicPk(topic), name));
        item.put("factor", AttributeValue.fromN(Integer.toString(parallelizationFactor)));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public void unindex(String topic, String name) {
        dynamo.deleteItem(b -> b.tableName(table).key(SubscriptionItems.key(SubscriptionItems.topicPk(topic), name)));
    }

    @Override
    public Map<String, Integer> byTopic(String topic) {
        Map<String, Integer> names = new TreeMap<>();
        query(SubscriptionItems.topicPk(topic), null).forEach(item ->
                names.put(item.get("sk").s(), Integer.parseInt(item.get("factor").n())));
        return names;
    }

    @Override
    public Optional<Lane> lane(Dispatch d) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(SubscriptionItems.key(SubscriptionItems.pk(d.subscription()), d.key()))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(SubscriptionItems.decodeLane(item));
    }

    @Override
    public boolean putLane(long expectedVersion, Lane next) {
        SubscriptionItems.requireNextVersion(expectedVersion, next.version());
        return putVersioned(SubscriptionItems.encode(next), expectedVersion);
    }

    @Override
    public List<Lane> lanes(String name) {
        List<Lane> result = new ArrayList<>();
        query(SubscriptionItems.pk(name), SubscriptionItems.LANE_PREFIX)
                .forEach(item -> result.add(SubscriptionItems.decodeLane(item)));
        return result;
    }

    @Override
    public void deleteLane(Dispatch d) {
        dynamo.deleteItem(b -> b.tableName(table).key(SubscriptionItems.key(SubscriptionItems.pk(d.subscription()),
                d.key())));
    }

    @Override
    public void mark(Dispatch d, String token) {
        Map<String, AttributeValue> item = new HashMap<>(SubscriptionItems.key(SubscriptionItems.SWEEP_PK,
                SubscriptionItems.markSk(d)));
        item.put("token", AttributeValue.fromS(token));
        dynamo.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public boolean unmark(Dispatch d, String token) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(SubscriptionItems.key(SubscriptionItems.SWEEP_PK, SubscriptionItems.markSk(d)))
                    .conditionExpression("#t = :t").expressionAttributeNames(Map.of("#t", "token"))
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromS(token))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public List<Marker> marked() {
        List<Marker> result = new ArrayList<>();
        query(SubscriptionItems.SWEEP_PK, null).forEach(item ->
                result.add(new Marker(SubscriptionItems.parseMark(item.get("sk").s()), item.get("token").s())));
        return result;
    }

    private Iterable<Map<String, AttributeValue>> query(String pk, String prefix) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", AttributeValue.fromS(pk));
        Map<String, String> names = new HashMap<>();
        names.put("#pk", "pk");
        String condition = "#pk = :pk";
        if (prefix != null) {
            condition += " AND begins_with(#sk, :prefix)";
            names.put("#sk", "sk");
            values.put(":prefix", AttributeValue.fromS(prefix));
        }
        return dynamo.queryPaginator(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).items();
    }

    private boolean putVersioned(Map<String, AttributeValue> item, long expectedVersion) {
        try {
            if (expectedVersion == 0) {
                dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", "pk")));
            } else {
                dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("#v = :v")
                        .expressionAttributeNames(Map.of("#v", "version"))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(expectedVersion)))));
            }
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
