package io.sluice.subscription;

/**
 * Lambda's Invoke API, as the dispatcher and the produce path need it: in AWS a SigV4-signed call to
 * the Lambda service, locally the local stack's emulation of the same API.
 */
public interface LambdaInvoker {

    /** A synchronous invocation's answer: the payload, and the function error if it failed. */
    record Result(int status, String functionError, byte[] payload) {
    }

    /** {@code InvocationType=RequestResponse}: runs the function and answers its result. */
    Result invoke(String function, byte[] payload, java.time.Duration timeout);

    /** {@code InvocationType=Event}: queues the invocation and returns; throws if Lambda did not accept it. */
    void invokeAsync(String function, byte[] payload);
}
