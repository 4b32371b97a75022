package io.sluice.infra.auth;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;

/** What an authorizer decided about one request. */
public sealed interface AuthDecision {

    /**
     * Let the request through; {@code authorizer} goes into the event's {@code requestContext.authorizer}
     * (null when nothing checked the caller).
     */
    record Allowed(APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer) implements AuthDecision {
    }

    /**
     * Refuse it as API Gateway does: {@code status} with the body {@code {"message": message}} and these
     * extra response headers. {@code reason} is for the local log only, never sent.
     */
    record Refused(int status, String message, Map<String, String> headers, String reason) implements AuthDecision {
        public Refused {
            headers = Map.copyOf(headers);
        }
    }
}
