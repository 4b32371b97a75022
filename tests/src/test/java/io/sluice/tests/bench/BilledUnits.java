package io.sluice.tests.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Counts what AWS bills, from the real requests and responses of the clients it decorates (an SDK
 * interceptor, for the benchmark only):
 *
 * <ul>
 *   <li>DynamoDB read and write units: every request is sent with {@code ReturnConsumedCapacity=TOTAL} and
 *       the units the response reports are added up. DynamoDB (and dynalite, which implements the same
 *       rules) counts them by item size: 1 write unit per started KB written, the larger of the item before
 *       and after for an update; 1 read unit per started 4 KB of a strongly consistent GetItem; a Query by
 *       the total bytes of the items it read, in 4 KB steps.</li>
 *   <li>A conditional write that fails still consumes write units, by the size of the existing item (at
 *       least 1), but its error carries no consumed capacity: it is charged the units the last successful
 *       write of the same key consumed, or 1 if none was seen.</li>
 *   <li>S3 requests by price class: PUT, COPY, POST and LIST at one price, GET and the rest (but DELETE,
 *       which is free) at another.</li>
 * </ul>
 */
public final class BilledUnits implements ExecutionInterceptor {

    private static final ExecutionAttribute<String> ITEM_KEY = new ExecutionAttribute<>("sluice.billed.key");
    private static final List<String> KEY_NAMES = List.of("pk", "sk");

    private final DoubleAdder readUnits = new DoubleAdder();
    private final DoubleAdder writeUnits = new DoubleAdder();
    private final DoubleAdder failedWriteUnits = new DoubleAdder();
    private final DoubleAdder s3Puts = new DoubleAdder();
    private final DoubleAdder s3Gets = new DoubleAdder();
    private final Map<String, Double> lastWriteUnits = new ConcurrentHashMap<>();

    /** Figures counted since the last {@link #reset()}. */
    public record Units(double readUnits, double writeUnits, double failedWriteUnits, double s3Puts, double s3Gets) {
        public double allWriteUnits() {
            return writeUnits + failedWriteUnits;
        }
    }

    public Units snapshot() {
        return new Units(readUnits.sum(), writeUnits.sum(), failedWriteUnits.sum(), s3Puts.sum(), s3Gets.sum());
    }

    public void reset() {
        readUnits.reset();
        writeUnits.reset();
        failedWriteUnits.reset();
        s3Puts.reset();
        s3Gets.reset();
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        if (request instanceof GetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof QueryRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof ScanRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof BatchGetItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof PutItemRequest r) {
            attributes.putAttribute(ITEM_KEY, keyOf(r.tableName(), r.item()));
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof UpdateItemRequest r) {
            attributes.putAttribute(ITEM_KEY, keyOf(r.tableName(), r.key()));
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof DeleteItemRequest r) {
            attributes.putAttribute(ITEM_KEY, keyOf(r.tableName(), r.key()));
            return r.toBuilder().returnConsumedCapacity(total).build();
        } else if (request instanceof BatchWriteItemRequest r) {
            return r.toBuilder().returnConsumedCapacity(total).build();
        }
        return request;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        if ("S3".equals(service)) {
            s3(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            return;
        }
        if (response instanceof GetItemResponse r) {
            read(r.consumedCapacity());
        } else if (response instanceof QueryResponse r) {
            read(r.consumedCapacity());
        } else if (response instanceof ScanResponse r) {
            read(r.consumedCapacity());
        } else if (response instanceof BatchGetItemResponse r) {
            r.consumedCapacity().forEach(this::read);
        } else if (response instanceof PutItemResponse r) {
            write(r.consumedCapacity(), attributes);
        } else if (response instanceof UpdateItemResponse r) {
            write(r.consumedCapacity(), attributes);
        } else if (response instanceof DeleteItemResponse r) {
            write(r.consumedCapacity(), attributes);
        } else if (response instanceof BatchWriteItemResponse r) {
            r.consumedCapacity().forEach(c -> writeUnits.add(units(c)));
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (context.exception() instanceof ConditionalCheckFailedException) {
            String key = attributes.getAttribute(ITEM_KEY);
            failedWriteUnits.add(key == null ? 1 : lastWriteUnits.getOrDefault(key, 1.0));
        } else if ("S3".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME))) {
            // S3 bills a request that failed (a 404 GET, a 412 conditional PUT) like one that succeeded
            s3(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    private void s3(String operation) {
        if (operation.startsWith("Put") || operation.startsWith("Copy") || operation.startsWith("List")
                || operation.startsWith("Create") || operation.equals("CompleteMultipartUpload")
                || operation.equals("UploadPart")) {
            s3Puts.add(1);
        } else if (!operation.startsWith("Delete")) {
            s3Gets.add(1);
        }
    }

    private void read(ConsumedCapacity capacity) {
        readUnits.add(units(capacity));
    }

    private void write(ConsumedCapacity capacity, ExecutionAttributes attributes) {
        double units = units(capacity);
        writeUnits.add(units);
        String key = attributes.getAttribute(ITEM_KEY);
        if (key != null) {
            lastWriteUnits.put(key, Math.max(1, units));
        }
    }

    private static double units(ConsumedCapacity capacity) {
        if (capacity == null || capacity.capacityUnits() == null) {
            throw new IllegalStateException("a response without ConsumedCapacity: the units cannot be counted");
        }
        return capacity.capacityUnits();
    }

    private static String keyOf(String table, Map<String, AttributeValue> item) {
        StringBuilder key = new StringBuilder(table);
        for (String name : KEY_NAMES) {
            AttributeValue value = item.get(name);
            key.append('\u0000').append(value == null ? "" : value.s() != null ? value.s() : value.toString());
        }
        return key.toString();
    }
}
