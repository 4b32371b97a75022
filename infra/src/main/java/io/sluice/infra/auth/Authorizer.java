package io.sluice.infra.auth;

/**
 * Checks a request's credentials before its route's function runs, as an API Gateway authorizer does. One
 * per gateway; called concurrently.
 */
public interface Authorizer {

    /** No check at all ({@code --auth none}): every request goes through, with no authorizer context. */
    Authorizer NONE = new Authorizer() {
        @Override
        public AuthDecision authorize(AuthRequest request, String routeKey) {
            return new AuthDecision.Allowed(null);
        }

        @Override
        public boolean checksCredentials() {
            return false;
        }
    };

    /** Decides {@code request}, which matched the route {@code routeKey} (such as {@code GET /topics/{topic}}). */
    AuthDecision authorize(AuthRequest request, String routeKey);

    /** True when a request without valid credentials is refused. */
    boolean checksCredentials();
}
