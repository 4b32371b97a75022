package io.sluice.tests.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the SDK operations a client executes, by service and operation name ("S3:PutObject"), and the
 * bytes their requests and responses carried (their content lengths).
 */
public final class RequestCounter implements ExecutionInterceptor {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> responseBytes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requestBytes = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String name = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        long bytes = context.requestBody().flatMap(b -> b.optionalContentLength()).orElse(0L);
        String name = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        requestBytes.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(bytes);
    }

    /** Bytes the request bodies of one operation ("S3:PutObject") carried, by their content length. */
    public long requestBytes(String serviceAndOperation) {
        AtomicLong bytes = requestBytes.get(serviceAndOperation);
        return bytes == null ? 0 : bytes.get();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        long bytes = context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L);
        String name = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        responseBytes.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(bytes);
    }

    /** Bytes the responses of one operation ("S3:GetObject") carried, by their Content-Length. */
    public long responseBytes(String serviceAndOperation) {
        AtomicLong bytes = responseBytes.get(serviceAndOperation);
        return bytes == null ? 0 : bytes.get();
    }

    public long count(String serviceAndOperation) {
        AtomicLong count = counts.get(serviceAndOperation);
        return count == null ? 0 : count.get();
    }

    /** Operations of one service ("S3", "DynamoDb") whose names are among {@code operations}. */
    public long count(String service, String... operations) {
        long total = 0;
        for (String operation : operations) {
            total += count(service + ":" + operation);
        }
        return total;
    }

    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    public void reset() {
        counts.clear();
        responseBytes.clear();
        requestBytes.clear();
    }
}
