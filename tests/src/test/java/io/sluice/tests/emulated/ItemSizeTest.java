package io.sluice.tests.emulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.sluice.meta.DynamoItemSize;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * dynalite enforces DynamoDB's 400 KB item limit, and {@link DynamoItemSize} counts items exactly as it
 * does: for items of every attribute type, padded to exactly 409,600 bytes by DynamoItemSize, the put is
 * accepted, and one byte more is refused.
 */
@ExtendWith(EmbeddedBackends.class)
class ItemSizeTest {

    private static AttributeValue n(String number) {
        return AttributeValue.fromN(number);
    }

    private static AttributeValue s(String text) {
        return AttributeValue.fromS(text);
    }

    @Test
    void anItemOfExactlyTheLimitIsStoredAndOneByteMoreIsRefused(Backends backends) {
        Backends.Stack stack = backends.fresh();
        List<Map<String, AttributeValue>> shapes = List.of(
                Map.of(),
                Map.of("a", n("120"), "b", n("12"), "c", n("1200"), "d", n("-5.5"), "e", n("0"),
                        "f", n("1700000000000"), "g", n("0.001"), "h", n("123456789.123")),
                Map.of("state", s("{\"members\":{\"m\":[\"e\"]}}"), "bin", AttributeValue.fromB(
                        SdkBytes.fromByteArray(new byte[] {1, 2, 3, 0, -1}))),
                Map.of("last", AttributeValue.fromM(Map.of("objectKey", s("wal/x.wal"), "level", n("0"),
                        "list", AttributeValue.fromL(List.of(s("y"), n("77"), AttributeValue.fromBool(true),
                                AttributeValue.fromNul(true)))))),
                Map.of("ss", AttributeValue.fromSs(List.of("a", "bcd")), "ns", AttributeValue.fromNs(List.of("1", "250")),
                        "bs", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[7])))));
        int i = 0;
        for (Map<String, AttributeValue> shape : shapes) {
            String pk = "size-" + i++;
            Map<String, AttributeValue> exact = padded(pk, shape, DynamoItemSize.MAX_ITEM_BYTES);
            Map<String, AttributeValue> over = padded(pk, shape, DynamoItemSize.MAX_ITEM_BYTES + 1);
            assertThat(DynamoItemSize.of(exact)).isEqualTo(409_600);
            put(stack.dynamo(), stack.table(), exact);
            assertThatExceptionOfType(DynamoDbException.class).as("one byte over, with %s", shape.keySet())
                    .isThrownBy(() -> put(stack.dynamo(), stack.table(), over))
                    .withMessageContaining("Item size has exceeded the maximum allowed size");
        }
    }

    /**
     * A quirk the local stack must not inherit: dynalite counts a string in UTF-16 code units, where DynamoDB
     * counts UTF-8 bytes, so it accepts an item of non-ASCII text that DynamoDB refuses. Sluice's own bounds
     * ({@link io.sluice.group.GroupItem#MAX_BYTES}) are checked with {@link DynamoItemSize}, in UTF-8 bytes.
     */
    @Test
    void dynaliteCountsStringsInUtf16UnitsSoSluiceChecksItsOwnBounds(Backends backends) {
        Backends.Stack stack = backends.fresh();
        Map<String, AttributeValue> overInUtf8 = padded("utf8", Map.of("name", s("é".repeat(100))),
                DynamoItemSize.MAX_ITEM_BYTES + 1);
        assertThat(DynamoItemSize.of(overInUtf8)).isGreaterThan(DynamoItemSize.MAX_ITEM_BYTES);
        put(stack.dynamo(), stack.table(), overInUtf8);
        assertThat(stack.dynamo().getItem(b -> b.tableName(stack.table()).key(Map.of("pk", s("utf8"), "sk", s("x"))))
                .item()).as("dynalite stored what DynamoDB would refuse").isNotEmpty();
    }

    private static Map<String, AttributeValue> padded(String pk, Map<String, AttributeValue> shape, int bytes) {
        Map<String, AttributeValue> item = new HashMap<>(shape);
        item.put("pk", s(pk));
        item.put("sk", s("x"));
        item.put("pad", s("p"));
        int missing = bytes - DynamoItemSize.of(item);
        item.put("pad", s("p".repeat(1 + missing)));
        return item;
    }

    private static void put(DynamoDbClient dynamo, String table, Map<String, AttributeValue> item) {
        dynamo.putItem(b -> b.tableName(table).item(item));
    }
}
