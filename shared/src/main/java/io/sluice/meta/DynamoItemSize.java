package io.sluice.meta;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The size of a DynamoDB item as DynamoDB counts it against the 400 KB item limit and for read and write
 * units ("Item sizes and formats" in the DynamoDB developer guide):
 *
 * <ul>
 *   <li>each attribute costs the UTF-8 length of its name plus the size of its value;</li>
 *   <li>a string is its UTF-8 length, a binary its length;</li>
 *   <li>a number is 1 byte plus about 1 byte per two significant digits (see numberSize below);</li>
 *   <li>a boolean or null is 1 byte;</li>
 *   <li>a map or list is 3 bytes plus, per element, 1 byte and the element's size (a map element's name
 *       counts too); a set is the sum of its elements.</li>
 * </ul>
 *
 * Read units are counted in 4 KB steps (one strongly consistent read), write units in 1 KB steps.
 */
public final class DynamoItemSize {

    /** DynamoDB's item size limit: 400 KB, counted in binary kilobytes. */
    public static final int MAX_ITEM_BYTES = 400 * 1024;
    /** A Query or Scan page stops once it has read this many bytes, and answers a LastEvaluatedKey. */
    public static final int MAX_PAGE_BYTES = 1024 * 1024;
    /** What DynamoDB (and dynalite) answer to a write of an item over {@link #MAX_ITEM_BYTES}. */
    public static final String ITEM_TOO_LARGE_MESSAGE = "Item size has exceeded the maximum allowed size";
    /** What they answer to an update that would leave an item over {@link #MAX_ITEM_BYTES}. */
    public static final String UPDATE_TOO_LARGE_MESSAGE = "Item size to update has exceeded the maximum allowed size";
    /** One read unit covers a strongly consistent read of up to this many bytes. */
    public static final int READ_UNIT_BYTES = 4 * 1024;
    /** One write unit covers a write of up to this many bytes. */
    public static final int WRITE_UNIT_BYTES = 1024;

    private static final int CONTAINER_OVERHEAD = 3;
    private static final int ELEMENT_OVERHEAD = 1;

    private DynamoItemSize() {
    }

    /** The size of an item: its attribute names and values. */
    public static int of(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += utf8(attribute.getKey()) + valueSize(attribute.getValue());
        }
        return Math.toIntExact(size);
    }

    /**
     * {@code item}, if DynamoDB would store it with a PutItem. The in-memory stores call this before every
     * put, as DynamoDB validates the item before its condition, so that they refuse what DynamoDB refuses
     * with the exception the SDK raises for it: a 400 ValidationException saying
     * {@value #ITEM_TOO_LARGE_MESSAGE}.
     *
     * @throws DynamoDbException if the item is over {@link #MAX_ITEM_BYTES}; nothing is written
     */
    public static Map<String, AttributeValue> requireWithinItemLimit(Map<String, AttributeValue> item) {
        return requireWithin(item, ITEM_TOO_LARGE_MESSAGE);
    }

    /**
     * {@code item}, the whole item an UpdateItem would leave, if DynamoDB would store it. An update's
     * condition is checked first, then the size of the item it would leave, with
     * {@value #UPDATE_TOO_LARGE_MESSAGE}.
     *
     * @throws DynamoDbException if the item is over {@link #MAX_ITEM_BYTES}; nothing is written
     */
    public static Map<String, AttributeValue> requireUpdateWithinItemLimit(Map<String, AttributeValue> item) {
        return requireWithin(item, UPDATE_TOO_LARGE_MESSAGE);
    }

    private static Map<String, AttributeValue> requireWithin(Map<String, AttributeValue> item, String message) {
        int bytes = of(item);
        if (bytes > MAX_ITEM_BYTES) {
            throw (DynamoDbException) DynamoDbException.builder().statusCode(400)
                    .message(message + " (" + bytes + " bytes, limit " + MAX_ITEM_BYTES + ")")
                    .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb")
                            .errorCode("ValidationException").errorMessage(message).build())
                    .build();
        }
        return item;
    }

    /** Read units for a strongly consistent read of an item of {@code bytes}. */
    public static int readUnits(int bytes) {
        return Math.max(1, ceilDiv(bytes, READ_UNIT_BYTES));
    }

    /** Write units for a write of an item of {@code bytes}. */
    public static int writeUnits(int bytes) {
        return Math.max(1, ceilDiv(bytes, WRITE_UNIT_BYTES));
    }

    private static int ceilDiv(int bytes, int unit) {
        return (bytes + unit - 1) / unit;
    }

    private static long valueSize(AttributeValue value) {
        return switch (value.type()) {
            case S -> utf8(value.s());
            case N -> numberSize(value.n());
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case SS -> value.ss().stream().mapToLong(DynamoItemSize::utf8).sum();
            case NS -> value.ns().stream().mapToLong(DynamoItemSize::numberSize).sum();
            case BS -> value.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
            case M -> mapSize(value.m());
            case L -> listSize(value.l());
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("unknown attribute type: " + value);
        };
    }

    private static long mapSize(Map<String, AttributeValue> map) {
        long size = CONTAINER_OVERHEAD;
        for (Map.Entry<String, AttributeValue> element : map.entrySet()) {
            size += ELEMENT_OVERHEAD + utf8(element.getKey()) + valueSize(element.getValue());
        }
        return size;
    }

    private static long listSize(List<AttributeValue> list) {
        long size = CONTAINER_OVERHEAD;
        for (AttributeValue element : list) {
            size += ELEMENT_OVERHEAD + valueSize(element);
        }
        return size;
    }

    /**
     * Numbers are stored as base-100 digits aligned on the decimal point, plus an exponent byte: 1 byte
     * plus 1 per pair of digits, counting a pair that holds only a leading or trailing significant digit
     * (120 takes 3 bytes, 12 and 1200 take 2), plus 1 if negative; zero takes 1.
     */
    private static long numberSize(String number) {
        BigDecimal value = new BigDecimal(number).stripTrailingZeros();
        if (value.signum() == 0) {
            return 1;
        }
        int highest = value.precision() - value.scale() - 1;
        int lowest = -value.scale();
        long pairs = Math.floorDiv(highest, 2) - Math.floorDiv(lowest, 2) + 1;
        return 1 + pairs + (value.signum() < 0 ? 1 : 0);
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
