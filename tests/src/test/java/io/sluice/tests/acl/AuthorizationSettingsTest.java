package io.sluice.tests.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.acl.Principal;
import io.sluice.functions.AclsHandler;
import io.sluice.infra.LocalStackCommand;
import io.sluice.infra.SamTemplate;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The settings of issue 16: the template parameters {@code Authorization} (acl by default, open logged at
 * startup) and {@code AdminPrincipals}, as every function's environment, and {@code sluice-local --admin}.
 */
class AuthorizationSettingsTest {

    private static final SamTemplate TEMPLATE = SamTemplate.load(EmbeddedBackends.projectRoot().resolve("template.yaml"));

    @Test
    void theTemplateDefaultsToAclsAndGivesEveryFunctionTheSettings() {
        assertThat(TEMPLATE.parameterDefaults()).containsEntry("Authorization", "acl").containsEntry("AdminPrincipals", "")
                .containsEntry("JwtGroupsClaim", "cognito:groups");
        assertThat(TEMPLATE.root().path("Parameters").path("Authorization").path("AllowedValues").toString())
                .isEqualTo("[\"acl\",\"open\"]");
        for (SamTemplate.FunctionDef function : TEMPLATE.functions()) {
            assertThat(function.environment().get("SLUICE_AUTHORIZATION").path("Ref").asText()).as(function.logicalId())
                    .isEqualTo("Authorization");
            assertThat(function.environment().get("SLUICE_ADMIN_PRINCIPALS").path("Ref").asText())
                    .isEqualTo("AdminPrincipals");
            assertThat(function.environment().get("SLUICE_JWT_GROUPS_CLAIM").path("Ref").asText())
                    .isEqualTo("JwtGroupsClaim");
        }
    }

    private static String startupOutput(String authorization) {
        Map<String, String> env = new HashMap<>(Map.of("BUCKET_NAME", "b", "TABLE_NAME", "t", "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9",
                "SLUICE_LOCAL_ACCESS_KEY_ID", "k", "SLUICE_LOCAL_SECRET_ACCESS_KEY", "s", "SLUICE_METRICS", "none"));
        if (authorization != null) {
            env.put("SLUICE_AUTHORIZATION", authorization);
        }
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            new AclsHandler(env);
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void openLogsAStartupLineAndAclSaysNothing() {
        assertThat(startupOutput("open")).contains("Authorization=open").contains("not enforced");
        assertThat(startupOutput("acl")).doesNotContain("Authorization=open");
        assertThat(startupOutput(null)).as("acl is the default").doesNotContain("Authorization=open");
        assertThatThrownBy(() -> startupOutput("permissive")).hasMessageContaining("acl or open");
    }

    @Test
    void sluiceLocalAdminDefaultsToTheLocalPrincipalAndRepeats() {
        LocalStackCommand defaults = new LocalStackCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(admins(defaults)).containsExactly(Principal.LOCAL);
        LocalStackCommand two = new LocalStackCommand();
        new CommandLine(two).parseArgs("--admin", "arn:aws:iam::1:user/a", "--admin", "arn:aws:iam::1:role/b");
        assertThat(admins(two)).containsExactly("arn:aws:iam::1:user/a", "arn:aws:iam::1:role/b");
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<String> admins(LocalStackCommand command) {
        try {
            java.lang.reflect.Field field = LocalStackCommand.class.getDeclaredField("admins");
            field.setAccessible(true);
            return (java.util.List<String>) field.get(command);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
