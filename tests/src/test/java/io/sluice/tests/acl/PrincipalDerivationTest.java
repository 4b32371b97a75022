package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.sluice.acl.Authorizer;
import io.sluice.acl.Principal;
import io.sluice.functions.AccessControl;
import io.sluice.functions.ApiGatewayHandler;
import io.sluice.tests.support.LambdaInvoker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the handler turns API Gateway's request context into a principal (issue 16). */
class PrincipalDerivationTest {

    private static final AccessControl AWS = new AccessControl(Authorizer.open(), "cognito:groups", null);
    private static final AccessControl LOCAL_NONE = new AccessControl(Authorizer.open(), "", Principal.of(Principal.LOCAL));

    private static APIGatewayV2HTTPEvent event() {
        return LambdaInvoker.event("GET", "/topics", null);
    }

    @Test
    void anIamUserIsItsArn() {
        assertThat(ApiGatewayHandler.principal(LambdaInvoker.asIam(event(), "arn:aws:iam::123456789012:user/alice"), AWS))
                .isEqualTo(Principal.of("arn:aws:iam::123456789012:user/alice"));
    }

    @Test
    void anAssumedRoleSessionIsItsRoleWithoutTheSession() {
        assertThat(ApiGatewayHandler.principal(LambdaInvoker.asIam(event(),
                "arn:aws:sts::123456789012:assumed-role/analytics-reader/i-0abc123session"), AWS))
                .isEqualTo(Principal.of("arn:aws:iam::123456789012:role/analytics-reader"));
        assertThat(ApiGatewayHandler.principal(LambdaInvoker.asIam(event(),
                "arn:aws-cn:sts::123456789012:assumed-role/r/s"), AWS))
                .isEqualTo(Principal.of("arn:aws-cn:iam::123456789012:role/r"));
    }

    @Test
    void aJwtIsIssuerAndSubjectWithItsGroupsClaimAsGroupPrincipals() {
        Principal p = ApiGatewayHandler.principal(LambdaInvoker.asJwt(event(), Map.of(
                "iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "sub", "1234-abcd",
                "cognito:groups", "[analytics billing]")), AWS);
        assertThat(p.name()).isEqualTo("jwt:https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc#1234-abcd");
        assertThat(p.groups()).containsExactly("jwtgroup:analytics", "jwtgroup:billing");
    }

    @Test
    void theGroupsClaimIsConfigurableAndReadInItsListForms() {
        AccessControl groups = new AccessControl(Authorizer.open(), "groups", null);
        Map<String, String> base = Map.of("iss", "https://i", "sub", "s");
        for (String value : List.of("[a b]", "[\"a\",\"b\"]", "a,b")) {
            Map<String, String> claims = new java.util.HashMap<>(base);
            claims.put("groups", value);
            claims.put("cognito:groups", "[ignored]");
            assertThat(ApiGatewayHandler.principal(LambdaInvoker.asJwt(event(), claims), groups).groups())
                    .as(value).containsExactly("jwtgroup:a", "jwtgroup:b");
        }
        assertThat(ApiGatewayHandler.principal(LambdaInvoker.asJwt(event(), base), groups).groups()).isEmpty();
    }

    @Test
    void withoutIdentityItIsTheLocalPrincipalUnderAuthNoneAndAnonymousInAws() {
        assertThat(ApiGatewayHandler.principal(event(), LOCAL_NONE)).isEqualTo(Principal.of(Principal.LOCAL));
        assertThat(ApiGatewayHandler.principal(event(), AWS)).isEqualTo(Principal.ANONYMOUS);
    }

    @Test
    void theBodyCannotClaimAnIdentity() {
        APIGatewayV2HTTPEvent forged = LambdaInvoker.event("POST", "/producers",
                "{\"name\":\"p\",\"principal\":\"arn:aws:iam::123456789012:role/admin\"}");
        forged.setHeaders(Map.of("x-sluice-principal", "arn:aws:iam::123456789012:role/admin"));
        assertThat(ApiGatewayHandler.principal(forged, AWS)).isEqualTo(Principal.ANONYMOUS);
    }
}
