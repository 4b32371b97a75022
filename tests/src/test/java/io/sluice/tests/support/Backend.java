package io.sluice.tests.support;

import java.util.Locale;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one switch that chooses what the suites run against: {@code -Dsluice.backend=} (or
 * {@code SLUICE_BACKEND}) {@code embedded} (default: s3proxy and dynalite, no Docker), {@code localstack}
 * (a pinned LocalStack image through Testcontainers; skipped with the reason when no Docker engine is
 * reachable), or {@code aws} (only the real-AWS end-to-end suite, profile {@code aws-e2e}).
 */
public enum Backend {
    EMBEDDED, LOCALSTACK, AWS;

    public static Backend selected() {
        String chosen = System.getProperty("sluice.backend", System.getenv().getOrDefault("SLUICE_BACKEND", "embedded"));
        try {
            return valueOf(chosen.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sluice.backend must be embedded, localstack or aws, not " + chosen);
        }
    }

    /** The LocalStack image, pinned in the parent POM. */
    public static DockerImageName localStackImage() {
        return DockerImageName.parse(System.getProperty("sluice.localstack.image", "localstack/localstack:4.4.0"));
    }

    private static LocalStackContainer localStack;

    /** One LocalStack container per test JVM, started on first use; aborts (skips) the test without Docker. */
    public static synchronized LocalStackContainer localStack() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new TestAbortedException("no Docker engine is reachable, so the LocalStack backend cannot run here");
        }
        if (localStack == null) {
            localStack = new LocalStackContainer(localStackImage()).withServices("s3", "dynamodb");
            localStack.start();
            Runtime.getRuntime().addShutdownHook(new Thread(localStack::stop, "localstack-stop"));
        }
        return localStack;
    }
}
