package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.LocalStackCommand;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * sluice-local's --auth options: {@code none} is the default and --help says so; a flag of another mode, a
 * jwt mode without its issuer, audience and keys, and a malformed credentials file are refused before
 * anything starts (no data directory is made); under iam or jwt, a non-loopback address is not warned about.
 */
class LocalStackAuthOptionsTest {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        CommandLine commandLine = new CommandLine(new LocalStackCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sluice-local: " + e.getMessage());
            return 1;
        });
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void noneIsTheDefaultAndHelpSaysSo() {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--auth=none|iam|jwt")
                .contains("with the template's route scopes. Default: none.");
    }

    @Test
    void flagsOfAnotherModeAndAnIncompleteJwtModeAreUsageErrors() {
        Path data = dir.resolve("data");
        Run credentialsWithoutIam = run("--credentials", "x", "--data-dir", data.toString());
        assertThat(credentialsWithoutIam.exit()).isEqualTo(2);
        assertThat(credentialsWithoutIam.err()).contains("--credentials goes with --auth iam");
        Run jwtWithoutKeys = run("--auth", "jwt", "--jwt-issuer", "https://i", "--data-dir", data.toString());
        assertThat(jwtWithoutKeys.exit()).isEqualTo(2);
        assertThat(jwtWithoutKeys.err()).contains("--auth jwt needs --jwt-issuer URL, --jwt-audience AUD and --jwks");
        Run issuerWithoutJwt = run("--auth", "iam", "--jwt-issuer", "https://i", "--data-dir", data.toString());
        assertThat(issuerWithoutJwt.exit()).isEqualTo(2);
        Run unknownMode = run("--auth", "basic", "--data-dir", data.toString());
        assertThat(unknownMode.exit()).isEqualTo(2);
        assertThat(unknownMode.err()).contains("none, iam, jwt");
        assertThat(data).doesNotExist();
    }

    @Test
    void aMalformedCredentialsFileStopsTheStartNamingTheLine() throws Exception {
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, "# ok\nAKIAPRODUCER00000001 only-two-fields\n");
        Path data = dir.resolve("data");
        Run run = run("--auth", "iam", "--credentials", credentials.toString(), "--port", "0", "--data-dir",
                data.toString(), "--template", EmbeddedBackends.projectRoot().resolve("template.yaml").toString(),
                "--infra-dir", EmbeddedBackends.infraDir().toString());
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("line 2: expected 'accessKeyId secretAccessKey principalArn', found 2 fields")
                .doesNotContain("only-two-fields");
        assertThat(data).doesNotExist();
    }

    @Test
    void checkingCredentialsSilencesTheExposureWarning() {
        assertThat(LocalStackCommand.exposureWarning("0.0.0.0", false)).isPresent();
        assertThat(LocalStackCommand.exposureWarning("0.0.0.0", true)).isEmpty();
        assertThat(LocalStackCommand.exposureWarning("127.0.0.1", false)).isEmpty();
    }
}
