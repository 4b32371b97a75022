package io.sluice.infra.auth;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * How the local stack authenticates requests, from sluice-local's options.
 *
 * @param credentialsFile under {@code iam}: a file of identities, or null for the key pair in {@code env}
 * @param env             the environment {@code iam} takes its default credentials from
 * @param region          the region SigV4 signatures must be scoped to
 * @param clock           what "now" is for signature dates and token expiry
 */
public record AuthConfig(AuthMode mode, Path credentialsFile, Map<String, String> env, String region,
                         String jwtIssuer, List<String> jwtAudiences, String jwks, Clock clock) {

    public AuthConfig {
        env = env == null ? Map.of() : Map.copyOf(env);
        jwtAudiences = jwtAudiences == null ? List.of() : List.copyOf(jwtAudiences);
        clock = clock == null ? Clock.systemUTC() : clock;
    }

    public static AuthConfig none() {
        return new AuthConfig(AuthMode.none, null, null, null, null, null, null, null);
    }

    /** SigV4 checked against the identities of {@code credentialsFile}, or (null) the key pair in {@code env}. */
    public static AuthConfig iam(Path credentialsFile, Map<String, String> env, Clock clock) {
        return new AuthConfig(AuthMode.iam, credentialsFile, env, regionOf(env), null, null, null, clock);
    }

    public static AuthConfig jwt(String issuer, List<String> audiences, String jwks, Clock clock) {
        return new AuthConfig(AuthMode.jwt, null, null, null, issuer, audiences, jwks, clock);
    }

    /** {@code AWS_REGION} of {@code env}, else us-east-1, as the deployed API's region. */
    public static String regionOf(Map<String, String> env) {
        String region = env == null ? null : env.get("AWS_REGION");
        return region == null || region.isBlank() ? "us-east-1" : region.strip();
    }

    /** The authorizer; {@code template} is the parsed SAM template, for the JWT routes' scopes. */
    public Authorizer authorizer(JsonNode template) {
        return switch (mode) {
            case none -> Authorizer.NONE;
            case iam -> new IamAuthorizer(credentialsFile != null ? IamCredentials.fromFile(credentialsFile)
                    : IamCredentials.fromEnvironment(env), region == null ? regionOf(env) : region, clock);
            case jwt -> new JwtAuthorizer(jwtIssuer, jwtAudiences, jwks, RouteScopes.fromTemplate(template, Map.of()),
                    clock);
        };
    }
}
