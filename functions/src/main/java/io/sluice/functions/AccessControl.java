package io.sluice.functions;

import io.sluice.acl.Authorizer;
import io.sluice.acl.Principal;

/**
 * What a handler needs to know who is calling and what they may do (issue 16): the {@link Authorizer},
 * the JWT claim whose values become group principals (empty: none), and the principal of a request whose
 * context carries no identity (the local stack under {@code --auth none}; null in AWS, where every
 * request is authorized by IAM or a JWT, so such a request is anonymous and may do nothing).
 */
public record AccessControl(Authorizer authorizer, String jwtGroupsClaim, Principal unauthenticated) {

    /** Today's behaviour: no ACLs, no store reads. */
    public static AccessControl open() {
        return new AccessControl(Authorizer.open(), "", null);
    }
}
