package io.sluice.functions;

import io.sluice.subscription.Dispatch;
import io.sluice.subscription.DispatchInvoker;
import io.sluice.subscription.LambdaInvoker;
import java.nio.charset.StandardCharsets;

/** Starts a dispatcher with an {@code InvocationType=Event} invoke of the dispatcher function. */
final class LambdaDispatchInvoker implements DispatchInvoker {

    private final LambdaInvoker lambda;
    private final String function;

    LambdaDispatchInvoker(LambdaInvoker lambda, String function) {
        this.lambda = lambda;
        this.function = function;
    }

    @Override
    public void dispatch(Dispatch d) {
        lambda.invokeAsync(function, DispatcherHandler.event(d).getBytes(StandardCharsets.UTF_8));
    }
}
