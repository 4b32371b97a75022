package io.sluice.acl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The ACLs in the log's one DynamoDB table:
 * <pre>
 * acl   pk=ACL   sk=&lt;resourceType&gt;#&lt;patternType&gt;#&lt;name&gt;#&lt;operation&gt;#&lt;permission&gt;#&lt;principal&gt;
 *       principal, resourceType, resourceName, patternType, operation, permission
 * </pre>
 * Each add and remove is one conditional single-item write; reading them all is one Query on the one
 * partition key (strongly consistent, paged at DynamoDB's 1 MB), which the functions do at most once per
 * cache period.
 */
public final class DynamoAclStore implements AclStore {

    /** The partition key of every ACL item. */
    public static final String PK_VALUE = "ACL";
    private static final String PK = "pk";
    private static final String SK = "sk";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAclStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public List<AclBinding> all() {
        List<AclBinding> bindings = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK_VALUE)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                bindings.add(fromItem(item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return bindings;
    }

    @Override
    public boolean add(AclBinding binding) {
        Map<String, AttributeValue> item = new HashMap<>(key(binding));
        item.put("principal", AttributeValue.fromS(binding.principal()));
        item.put("resourceType", AttributeValue.fromS(binding.resourceType().wire()));
        item.put("resourceName", AttributeValue.fromS(binding.resourceName()));
        item.put("patternType", AttributeValue.fromS(binding.patternType().wire()));
        item.put("operation", AttributeValue.fromS(binding.operation().wire()));
        item.put("permission", AttributeValue.fromS(binding.permission().wire()));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean remove(AclBinding binding) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(key(binding)).conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> key(AclBinding binding) {
        return Map.of(PK, AttributeValue.fromS(PK_VALUE), SK, AttributeValue.fromS(binding.sortKey()));
    }

    private static AclBinding fromItem(Map<String, AttributeValue> item) {
        return new AclBinding(item.get("principal").s(), ResourceType.fromWire(item.get("resourceType").s()),
                item.get("resourceName").s(), PatternType.fromWire(item.get("patternType").s()),
                Operation.fromWire(item.get("operation").s()), Permission.fromWire(item.get("permission").s()));
    }
}
