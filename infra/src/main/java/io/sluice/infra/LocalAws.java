package io.sluice.infra;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** SDK clients for the embedded emulators, and creation of the bucket and table Sluice needs. */
public final class LocalAws {

    public static final Region REGION = Region.US_EAST_1;

    private LocalAws() {
    }

    /**
     * An S3 client for s3proxy: path-style, and checksums only when an operation requires them (s3proxy
     * 3.0.0 answers 400 to the SDK's default trailing checksums).
     */
    public static S3Client s3(URI endpoint, List<ExecutionInterceptor> interceptors) {
        return s3(endpoint, EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY, interceptors);
    }

    /** An S3 client for any S3-compatible endpoint (s3proxy, LocalStack) with these credentials. */
    public static S3Client s3(URI endpoint, String accessKey, String secretKey, List<ExecutionInterceptor> interceptors) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.executionInterceptors(interceptors))
                .build();
    }

    public static DynamoDbClient dynamo(URI endpoint, List<ExecutionInterceptor> interceptors) {
        return dynamo(endpoint, "local", "local", interceptors);
    }

    /** A DynamoDB client for any DynamoDB-compatible endpoint (dynalite, LocalStack) with these credentials. */
    public static DynamoDbClient dynamo(URI endpoint, String accessKey, String secretKey,
                                        List<ExecutionInterceptor> interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.executionInterceptors(interceptors))
                .build();
    }

    /** Creates the bucket unless it exists. */
    public static void createBucket(S3Client s3, String bucket) {
        try {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException e) {
            // already there: a restart of the local stack
        }
    }

    /**
     * Creates a table as template.yaml defines it (attribute definitions, key schema, billing mode)
     * unless it exists, and waits until it is active.
     */
    public static void createTable(DynamoDbClient dynamo, String table, SamTemplate.TableDef definition) {
        JsonNode properties = definition.properties();
        List<AttributeDefinition> attributes = new ArrayList<>();
        properties.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText())
                .attributeType(ScalarAttributeType.fromValue(a.path("AttributeType").asText())).build()));
        List<KeySchemaElement> keys = new ArrayList<>();
        properties.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText())
                .keyType(KeyType.fromValue(k.path("KeyType").asText())).build()));
        if (keys.isEmpty()) {
            throw new IllegalStateException("table " + definition.logicalId() + " has no KeySchema in template.yaml");
        }
        BillingMode billing = BillingMode.fromValue(properties.path("BillingMode").asText("PAY_PER_REQUEST"));
        if (billing != BillingMode.PAY_PER_REQUEST) {
            throw new IllegalStateException("table " + definition.logicalId() + " must be PAY_PER_REQUEST");
        }
        try {
            dynamo.createTable(b -> b.tableName(table).billingMode(billing)
                    .attributeDefinitions(attributes).keySchema(keys));
        } catch (ResourceInUseException e) {
            // already there: a restart of the local stack
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
    }
}
