package io.sluice.tests.support;

import io.sluice.infra.LocalAws;
import io.sluice.infra.SamTemplate;
import io.sluice.group.DynamoGroupStore;
import io.sluice.meta.DynamoMetadataStore;
import io.sluice.store.S3ObjectStore;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Endpoints of the running emulators, and fresh, isolated bucket-and-table pairs on them. */
public final class Backends {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** The table is created exactly as template.yaml defines it. */
    private static final SamTemplate TEMPLATE = SamTemplate.load(EmbeddedBackends.projectRoot().resolve("template.yaml"));

    private final URI s3Endpoint;
    private final URI dynamoEndpoint;
    private final String accessKey;
    private final String secretKey;

    public Backends(URI s3Endpoint, URI dynamoEndpoint, String accessKey, String secretKey) {
        this.s3Endpoint = s3Endpoint;
        this.dynamoEndpoint = dynamoEndpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** The backends of a LocalStack container (S3 and DynamoDB share its one endpoint). */
    public static Backends of(org.testcontainers.localstack.LocalStackContainer localStack) {
        return new Backends(localStack.getEndpoint(), localStack.getEndpoint(), localStack.getAccessKey(),
                localStack.getSecretKey());
    }

    /** A new empty bucket and table, with clients that pass every request through {@code interceptors}. */
    public Stack fresh(ExecutionInterceptor... interceptors) {
        int n = SEQUENCE.incrementAndGet();
        String bucket = "sluice-test-" + n;
        String table = "sluice-test-" + n;
        S3Client s3 = LocalAws.s3(s3Endpoint, accessKey, secretKey, List.of(interceptors));
        DynamoDbClient dynamo = LocalAws.dynamo(dynamoEndpoint, accessKey, secretKey, List.of(interceptors));
        LocalAws.createBucket(s3, bucket);
        LocalAws.createTable(dynamo, table, TEMPLATE.tables().get(0));
        return new Stack(s3, dynamo, bucket, table);
    }

    /** New clients, through {@code interceptors}, on an existing stack's bucket and table. */
    public Stack attach(Stack stack, ExecutionInterceptor... interceptors) {
        return new Stack(LocalAws.s3(s3Endpoint, accessKey, secretKey, List.of(interceptors)),
                LocalAws.dynamo(dynamoEndpoint, accessKey, secretKey, List.of(interceptors)), stack.bucket(), stack.table());
    }

    /** One bucket and one table, their clients, and Sluice's stores over them. */
    public record Stack(S3Client s3, DynamoDbClient dynamo, String bucket, String table) {
        public S3ObjectStore objects() {
            return new S3ObjectStore(s3, bucket);
        }

        public DynamoMetadataStore metadata() {
            return new DynamoMetadataStore(dynamo, table);
        }

        public DynamoGroupStore groups() {
            return new DynamoGroupStore(dynamo, table);
        }

        public Stores stores() {
            return new Stores(objects(), metadata(), groups());
        }
    }
}
