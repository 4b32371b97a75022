package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.tests.support.EmbeddedBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The one deployable jar that template.yaml's CodeUri names: the handlers, and no heavy HTTP clients. */
class FunctionsJarTest {

    private static final Path JAR = EmbeddedBackends.projectRoot().resolve("functions/target/sluice-functions.jar");

    @Test
    void holdsTheHandlersAndLeavesOutApacheNettyAndLogback() throws IOException {
        assertThat(JAR).as("built by the functions module's package phase").exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("io/sluice/functions/TopicsHandler.class",
                    "io/sluice/functions/ProduceHandler.class", "io/sluice/functions/FetchHandler.class",
                    "io/sluice/api/HttpApi.class", "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class");
            for (String file : io.sluice.console.ConsoleFiles.names()) {
                assertThat(names).as("the web console, served by the topics function").contains("io/sluice/console/" + file);
            }
            assertThat(names).noneMatch(n -> n.startsWith("org/apache/http/") || n.startsWith("io/netty/")
                    || n.startsWith("ch/qos/logback/") || n.startsWith("org/gaul/"));
        }
        System.out.printf("functions jar: %.1f MiB%n", Files.size(JAR) / (1024.0 * 1024.0));
    }
}
