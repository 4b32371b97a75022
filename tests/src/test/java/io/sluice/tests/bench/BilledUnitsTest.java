package io.sluice.tests.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The benchmark's cost model counts DynamoDB units by item size, from the emulator's own answers: a
 * 2.5 KB put is 3 write units, reading it 1 read unit, a Query of three such items 2 (7.5 KB in 4 KB steps),
 * a losing conditional write the units of the item it lost to; S3 requests by price class.
 */
@ExtendWith(EmbeddedBackends.class)
class BilledUnitsTest {

    private static Map<String, AttributeValue> item(String sk, int padding) {
        return Map.of("pk", AttributeValue.fromS("units"), "sk", AttributeValue.fromS(sk),
                "pad", AttributeValue.fromS("x".repeat(padding)));
    }

    @Test
    void unitsFollowItemSizesAndEveryRequestIsCounted(Backends backends) {
        BilledUnits units = new BilledUnits();
        Backends.Stack stack = backends.fresh(units);
        DynamoDbClient dynamo = stack.dynamo();
        String table = stack.table();
        units.reset();

        for (String sk : new String[] {"a", "b", "c"}) {
            dynamo.putItem(b -> b.tableName(table).item(item(sk, 2_500)));
        }
        assertThat(units.snapshot().writeUnits()).isEqualTo(9);
        dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("units"),
                "sk", AttributeValue.fromS("a"))).consistentRead(true));
        assertThat(units.snapshot().readUnits()).isEqualTo(1);
        dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk").consistentRead(true)
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("units"))));
        assertThat(units.snapshot().readUnits()).isEqualTo(1 + 2);

        assertThatThrownBy(() -> dynamo.putItem(b -> b.tableName(table).item(item("a", 10))
                .conditionExpression("attribute_not_exists(pk)"))).isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(units.snapshot().failedWriteUnits()).isEqualTo(3);
        assertThat(units.snapshot().allWriteUnits()).isEqualTo(12);

        stack.s3().putObject(b -> b.bucket(stack.bucket()).key("k"), RequestBody.fromString("v"));
        stack.s3().getObject(b -> b.bucket(stack.bucket()).key("k"), (r, in) -> in.readAllBytes());
        stack.s3().getObject(b -> b.bucket(stack.bucket()).key("k").range("bytes=0-0"), (r, in) -> in.readAllBytes());
        stack.s3().deleteObject(b -> b.bucket(stack.bucket()).key("k"));
        assertThat(units.snapshot().s3Puts()).isEqualTo(1);
        assertThat(units.snapshot().s3Gets()).isEqualTo(2);
    }
}
