package io.sluice.infra.auth;

/** What the local stack checks before a route's function runs ({@code sluice-local --auth}). */
public enum AuthMode {
    /** Nothing: every request goes through. The default, for a stack bound to loopback. */
    none,
    /** SigV4 for execute-api, as the deployed HttpApi's AWS_IAM authorizer. */
    iam,
    /** A bearer JWT from the given issuer, as the deployed JwtHttpApi's JWT authorizer. */
    jwt
}
