package io.sluice.tests.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.LocalStack;
import io.sluice.tests.support.EmbeddedBackends;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's share group commands, as written, against a fresh local stack. The one liberty: the
 * stack listens on a free port instead of 7070 (so this test runs beside a developer's local stack), and
 * the commands' {@code localhost:7070} and the CLI's endpoint point there.
 */
class ShareReadmeTest {

    private static final Path ROOT = EmbeddedBackends.projectRoot();

    @Test
    void theQueueSectionRunsAsWritten(@TempDir Path dataDir) throws Exception {
        List<String> commands = ReadmeCommandsTest.commands(List.of("### Queues: share groups"));
        assertThat(commands).hasSize(9);
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (LocalStack stack = LocalStack.start(new LocalStack.Settings("127.0.0.1", port, dataDir,
                ROOT.resolve("template.yaml"), EmbeddedBackends.infraDir()))) {
            List<String> outputs = new ArrayList<>();
            for (String command : commands) {
                ProcessBuilder builder = new ProcessBuilder("bash", "-c", command.replace("localhost:7070",
                        "localhost:" + port)).directory(ROOT.toFile()).redirectErrorStream(true);
                builder.environment().put("SLUICE_ENDPOINT", "http://127.0.0.1:" + port);
                Process process = builder.start();
                String out = new String(process.getInputStream().readAllBytes(), UTF_8);
                assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
                assertThat(process.exitValue()).as("%s%n%s", command, out).isZero();
                assertThat(out).as(command).doesNotContain("\"error\"");
                outputs.add(out);
            }
            assertThat(outputs.get(2)).contains("\"deadLetterTopic\":\"emails-dlq\"");
            assertThat(outputs.get(4)).contains("\"lockToken\"").contains("\"deliveryCount\":1");
            assertThat(outputs.get(7)).isEmpty();
            assertThat(outputs.get(8)).contains("Share group: mailers").contains("acquired 1");
        }
    }
}
