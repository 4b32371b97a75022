package io.sluice.client.wire;

import java.util.List;

/** The JSON of the ACL routes (issue 16): {@code POST/GET/DELETE /acls}. */
public final class AclWire {

    private AclWire() {
    }

    /**
     * One ACL: {@code principal} (an IAM ARN, {@code jwt:<issuer>#<sub>}, {@code jwtgroup:<name>} or
     * {@code *}); {@code resourceType} topic, group, share-group, producer or cluster; {@code patternType}
     * literal or prefixed; {@code operation} read, write, describe, create, delete, alter or all;
     * {@code permission} allow or deny.
     */
    public record Binding(String principal, String resourceType, String resourceName, String patternType,
                          String operation, String permission) {
    }

    /** The answer of {@code GET /acls}. */
    public record BindingList(List<Binding> acls) {
    }

    /** The answer of {@code POST /acls}: the binding, and whether it is new (false: it was already there). */
    public record Created(Binding acl, boolean created) {
    }
}
