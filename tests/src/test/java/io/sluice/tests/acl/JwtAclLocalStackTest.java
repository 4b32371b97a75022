package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.sluice.client.SluiceAdmin;
import io.sluice.client.SluiceClientException;
import io.sluice.client.SluiceHttp;
import io.sluice.client.wire.AclWire;
import io.sluice.infra.LocalStack;
import io.sluice.infra.auth.AuthConfig;
import io.sluice.tests.support.EmbeddedBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JWT principals end to end on {@code sluice-local --auth jwt}: a token is {@code jwt:<iss>#<sub>}, and
 * each value of the template's groups claim ({@code cognito:groups}) a {@code jwtgroup:<value>}
 * principal, which both the admin list and ACLs may name. Through the SDK's {@link SluiceAdmin}.
 */
class JwtAclLocalStackTest {

    private static final String ISSUER = "https://issuer.acl.test";
    private static final String AUDIENCE = "sluice-clients";

    @TempDir
    static Path dir;

    private static RSAKey key;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k").generate();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
        stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dir.resolve("data"),
                EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir())
                .withAuth(AuthConfig.jwt(ISSUER, List.of(AUDIENCE), jwks.toString(), Clock.systemUTC()))
                .with(new LocalStack.Access(List.of("jwtgroup:ops"), 200L)));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static SluiceAdmin as(String subject, List<String> groups) throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .claim("scope", "openid sluice/admin").issueTime(Date.from(now.minusSeconds(10)))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))));
        if (!groups.isEmpty()) {
            claims.claim("cognito:groups", groups);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k").build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return new SluiceAdmin(new SluiceHttp(SluiceHttp.Config.of(stack.endpoint()).withBearerToken(jwt.serialize())));
    }

    private static SluiceClientException refusal(Runnable call) {
        try {
            call.run();
        } catch (SluiceClientException e) {
            return e;
        }
        throw new AssertionError("the call was not refused");
    }

    @Test
    void aGroupClaimMakesAnAdminAndAGroupAclGrantsItsMembers() throws Exception {
        SluiceAdmin ops = as("operator-1", List.of("ops", "other"));
        SluiceAdmin carol = as("carol", List.of("analytics"));
        SluiceAdmin dave = as("dave", List.of());

        ops.createTopic("jwt-acl", 1, null, null, null);
        SluiceClientException notYet = refusal(() -> carol.describeTopic("jwt-acl"));
        assertThat(notYet.status()).isEqualTo(403);
        assertThat(notYet.getMessage()).contains("NOT_AUTHORIZED").contains("jwt:" + ISSUER + "#carol")
                .contains("describe topic jwt-acl");

        assertThat(ops.createAcl(new AclWire.Binding("jwtgroup:analytics", "topic", "jwt-", "prefixed", "read",
                "allow"))).isTrue();
        assertThat(ops.listAcls("jwtgroup:analytics", null, null)).hasSize(1);
        Thread.sleep(300);
        assertThat(carol.describeTopic("jwt-acl").name()).isEqualTo("jwt-acl");
        assertThat(carol.offset("jwt-acl", 0, "latest")).isZero();
        assertThat(refusal(() -> carol.deleteTopic("jwt-acl")).getMessage()).contains("delete topic jwt-acl");
        assertThat(refusal(() -> dave.describeTopic("jwt-acl")).status()).as("no group, no grant").isEqualTo(403);
        assertThat(refusal(() -> carol.createAcl(new AclWire.Binding("jwt:" + ISSUER + "#carol", "cluster",
                "sluice-cluster", "literal", "alter", "allow"))).getMessage()).contains("alter cluster sluice-cluster");

        ops.deleteAcl(new AclWire.Binding("jwtgroup:analytics", "topic", "jwt-", "prefixed", "read", "allow"));
        assertThat(ops.listAcls("jwtgroup:analytics", null, null)).isEmpty();
        Thread.sleep(300);
        assertThat(refusal(() -> carol.describeTopic("jwt-acl")).status()).as("revoked").isEqualTo(403);
    }
}
