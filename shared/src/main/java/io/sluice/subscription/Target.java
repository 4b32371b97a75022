package io.sluice.subscription;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a subscription pushes its batches: a Lambda function, invoked synchronously, or an HTTPS
 * endpoint, POSTed to (signed with HMAC-SHA256 when {@code secret} is set).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Target(String type, String functionArn, String url, String secret) {

    public static final String LAMBDA = "lambda";
    public static final String HTTP = "http";

    public static Target lambda(String functionArn) {
        return new Target(LAMBDA, functionArn, null, null);
    }

    public static Target http(String url, String secret) {
        return new Target(HTTP, null, url, secret);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isLambda() {
        return LAMBDA.equals(type);
    }

    /** The same target without its secret, for describe. */
    public Target redacted() {
        return new Target(type, functionArn, url, secret == null ? null : "********");
    }
}
