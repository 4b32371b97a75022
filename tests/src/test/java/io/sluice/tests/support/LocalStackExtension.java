package io.sluice.tests.support;

import io.sluice.infra.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the local stack in this JVM, on a free port with a temporary data directory, once per test
 * JVM, and hands tests a {@link HttpApiClient} for it. It is the same stack the README's first command
 * runs: s3proxy and dynalite on disk, template.yaml's routes served by the Lambda handler classes.
 */
public final class LocalStackExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == HttpApiClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return shared();
    }

    private static Running running;

    /**
     * The one local stack of this test JVM, started on first use and stopped when the JVM exits. Also
     * for tests that cannot take JUnit parameters (jqwik properties).
     */
    public static synchronized HttpApiClient shared() {
        if (running == null) {
            running = Running.start();
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "local-stack-stop"));
        }
        return running.client();
    }

    static final class Running implements AutoCloseable {
        private final LocalStack stack;
        private final HttpApiClient client;

        private Running(LocalStack stack) {
            this.stack = stack;
            this.client = new HttpApiClient(stack.endpoint());
        }

        static Running start() {
            try {
                Path dataDir = Files.createTempDirectory("sluice-local-test");
                LocalStack.External external = null;
                if (Backend.selected() == Backend.LOCALSTACK) {
                    var container = Backend.localStack();
                    external = new LocalStack.External(container.getEndpoint(), container.getEndpoint(),
                            container.getAccessKey(), container.getSecretKey());
                }
                return new Running(LocalStack.start(new LocalStack.Settings("127.0.0.1", 0, dataDir,
                        EmbeddedBackends.projectRoot().resolve("template.yaml"), EmbeddedBackends.infraDir(), external)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        HttpApiClient client() {
            return client;
        }

        @Override
        public void close() {
            stack.close();
        }
    }
}
