package io.sluice.functions;

import com.amazonaws.services.lambda.runtime.Context;

/** A function's log lines, written where Lambda collects them. */
final class FunctionLog {

    private FunctionLog() {
    }

    /**
     * Writes one JSON line through the invocation's logger (Lambda sends it to the function's log stream; the
     * local stack to its own error stream, whatever System.out is at the time); without a context, for a
     * handler called directly, to standard output.
     */
    static void line(Context context, String json) {
        if (context == null) {
            System.out.println(json);
        } else {
            context.getLogger().log(json);
        }
    }
}
