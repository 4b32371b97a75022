package io.sluice.infra.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * API Gateway's JWT authorizer for the local stack ({@code --auth jwt}), with the identity source
 * {@code $request.header.Authorization}:
 *
 * <ul>
 *   <li>no token, or one that is not a JWS signed with RS256, RS384 or RS512 by the JWKS key its
 *       {@code kid} names, gets 401 {@code {"message":"Unauthorized"}};
 *   <li>so does one whose {@code iss} is not the issuer, that has no {@code exp} or is past it, whose
 *       {@code nbf} or {@code iat} is in the future, or whose {@code aud} (or, without {@code aud},
 *       {@code client_id}) names none of the audiences;
 *   <li>a valid token that holds none of the route's {@code AuthorizationScopes} (from {@code scope}, space
 *       separated, or {@code scp}) gets 403 {@code {"message":"Forbidden"}}.
 * </ul>
 *
 * An accepted request's event gets {@code requestContext.authorizer.jwt}: every claim as a string (arrays as
 * {@code [a b]}) and the token's scopes. Time comes from the clock given; there is no leeway.
 */
public final class JwtAuthorizer implements Authorizer {

    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    /** A JWKS URL is fetched again for an unknown kid, but not more often than this. */
    private static final Duration REFETCH = Duration.ofSeconds(30);

    private final String issuer;
    private final List<String> audiences;
    private final String jwks;
    private final RouteScopes scopes;
    private final Clock clock;
    private volatile JWKSet keys;
    private volatile Instant fetched;

