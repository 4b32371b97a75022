package io.sluice.tests.support;

import io.sluice.infra.Dynalite;
import io.sluice.infra.EmbeddedS3;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The one JUnit 5 extension for every test that needs S3 and DynamoDB: s3proxy in-process (in memory)
 * and dynalite as a Node child process (in memory), each on a free loopback port; or, with
 * {@code -Dsluice.backend=localstack}, a LocalStack container (see {@link Backend}). They start once per
 * test run, on first use, and are stopped when the run ends. Tests ask for a {@link Backends} parameter
 * and take a fresh bucket and table from it, so no test sees another's data.
 */
public final class EmbeddedBackends implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedBackends.class);

    /** Where {@code npm ci} installed dynalite; Surefire sets it, and it defaults to the sibling module. */
    public static Path infraDir() {
        return Path.of(System.getProperty("sluice.infra.dir", "../infra"));
    }

    /** The checkout's top directory, where template.yaml and the README are. */
    public static Path projectRoot() {
        return infraDir().resolve("..").toAbsolutePath().normalize();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == Backends.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        switch (Backend.selected()) {
            case LOCALSTACK:
                return Backends.of(Backend.localStack());
            case AWS:
                throw new org.opentest4j.TestAbortedException(
                        "sluice.backend=aws runs only the real-AWS end-to-end suite (profile aws-e2e)");
            default:
                return extension.getRoot().getStore(NAMESPACE)
                        .getOrComputeIfAbsent(Emulators.class, key -> Emulators.start(), Emulators.class)
                        .backends();
        }
    }

    /** The running emulators; closed by JUnit when the root context closes. */
    static final class Emulators implements AutoCloseable {
        private final EmbeddedS3 s3;
        private final Dynalite dynalite;
        private final Backends backends;

        private Emulators(EmbeddedS3 s3, Dynalite dynalite) {
            this.s3 = s3;
            this.dynalite = dynalite;
            this.backends = new Backends(s3.endpoint(), dynalite.endpoint(), io.sluice.infra.EmbeddedS3.ACCESS_KEY,
                    io.sluice.infra.EmbeddedS3.SECRET_KEY);
        }

        static Emulators start() {
            EmbeddedS3 s3 = EmbeddedS3.inMemory();
            try {
                return new Emulators(s3, Dynalite.start(infraDir(), null, "127.0.0.1", 0));
            } catch (RuntimeException e) {
                s3.close();
                throw e;
            }
        }

        Backends backends() {
            return backends;
        }

        @Override
        public void close() {
            try {
                dynalite.close();
            } finally {
                s3.close();
            }
        }
    }
}
