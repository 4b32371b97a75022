package io.sluice.functions;

import io.sluice.acl.Authorizer;
import io.sluice.acl.DynamoAclStore;
import io.sluice.acl.Principal;
import io.sluice.group.DynamoGroupStore;
import io.sluice.LogServices;
import io.sluice.metrics.EmfMetrics;
import io.sluice.metrics.Metrics;
import io.sluice.meta.DynamoMetadataStore;
import io.sluice.store.S3ObjectStore;
import io.sluice.log.ProduceService;
import io.sluice.maintenance.Maintenance;
import io.sluice.share.ShareGroupStores;
import io.sluice.subscription.LambdaInvoker;
import io.sluice.subscription.Dispatcher;
import io.sluice.subscription.SubscriptionWiring;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
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

    /** Where produce calls start their dispatchers: off the produce's thread, never in its latency. */
    private static final java.util.concurrent.ExecutorService TRIGGERS = ProduceService.newPool(4, "sluice-trigger");

    private Services() {
    }

    /** The log's services and the access control over them, on the same clients. */
    record Wired(LogServices log, AccessControl access) {
    }

    static Wired wire(FunctionConfig config) {
        AwsCredentialsProvider credentials = credentials(config);
        DynamoDbClient dynamo = dynamo(config, credentials);
        LogServices log = create(config, dynamo, credentials);
        Authorizer authorizer = new Authorizer(config.authorization(), config.admins(),
                new DynamoAclStore(dynamo, config.table()), Clock.systemUTC(), config.aclCacheTtl());
        if (config.authorization() == Authorizer.Mode.OPEN) {
            System.out.println("{\"level\":\"WARN\",\"message\":\"Authorization=open: ACLs are not enforced; every "
                    + "caller the API lets in may do everything on every topic, group and producer\"}");
        }
        return new Wired(log, new AccessControl(authorizer, config.jwtGroupsClaim(),
                config.unauthenticatedPrincipal().map(Principal::of).orElse(null)));
    }

    static LogServices create(FunctionConfig config) {
        AwsCredentialsProvider credentials = credentials(config);
        return create(config, dynamo(config, credentials), credentials);
    }

    private static AwsCredentialsProvider credentials(FunctionConfig config) {
        return config.accessKeyId().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId().get(),
                        config.secretAccessKey().orElse("")))
                : DefaultCredentialsProvider.builder().build();
    }

    private static DynamoDbClient dynamo(FunctionConfig config, AwsCredentialsProvider credentials) {
        var dynamo = DynamoDbClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create());
        config.dynamoEndpoint().ifPresent(dynamo::endpointOverride);
        return dynamo.build();
    }

    private static LogServices create(FunctionConfig config, DynamoDbClient dynamoClient,
                                      AwsCredentialsProvider credentials) {
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
        Priming.register(dynamoClient, config.table());
        DynamoGroupStore groups = new DynamoGroupStore(dynamoClient, config.table());
        LambdaInvoker lambda = new AwsLambdaInvoker(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                config.lambdaEndpoint().orElse(AwsLambdaInvoker.defaultEndpoint(config.region())), config.region(),
                credentials);
        SubscriptionWiring subscriptions = SubscriptionWiring.beside(groups).withLambda(lambda)
                .withTargets(Duration.ofMillis(config.targetTimeoutMs()), config.localTargets())
                .withSettings(new Dispatcher.Settings(Dispatcher.Settings.DEFAULT.retryBaseMs(),
                        Dispatcher.Settings.DEFAULT.retryCapMs(), config.leaseMarginMs()));
        if (config.dispatcherFunction().isPresent()) {
            subscriptions = subscriptions.withInvoker(new LambdaDispatchInvoker(lambda, config.dispatcherFunction().get()))
                    .withTriggers(TRIGGERS);
        }
        return LogServices.create(new S3ObjectStore(s3.build(), config.bucket()),
                new DynamoMetadataStore(dynamoClient, config.table()), groups, ShareGroupStores.beside(groups),
                Clock.systemUTC(), LogServices.DEFAULT_BACKOFF,
                config.emfMetrics() ? new EmfMetrics(System.out, Clock.systemUTC()) : Metrics.NOOP,
                ProduceService.newPool(ProduceService.DEFAULT_COMMIT_THREADS), Maintenance.Settings.DEFAULT,
                subscriptions);
    }
}
