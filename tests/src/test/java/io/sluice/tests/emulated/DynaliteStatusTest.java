package io.sluice.tests.emulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.Dynalite;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When dynalite dies under a run, {@link Dynalite#status()} says so, with its exit code. */
class DynaliteStatusTest {

    @Test
    void aDeadDynaliteSaysHowItEnded() throws Exception {
        Path infra = Path.of(System.getProperty("sluice.infra.dir", "../infra")).toAbsolutePath().normalize();
        try (Dynalite dynalite = Dynalite.start(infra, null, "127.0.0.1", 0)) {
            assertThat(dynalite.status()).isEqualTo("running");
            String port = Integer.toString(dynalite.endpoint().getPort());
            List<ProcessHandle> node = ProcessHandle.current().children()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains(port)).orElse(false))
                    .toList();
            assertThat(node).as("dynalite's process, found by its port").hasSize(1);
            node.get(0).destroyForcibly();
            node.get(0).onExit().get(10, TimeUnit.SECONDS);
            assertThat(dynalite.status()).startsWith("exited with code ");
        }
    }
}
