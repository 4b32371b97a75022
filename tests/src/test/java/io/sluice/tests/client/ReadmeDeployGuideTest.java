package io.sluice.tests.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.SamTemplate;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's deploy guide cannot run here (no AWS account, no SAM CLI), so this holds it to the
 * template instead: the steps from build to teardown are all there and in order, the jar they build
 * is the one the template deploys, and every parameter and output is documented.
 */
class ReadmeDeployGuideTest {

    private static final Path ROOT = EmbeddedBackends.projectRoot();
    private static final SamTemplate TEMPLATE = SamTemplate.load(ROOT.resolve("template.yaml"));
    private static final List<String> DEPLOY_SECTIONS = List.of("## Deploy to AWS", "### Calling the API",
            "### Bearer tokens: the optional JWT API", "### Cost", "### Tearing it down");

    @Test
    void theStepsGoFromBuildToTeardownInOrder() throws IOException {
        List<String> commands = ReadmeCommandsTest.commands(DEPLOY_SECTIONS);
        List<String> steps = List.of("mvn -B -DskipTests package", "sam build", "sam deploy --guided",
                "curl --aws-sigv4", "curl -H \"Authorization: Bearer", "sam deploy --parameter-overrides DeletionProtection=false",
                "aws s3 rm", "sam delete --stack-name sluice");
        int at = -1;
        for (String step : steps) {
            int found = indexStartingWith(commands, step, at + 1);
            assertThat(found).as("README deploy guide: `%s` after step %d in %s", step, at, commands).isGreaterThan(at);
            at = found;
        }
    }

    @Test
    void theJarTheGuideBuildsIsTheOneTheTemplateDeploys() throws IOException {
        Set<String> codeUris = new TreeSet<>();
        TEMPLATE.functions().forEach(function -> codeUris.add(
                TEMPLATE.root().path("Resources").path(function.logicalId()).path("Properties").path("CodeUri").asText()));
        assertThat(codeUris).as("one jar for every function").hasSize(1);
        String codeUri = codeUris.iterator().next();
        assertThat(ROOT.resolve(codeUri)).as("built by the reactor's package phase before this module's tests")
                .isRegularFile();
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains(codeUri);
    }

    @Test
    void everyParameterAndOutputIsDocumented() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(readme);
        while (row.find()) {
            documented.add(row.group(1));
        }
        List<String> parameters = new ArrayList<>();
        TEMPLATE.root().path("Parameters").fieldNames().forEachRemaining(parameters::add);
        assertThat(documented).containsAll(parameters);
        TEMPLATE.root().path("Outputs").fieldNames().forEachRemaining(output ->
                assertThat(readme).as("output %s", output).contains("`" + output + "`"));
    }

    private static int indexStartingWith(List<String> commands, String prefix, int from) {
        for (int i = from; i < commands.size(); i++) {
            if (commands.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
