package io.sluice.functions;

import io.sluice.acl.Authorizer;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler reads from its environment. {@link #REQUIRED} must be set for every function in
 * template.yaml (a test checks it). The rest are the AWS runtime's own variables, which Lambda sets,
 * and the SDK's standard endpoint overrides, which only the local stack sets.
 *
 * @param bucket          S3 bucket of the log's objects ({@code BUCKET_NAME})
 * @param table           DynamoDB table of the log's metadata ({@code TABLE_NAME})
 * @param region          {@code AWS_REGION}, set by Lambda
 * @param s3Endpoint      {@code AWS_ENDPOINT_URL_S3}, only for emulators
 * @param dynamoEndpoint  {@code AWS_ENDPOINT_URL_DYNAMODB}, only for emulators
 * @param accessKeyId     static credentials, only for emulators; in Lambda the default provider chain is used
 * @param emfMetrics      whether to write CloudWatch EMF metrics ({@code SLUICE_METRICS}, default on)
 * @param dispatcherFunction the subscriptions' dispatcher function ({@code DISPATCHER_FUNCTION}); set on the
 *                        functions that start dispatchers (produce, the subscriptions API, the sweep and the
 *                        dispatcher itself), which then trigger on produce
 * @param lambdaEndpoint  {@code AWS_ENDPOINT_URL_LAMBDA}, only for the local stack's Lambda emulation
 * @param localTargets    {@code SLUICE_LOCAL_TARGETS=loopback}: http targets on loopback are allowed (local stack only)
 * @param targetTimeoutMs {@code SUBSCRIPTION_TARGET_TIMEOUT_MS}: the timeout of one delivery (default 30 s)
 * @param leaseMarginMs   {@code SUBSCRIPTION_LEASE_MARGIN_MS}: how long a dispatcher's lease outlives the target
 *                        timeout (default 10 s; the local stack's tests shorten it, even below zero, to let a
 *                        lease lapse mid-delivery)
 * @param authorization   {@code SLUICE_AUTHORIZATION}, the template parameter {@code Authorization}: acl (default) or open
 * @param admins          {@code SLUICE_ADMIN_PRINCIPALS}, the template parameter {@code AdminPrincipals}: a comma list
 * @param jwtGroupsClaim  {@code SLUICE_JWT_GROUPS_CLAIM}: the JWT claim whose values are group principals; empty for none
 * @param unauthenticatedPrincipal {@code SLUICE_UNAUTHENTICATED_PRINCIPAL}, only the local stack under
 *                        {@code --auth none} sets it: the principal of requests without identity
 * @param aclCacheTtl     {@code SLUICE_ACL_CACHE_MS}: how long ACLs are trusted, 30 s unless the local stack's
 *                        tests shorten it
 */
public record FunctionConfig(String bucket, String table, String region, Optional<URI> s3Endpoint,
                             Optional<URI> dynamoEndpoint, Optional<String> accessKeyId,
                             Optional<String> secretAccessKey, boolean emfMetrics, Optional<String> dispatcherFunction,
                             Optional<URI> lambdaEndpoint, boolean localTargets, long targetTimeoutMs, long leaseMarginMs,
                             Authorizer.Mode authorization, Set<String> admins, String jwtGroupsClaim,
                             Optional<String> unauthenticatedPrincipal, Duration aclCacheTtl) {

    public static final String BUCKET_NAME = "BUCKET_NAME";
    public static final String TABLE_NAME = "TABLE_NAME";
    /** The variables template.yaml must set for every function. */
    public static final List<String> REQUIRED = List.of(BUCKET_NAME, TABLE_NAME);

    static final String REGION = "AWS_REGION";
    static final String S3_ENDPOINT = "AWS_ENDPOINT_URL_S3";
    static final String DYNAMODB_ENDPOINT = "AWS_ENDPOINT_URL_DYNAMODB";
    static final String LOCAL_ACCESS_KEY_ID = "SLUICE_LOCAL_ACCESS_KEY_ID";
    static final String LOCAL_SECRET_ACCESS_KEY = "SLUICE_LOCAL_SECRET_ACCESS_KEY";
    /** {@code emf} (default) writes CloudWatch EMF metrics to stdout; {@code none} turns them off (local stack). */
    static final String METRICS = "SLUICE_METRICS";
    static final String DISPATCHER_FUNCTION = "DISPATCHER_FUNCTION";
    /** Set on the dispatcher itself: it re-triggers itself by its own name ({@code AWS_LAMBDA_FUNCTION_NAME}). */
    static final String DISPATCHER_SELF = "DISPATCHER_SELF";
    static final String FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";
    static final String LAMBDA_ENDPOINT = "AWS_ENDPOINT_URL_LAMBDA";
    static final String LOCAL_TARGETS = "SLUICE_LOCAL_TARGETS";
    static final String TARGET_TIMEOUT_MS = "SUBSCRIPTION_TARGET_TIMEOUT_MS";
    static final String LEASE_MARGIN_MS = "SUBSCRIPTION_LEASE_MARGIN_MS";
    static final String AUTHORIZATION = "SLUICE_AUTHORIZATION";
    static final String ADMIN_PRINCIPALS = "SLUICE_ADMIN_PRINCIPALS";
    static final String JWT_GROUPS_CLAIM = "SLUICE_JWT_GROUPS_CLAIM";
    static final String UNAUTHENTICATED_PRINCIPAL = "SLUICE_UNAUTHENTICATED_PRINCIPAL";
    static final String ACL_CACHE_MS = "SLUICE_ACL_CACHE_MS";

    /** Reads the configuration; a missing required variable is an error naming it. */
    public static FunctionConfig from(Map<String, String> env) {
        for (String name : REQUIRED) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("environment variable " + name + " is not set");
            }
        }
        return new FunctionConfig(env.get(BUCKET_NAME), env.get(TABLE_NAME), env.getOrDefault(REGION, "us-east-1"),
                Optional.ofNullable(env.get(S3_ENDPOINT)).map(URI::create),
                Optional.ofNullable(env.get(DYNAMODB_ENDPOINT)).map(URI::create),
                Optional.ofNullable(env.get(LOCAL_ACCESS_KEY_ID)),
                Optional.ofNullable(env.get(LOCAL_SECRET_ACCESS_KEY)),
                !"none".equals(env.getOrDefault(METRICS, "emf")),
                Optional.ofNullable("true".equals(env.get(DISPATCHER_SELF)) ? env.get(FUNCTION_NAME)
                        : env.get(DISPATCHER_FUNCTION)).filter(v -> !v.isBlank()),
                Optional.ofNullable(env.get(LAMBDA_ENDPOINT)).map(URI::create),
                "loopback".equals(env.get(LOCAL_TARGETS)),
                Long.parseLong(env.getOrDefault(TARGET_TIMEOUT_MS, "30000")),
                env.containsKey(LEASE_MARGIN_MS) ? Long.parseLong(env.get(LEASE_MARGIN_MS))
                        : io.sluice.subscription.Dispatcher.Settings.DEFAULT.leaseMarginMs(),
                Authorizer.Mode.fromWire(blankOr(env.get(AUTHORIZATION), "acl")),
                admins(env.get(ADMIN_PRINCIPALS)), env.getOrDefault(JWT_GROUPS_CLAIM, "").strip(),
                Optional.ofNullable(env.get(UNAUTHENTICATED_PRINCIPAL)).filter(p -> !p.isBlank()),
                env.containsKey(ACL_CACHE_MS) ? Duration.ofMillis(Long.parseLong(env.get(ACL_CACHE_MS)))
                        : Authorizer.MAX_CACHE_TTL);
    }

    private static String blankOr(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value.strip();
    }

    /** A comma list of principals, blanks dropped. */
    static Set<String> admins(String list) {
        if (list == null) {
            return Set.of();
        }
        Set<String> admins = new LinkedHashSet<>();
        Arrays.stream(list.split(",")).map(String::strip).filter(a -> !a.isEmpty()).forEach(admins::add);
        return Set.copyOf(admins);
    }
}
