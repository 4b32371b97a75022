package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.LocalStack;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's example commands, pasted into a shell exactly as written, against a fresh local stack on
 * the default address (127.0.0.1:7070): the curl session and the command-line tool section.
 */
class ReadmeCommandsTest {

    private static final Path ROOT = EmbeddedBackends.projectRoot();

    /** The commands of every bash block under the given headings, continuation lines joined. */
    static List<String> commands(List<String> headings) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> commands = new ArrayList<>();
        boolean inSection = false;
        boolean inBlock = false;
        StringBuilder pending = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("#")) {
                inSection = headings.contains(line.trim());
                continue;
            }
            if (line.startsWith("```")) {
                inBlock = inSection && !inBlock && line.equals("```bash");
                continue;
            }
            if (!inBlock || line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            commands.add(pending + line);
            pending.setLength(0);
        }
        return commands;
    }

    private record Result(int exit, String out) {
    }

    private static Result run(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile())
                .redirectErrorStream(true);
        builder.environment().remove("SLUICE_ENDPOINT");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), out);
    }

    @Test
    void everyExampleCommandWorksAsWritten(@TempDir Path dataDir) throws Exception {
        try (ServerSocket probe = new ServerSocket(7070, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThat(probe.getLocalPort()).isEqualTo(7070);
        } catch (IOException taken) {
            throw new AssertionError("port 7070 is in use; stop the local stack running there to run this test", taken);
        }
        List<String> commands = commands(List.of("### A first session with curl", "## Command-line tool"));
        assertThat(commands).hasSizeGreaterThanOrEqualTo(12);
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", 7070, dataDir,
                ROOT.resolve("template.yaml"), EmbeddedBackends.infraDir()))) {
            List<String> outputs = new ArrayList<>();
            for (String command : commands) {
                Result result = run(command);
                assertThat(result.exit()).as("%s%n%s", command, result.out()).isZero();
                assertThat(result.out()).as(command).doesNotContain("\"error\"");
                outputs.add(result.out());
            }
            String all = String.join("\n", outputs);
            assertThat(all).contains("\"name\":\"orders\"").contains("\"offset\":1")
                    .contains("Created topic clicks with 3 partitions.")
                    .contains("user-1=home").contains("user-2=search").contains("user-1=checkout")
                    .contains("\"partition\"").contains("dashboards")
                    .contains("clicks/0 -> 0");
        }
    }
}
