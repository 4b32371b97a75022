package io.sluice.tests.support;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test or class was skipped (for example the LocalStack suites without a Docker engine),
 * so the reason is visible in the build output and not only in the reports.
 */
public final class SkipReasonPrinter implements TestExecutionListener {

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        System.out.println("SKIPPED " + test.getDisplayName() + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED && test.isContainer()) {
            System.out.println("SKIPPED " + test.getDisplayName() + ": "
                    + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }
}
