package io.sluice.subscription;

/** What a target made of a batch. */
public sealed interface Outcome {

    /** The whole batch is acknowledged (a 2xx, or a Lambda function that returned normally). */
    record Acknowledged() implements Outcome {
    }

    /** Acknowledged up to {@code failedOffset}; delivery resumes there ({@code batchItemFailures}). */
    record Partial(long failedOffset) implements Outcome {
    }

    /** Nothing is acknowledged. */
    record Failed(String error) implements Outcome {
    }
}
