package io.sluice.tests.support;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records every IAM action a client's requests need ({@code s3:PutObject}, {@code dynamodb:Query}, ...)
 * and, for S3 object actions, the key prefixes (first path segment) they touched.
 */
public final class OperationRecorder implements ExecutionInterceptor {

    private final Map<String, Set<String>> actions = new TreeMap<>();

    @Override
    public synchronized void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkRequest request = context.request();
        String action;
        String key = null;
        if ("S3".equals(service)) {
            switch (operation) {
                case "ListObjectsV2", "ListObjects" -> action = "s3:ListBucket";
                case "HeadObject" -> action = "s3:GetObject";
                default -> action = "s3:" + operation;
            }
            key = request.getValueForField("Key", String.class).orElse(null);
        } else {
            action = "dynamodb:" + operation;
        }
        Set<String> prefixes = actions.computeIfAbsent(action, a -> new TreeSet<>());
        if (key != null) {
            prefixes.add(key.contains("/") ? key.substring(0, key.indexOf('/') + 1) : key);
        }
    }

    /** Records an action made outside the SDK clients (a Lambda invoke), on a named resource. */
    public synchronized void record(String action, String resource) {
        actions.computeIfAbsent(action, a -> new TreeSet<>()).add(resource);
    }

    /** Action to the S3 key prefixes it touched (empty for non-object actions). */
    public synchronized Map<String, Set<String>> actions() {
        Map<String, Set<String>> copy = new TreeMap<>();
        actions.forEach((k, v) -> copy.put(k, new TreeSet<>(v)));
        return copy;
    }
}
