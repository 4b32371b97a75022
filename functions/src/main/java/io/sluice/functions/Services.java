package io.sluice.functions;

import io.sluice.group.DynamoGroupStore;
import io.sluice.log.Backoff;
import io.sluice.LogServices;
import io.sluice.metrics.EmfMetrics;
import io.sluice.metrics.Metrics;
import io.sluice.meta.DynamoMetadataStore;
import io.sluice.store.S3ObjectStore;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds the AWS clients once per container, with the light URL-connection HTTP client, and the log on them. */
final class Services {

    private Services() {
    }

    static LogServices create(FunctionConfig config) {
        AwsCredentialsProvider credentials = config.accessKeyId().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(),
                        config.secretAccessKey().orElse("")))
                : DefaultCredentialsProvider.builder().build();
        Region region = Region.of(config.region());
        var s3 = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                // Checksums only where S3 requires them: every object carries CRC32C per batch already,
                // and s3proxy rejects the SDK's default trailing checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.s3Endpoint().ifPresent(endpoint -> s3.endpointOverride(endpoint).forcePathStyle(true));
        var dynamo = DynamoDbClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        config.dynamoEndpoint().ifPresent(dynamo::endpointOverride);
        DynamoDbClient dynamoClient = dynamo.build();
        Priming.register(dynamoClient, config.table());
        return LogServices.create(new S3ObjectStore(s3.build(), config.bucket()),
                new DynamoMetadataStore(dynamoClient, config.table()),
                new DynamoGroupStore(dynamoClient, config.table()), Clock.systemUTC(),
                Backoff.adaptiveJitter(5, 500), config.emfMetrics() ? new EmfMetrics(System.out, Clock.systemUTC()) : Metrics.NOOP);
    }
}
