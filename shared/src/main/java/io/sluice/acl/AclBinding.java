package io.sluice.acl;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.TopicConfig;

/**
 * One ACL, Kafka's model kept small: {@code principal} (or {@code *}, everyone) may or may not
 * ({@code permission}) do {@code operation} on the resources of {@code resourceType} whose name
 * {@code resourceName} matches by {@code patternType}. Validates itself: a bad binding is a 400
 * INVALID_ACL naming the field.
 */
public record AclBinding(String principal, ResourceType resourceType, String resourceName, PatternType patternType,
                         Operation operation, Permission permission) {

    /** The principal that matches every caller (never the anonymous one). */
    public static final String ANY_PRINCIPAL = "*";
    /**
     * Longer principals (in UTF-8 bytes) are refused: the principal is part of the item's sort key, which
     * DynamoDB caps at 1,024 bytes, and the rest of the key takes up to 287. IAM role and user ARNs are far
     * shorter (a name is at most 64 characters).
     */
    public static final int MAX_PRINCIPAL_LENGTH = 512;

    public AclBinding {
        if (principal == null || principal.isBlank()) {
            throw invalid("principal is required: an IAM ARN, jwt:<issuer>#<sub>, jwtgroup:<name> or *");
        }
        if (principal.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PRINCIPAL_LENGTH || !principal.equals(principal.strip())
                || principal.chars().anyMatch(Character::isISOControl)) {
            throw invalid("principal must be at most " + MAX_PRINCIPAL_LENGTH
                    + " bytes, without control characters or surrounding spaces");
        }
        if (resourceType == null) {
            throw invalid("resourceType is required: topic, group, share-group, producer or cluster");
        }
        if (patternType == null) {
            throw invalid("patternType is required: literal or prefixed");
        }
        if (operation == null) {
            throw invalid("operation is required: read, write, describe, create, delete, alter or all");
        }
        if (permission == null) {
            throw invalid("permission is required: allow or deny");
        }
        if (resourceName == null || resourceName.isEmpty()) {
            throw invalid("resourceName is required");
        }
        if (resourceType == ResourceType.CLUSTER) {
            if (patternType != PatternType.LITERAL || !(resourceName.equals(ResourceType.CLUSTER_NAME)
                    || resourceName.equals(PatternType.WILDCARD))) {
                throw invalid("the cluster resource is the literal name " + ResourceType.CLUSTER_NAME);
            }
        } else if (!(patternType == PatternType.LITERAL && resourceName.equals(PatternType.WILDCARD))
                && !TopicConfig.NAME.matcher(resourceName).matches()) {
            throw invalid("resourceName must be 1 to 249 characters of [a-zA-Z0-9._-], or the literal *");
        }
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_ACL, message);
    }

    /** Whether this binding speaks of one of the caller's {@code principal} names ({@code *}: any but anonymous). */
    public boolean appliesTo(Principal caller) {
        if (caller.isAnonymous()) {
            return false;
        }
        return principal.equals(ANY_PRINCIPAL) || caller.names().contains(principal);
    }

    /** Whether this binding covers {@code name} of {@code type}. */
    public boolean covers(ResourceType type, String name) {
        return resourceType == type && patternType.matches(resourceName, name);
    }

    /**
     * The item's sort key: every field, the principal last (it alone may hold {@code #}, as
     * {@code jwt:<issuer>#<sub>} does; no other field can). Two bindings have the same key exactly when
     * they are equal.
     */
    public String sortKey() {
        return resourceType.wire() + "#" + patternType.wire() + "#" + resourceName + "#" + operation.wire() + "#"
                + permission.wire() + "#" + principal;
    }

    @Override
    public String toString() {
        return permission.wire() + " " + principal + " " + operation.wire() + " on " + resourceType.wire() + " "
                + (patternType == PatternType.PREFIXED ? resourceName + "* (prefixed)" : resourceName);
    }
}
