package io.sluice.tests.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceHttp;
import io.sluice.client.cli.SluiceCli;
import io.sluice.client.wire.Wire;
import io.sluice.infra.LocalApiGateway;
import io.sluice.infra.LocalStack;
import io.sluice.infra.SamTemplate;
import io.sluice.infra.auth.AuthConfig;
import io.sluice.infra.auth.JwtAuthorizer;
import io.sluice.infra.auth.RouteScopes;
import io.sluice.tests.support.EmbeddedBackends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice-local --auth jwt}, started in this JVM with a JWKS file of keys this test makes: a valid
 * token goes through; an expired one, one for another audience, one from another issuer, one signed by a
 * key that is not the issuer's, an HMAC one and none at all get API Gateway's 401; a valid token without the
 * template's admin scope gets 403 on an admin route, and changes nothing.
 */
class JwtLocalStackTest {

    private static final String ISSUER = "https://issuer.sluice.test";
    private static final String AUDIENCE = "sluice-clients";
    private static final String ADMIN_SCOPE = "sluice/admin";

    @TempDir
    static Path dir;

    private static RSAKey issuerKey;
    private static RSAKey strangerKey;
    private static LocalStack stack;
    private static URI endpoint;

    @BeforeAll
    static void startJwtStack() throws Exception {
        issuerKey = new RSAKeyGenerator(2048).keyID("issuer-key").generate();
        strangerKey = new RSAKeyGenerator(2048).keyID("issuer-key").generate(); // same kid, another key
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(issuerKey.toPublicJWK()).toString());
        stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dir.resolve("data"),
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir())
                .withAuth(AuthConfig.jwt(ISSUER, List.of(AUDIENCE), jwks.toString(), Clock.systemUTC()))
                // the token's subject is an admin (issue 16's ACLs are not what this test is about)
                .with(new LocalStack.Access(List.of("jwt:" + ISSUER + "#alice"), null)));
        endpoint = stack.endpoint();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static String token(RSAKey key, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("alice")
                .issueTime(Date.from(now.minusSeconds(10))).expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                claims.build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static SluiceAdmin admin(String token) {
        return new SluiceAdmin(new SluiceHttp(SluiceHttp.Config.of(endpoint).withBearerToken(token)));
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (SluiceClientException e) {
            return e.status();
        }
    }

    @Test
    void aValidTokenGoesThroughAndTheAdminScopeIsNeededOnlyOnAdminRoutes() throws Exception {
        SluiceAdmin operator = admin(token(issuerKey, c -> c.claim("scope", "openid " + ADMIN_SCOPE)));
        SluiceAdmin user = admin(token(issuerKey, c -> c.claim("scope", "openid")));
        operator.createTopic("jwt-topic", 1, null, null, null);
        assertThat(user.listTopics()).extracting(Wire.Topic::name).contains("jwt-topic");
        assertThat(user.describeTopic("jwt-topic").partitions()).isEqualTo(1);

        SluiceClientException create = catchClient(() -> user.createTopic("jwt-unscoped", 1, null, null, null));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.getMessage()).isEqualTo("HTTP_403: Forbidden");
        assertThat(status(() -> user.deleteTopic("jwt-topic"))).isEqualTo(403);
        assertThat(status(user::listGroups)).as("GET /groups is an admin route").isEqualTo(403);
        assertThat(operator.listTopics()).extracting(Wire.Topic::name).contains("jwt-topic")
                .doesNotContain("jwt-unscoped");
        assertThat(status(operator::listGroups)).isEqualTo(200);
        operator.deleteTopic("jwt-topic");
    }

    @Test
    void expiredWrongAudienceWrongIssuerWrongKeyAndMissingTokensGet401AndChangeNothing() throws Exception {
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("expired", token(issuerKey, c -> c.claim("scope", ADMIN_SCOPE)
                .expirationTime(Date.from(Instant.now().minusSeconds(60)))));
        refused.put("wrong audience", token(issuerKey, c -> c.claim("scope", ADMIN_SCOPE).audience("someone-else")));
        refused.put("wrong issuer", token(issuerKey, c -> c.claim("scope", ADMIN_SCOPE).issuer("https://evil.test")));
        refused.put("wrong key", token(strangerKey, c -> c.claim("scope", ADMIN_SCOPE)));
        refused.put("not yet valid", token(issuerKey, c -> c.claim("scope", ADMIN_SCOPE)
                .notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))))));
        refused.put("no exp", token(issuerKey, c -> c.claim("scope", ADMIN_SCOPE).expirationTime(null)));
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("issuer-key").build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).claim("scope", ADMIN_SCOPE)
                        .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        hmac.sign(new MACSigner(new byte[32]));
        refused.put("hmac", hmac.serialize());
        refused.put("garbage", "not.a.jwt");
        for (Map.Entry<String, String> entry : refused.entrySet()) {
            SluiceClientException e = catchClient(() -> admin(entry.getValue()).createTopic("jwt-refused", 1, null,
                    null, null));
            assertThat(e.status()).as(entry.getKey()).isEqualTo(401);
            assertThat(e.getMessage()).as(entry.getKey()).isEqualTo("HTTP_401: Unauthorized");
        }
        HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/topics"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"jwt-refused\",\"partitions\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).isEqualTo("{\"message\":\"Unauthorized\"}");
        SluiceAdmin operator = admin(token(issuerKey, c -> c.claim("scope", ADMIN_SCOPE)));
        assertThat(operator.listTopics()).extracting(Wire.Topic::name).doesNotContain("jwt-refused");
    }

    /** The function learns the token's claims and scopes, as API Gateway passes them. */
    @Test
    void anAcceptedRequestsEventCarriesTheClaimsAndScopes() throws Exception {
        List<APIGatewayV2HTTPEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        LocalApiGateway.Binding whoami = new LocalApiGateway.Binding(new SamTemplate.HttpRoute("GET", "/whoami"),
                "Whoami", (event, context) -> {
                    seen.add(event);
                    return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withBody("{}").build();
                });
        Path jwks = dir.resolve("whoami-jwks.json");
        Files.writeString(jwks, new JWKSet(issuerKey.toPublicJWK()).toString());
        JwtAuthorizer authorizer = new JwtAuthorizer(ISSUER, List.of(AUDIENCE), jwks.toString(),
                RouteScopes.of(Map.of("GET /whoami", List.of("whoami/read"))), Clock.systemUTC());
        try (LocalApiGateway gateway = new LocalApiGateway("127.0.0.1", 0, List.of(whoami), Duration.ofSeconds(30),
                authorizer)) {
            String token = token(issuerKey, c -> c.claim("scope", "openid whoami/read").claim("groups",
                    List.of("a", "b")));
            new SluiceHttp(SluiceHttp.Config.of(gateway.endpoint()).withBearerToken(token)).get("/whoami", Map.class);
            String unscoped = token(issuerKey, c -> c.claim("scope", "openid"));
            assertThat(status(() -> new SluiceHttp(SluiceHttp.Config.of(gateway.endpoint()).withBearerToken(unscoped))
                    .get("/whoami", Map.class))).isEqualTo(403);
        }
        assertThat(seen).hasSize(1);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = seen.get(0).getRequestContext().getAuthorizer().getJwt();
        assertThat(jwt.getClaims()).containsEntry("sub", "alice").containsEntry("iss", ISSUER)
                .containsEntry("aud", "[" + AUDIENCE + "]").containsEntry("groups", "[a b]").containsKey("exp");
        assertThat(jwt.getScopes()).containsExactly("openid", "whoami/read");
        assertThat(seen.get(0).getRequestContext().getAuthorizer().getIam()).isNull();
    }

    /** The template's JWT routes and the scopes API Gateway would hold them to, with the parameters' defaults. */
    @Test
    void theTemplatesAdminRoutesNeedTheAdminScope() {
        RouteScopes scopes = RouteScopes.fromTemplate(SamTemplate.load(EmbeddedBackends.projectRoot()
                .resolve("template.yaml")).root(), Map.of());
        for (String admin : List.of("POST /topics", "DELETE /topics/{topic}", "GET /groups", "POST /groups/{group}/reset",
                "POST /maintenance")) {
            assertThat(scopes.required(admin)).as(admin).containsExactly(ADMIN_SCOPE);
        }
        for (String open : List.of("GET /topics", "POST /topics/{topic}/records", "$default")) {
            assertThat(scopes.required(open)).as(open).isEmpty();
        }
        RouteScopes noAdminScope = RouteScopes.fromTemplate(SamTemplate.load(EmbeddedBackends.projectRoot()
                .resolve("template.yaml")).root(), Map.of("JwtAdminScope", ""));
        assertThat(noAdminScope.required("POST /topics")).isEmpty();
    }

    /** Issue 15, smaller holes: the CLI refuses to send a token over plain http to a host that is not loopback. */
    @Test
    void theCliRefusesATokenOverPlainHttpToANonLoopbackHost() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new java.io.PrintStream(err, true, UTF_8));
            exit = SluiceCli.run("topics", "list", "-e", "http://sluice.example.com:7070", "--token", "abc.def.ghi");
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(UTF_8)).contains("refusing to send a bearer token over plain http to sluice.example.com");
    }

    private static SluiceClientException catchClient(Runnable call) {
        try {
            call.run();
        } catch (SluiceClientException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }
}