    /**
     * @param jwks a file path, or an http(s) URL, of the issuer's JSON Web Key Set
     */
    public JwtAuthorizer(String issuer, List<String> audiences, String jwks, RouteScopes scopes, Clock clock) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("--auth jwt needs --jwt-issuer URL");
        }
        if (audiences == null || audiences.isEmpty() || audiences.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("--auth jwt needs --jwt-audience AUD (one or more, none empty)");
        }
        if (jwks == null || jwks.isBlank()) {
            throw new IllegalArgumentException("--auth jwt needs --jwks FILE|URL, the issuer's JSON Web Key Set");
        }
        this.issuer = issuer;
        this.audiences = List.copyOf(audiences);
        this.jwks = jwks;
        this.scopes = scopes;
        this.clock = clock;
        this.keys = load(jwks);
        this.fetched = clock.instant();
        if (keys.getKeys().stream().noneMatch(k -> k instanceof RSAKey)) {
            throw new IllegalArgumentException("the JWKS " + jwks + " holds no RSA key (API Gateway verifies only "
                    + "RSA-signed tokens)");
        }
    }

    private static JWKSet load(String jwks) {
        try {
            if (jwks.startsWith("https://") || jwks.startsWith("http://")) {
                return JWKSet.load(URI.create(jwks).toURL(), 5_000, 5_000, 1024 * 1024);
            }
            return JWKSet.load(Path.of(jwks).toFile());
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot load the JWKS " + jwks + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean checksCredentials() {
        return true;
    }

    @Override
    public AuthDecision authorize(AuthRequest request, String routeKey) {
        List<String> values = request.headers().get("authorization");
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            return unauthorized(null, "no Authorization header");
        }
        String token = values.get(0).strip();
        if (token.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = token.substring(7).strip();
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return unauthorized("the token is malformed", "not a signed JWT: " + e.getMessage());
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!RSA.contains(algorithm)) {
            return unauthorized("the token has an invalid signature", "algorithm " + algorithm + " is not RSA");
        }
        String kid = jwt.getHeader().getKeyID();
        if (kid == null) {
            return unauthorized("the token has an invalid signature", "no kid in the token header");
        }
        RSAKey key = key(kid);
        if (key == null) {
            return unauthorized("the token has an invalid signature", "kid " + kid + " is not in the JWKS");
        }
        try {
            if (!jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))) {
                return unauthorized("the token has an invalid signature", "signature does not verify");
            }
        } catch (JOSEException e) {
            return unauthorized("the token has an invalid signature", "cannot verify: " + e.getMessage());
        }
        Instant now = clock.instant();
        if (!issuer.equals(claims.getIssuer())) {
            return unauthorized("the token has an invalid issuer", "iss " + claims.getIssuer() + " is not " + issuer);
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !now.isBefore(exp.toInstant())) {
            return unauthorized("the token has expired", exp == null ? "no exp" : "expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant())) {
            return unauthorized("the token is not valid yet", "nbf " + nbf.toInstant() + " is in the future");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && now.isBefore(iat.toInstant())) {
            return unauthorized("the token is not valid yet", "iat " + iat.toInstant() + " is in the future");
        }
        List<String> aud = claims.getAudience();
        boolean audienceOk;
        if (aud != null && !aud.isEmpty()) {
            audienceOk = aud.stream().anyMatch(audiences::contains);
        } else {
            Object clientId = claims.getClaim("client_id");
            audienceOk = clientId instanceof String c && audiences.contains(c);
        }
        if (!audienceOk) {
            return unauthorized("the token does not have a valid audience", "aud " + aud + " / client_id "
                    + claims.getClaim("client_id") + " not in " + audiences);
        }
        List<String> granted = tokenScopes(claims);
        List<String> required = scopes.required(routeKey);
        if (!required.isEmpty() && required.stream().noneMatch(granted::contains)) {
            return new AuthDecision.Refused(403, "Forbidden", Map.of("www-authenticate",
                    "Bearer scope=\"" + String.join(" ", required) + "\" error=\"insufficient_scope\" "
                            + "error_description=\"the token does not have the required scope\""),
                    routeKey + " needs one of " + required + ", the token has " + granted);
        }
        return new AuthDecision.Allowed(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                        .withClaims(stringClaims(claims))
                        .withScopes(granted.isEmpty() ? null : granted)
                        .build())
                .build());
    }

    private RSAKey key(String kid) {
        JWK key = keys.getKeyByKeyId(kid);
        if (key == null && (jwks.startsWith("https://") || jwks.startsWith("http://"))) {
            Instant now = clock.instant();
            synchronized (this) {
                if (Duration.between(fetched, now).compareTo(REFETCH) >= 0) {
                    fetched = now;
                    try {
                        keys = load(jwks);
                    } catch (IllegalArgumentException e) {
                        System.err.println("local JWT authorizer: " + e.getMessage());
                    }
                    key = keys.getKeyByKeyId(kid);
                }
            }
        }
        return key instanceof RSAKey rsa ? rsa : null;
    }

    private static List<String> tokenScopes(JWTClaimsSet claims) {
        List<String> scopes = new ArrayList<>();
        Object scope = claims.getClaim("scope");
        if (scope instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    scopes.add(part);
                }
            }
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    scopes.add(part);
                }
            }
        } else if (scp instanceof List<?> list) {
            list.forEach(v -> scopes.add(String.valueOf(v)));
        }
        return List.copyOf(scopes);
    }

    /** Claims as API Gateway passes them to a payload-2.0 function: strings, numbers as digits, arrays as [a b]. */
    private static Map<String, String> stringClaims(JWTClaimsSet claims) {
        Map<String, String> out = new LinkedHashMap<>();
        claims.getClaims().forEach((name, value) -> {
            String text;
            if (value instanceof Date d) {
                text = Long.toString(d.toInstant().getEpochSecond());
            } else if (value instanceof List<?> list) {
                List<String> parts = new ArrayList<>();
                list.forEach(v -> parts.add(String.valueOf(v)));
                text = "[" + String.join(" ", parts) + "]";
            } else {
                text = String.valueOf(value);
            }
            out.put(name, text);
        });
        return out;
    }

    private static AuthDecision unauthorized(String description, String reason) {
        String challenge = description == null ? "Bearer"
                : "Bearer scope=\"\" error=\"invalid_token\" error_description=\"" + description.toLowerCase(Locale.ROOT)
                + "\"";
        return new AuthDecision.Refused(401, "Unauthorized", Map.of("www-authenticate", challenge), reason);
    }
}
