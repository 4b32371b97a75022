package io.sluice.tests.subscription;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A user's Lambda function, as the local stack's target mapping loads it: it answers what the shared
 * {@link TargetScript} says, throwing where an http target would answer 5xx. The test and the local
 * stack share the class (the target classpath's loader delegates to the test's), so they share the script.
 */
public final class RecordingTargetFunction implements RequestStreamHandler {

    static final TargetScript SCRIPT = new TargetScript();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        TargetScript.Answer answer = SCRIPT.receive(input.readAllBytes());
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException("scripted failure " + answer.status());
        }
        output.write((answer.body().isEmpty() ? "null" : answer.body()).getBytes(StandardCharsets.UTF_8));
    }
}
