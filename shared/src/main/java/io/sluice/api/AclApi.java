package io.sluice.api;

import io.sluice.acl.AclBinding;
import io.sluice.acl.AclFilter;
import io.sluice.acl.Authorizer;
import io.sluice.acl.Operation;
import io.sluice.acl.PatternType;
import io.sluice.acl.Permission;
import io.sluice.acl.ResourceType;
import io.sluice.client.wire.AclWire;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;

/**
 * The ACL routes (issue 16): {@code POST /acls} adds a binding, {@code GET /acls} lists them (filtered by
 * principal, resource type and resource name), {@code DELETE /acls} removes one. All need alter on the
 * cluster ({@link RouteAccess}), checked before they run. A change is seen at once by the function that
 * made it, and by every other within the cache time ({@link Authorizer#MAX_CACHE_TTL}).
 */
final class AclApi {

    private AclApi() {
    }

    static ApiResponse dispatch(Authorizer authorizer, Route route, ApiRequest request) {
        return switch (route) {
            case CREATE_ACL -> {
                AclBinding binding = binding(HttpApi.parse(request, AclWire.Binding.class));
                boolean created = authorizer.store().add(binding);
                authorizer.changed();
                yield HttpApi.json(created ? 201 : 200, new AclWire.Created(toWire(binding), created));
            }
            case LIST_ACLS -> {
                String type = request.query().get("resourceType");
                ResourceType resourceType = blank(type) ? null : ResourceType.fromWire(type);
                if (!blank(type) && resourceType == null) {
                    throw new SluiceException(ErrorCode.INVALID_ACL,
                            "resourceType must be topic, group, share-group, producer or cluster");
                }
                AclFilter filter = new AclFilter(emptyToNull(request.query().get("principal")), resourceType,
                        emptyToNull(request.query().get("resourceName")));
                yield HttpApi.json(200, new AclWire.BindingList(authorizer.store().all().stream()
                        .filter(filter::matches).map(AclApi::toWire).toList()));
            }
            case DELETE_ACL -> {
                AclBinding binding = binding(HttpApi.parse(request, AclWire.Binding.class));
                if (!authorizer.store().remove(binding)) {
                    throw new SluiceException(ErrorCode.UNKNOWN_ACL, "no such ACL: " + binding);
                }
                authorizer.changed();
                yield new ApiResponse(204, "");
            }
            default -> throw new IllegalArgumentException(route + " is not an ACL route");
        };
    }

    /** The binding a body names, each field checked: a bad one is 400 INVALID_ACL naming it. */
    static AclBinding binding(AclWire.Binding body) {
        ResourceType type = ResourceType.fromWire(body.resourceType());
        if (body.resourceType() != null && type == null) {
            throw invalid("resourceType must be topic, group, share-group, producer or cluster, was "
                    + quote(body.resourceType()));
        }
        PatternType pattern = body.patternType() == null ? null : PatternType.fromWire(body.patternType());
        if (body.patternType() != null && pattern == null) {
            throw invalid("patternType must be literal or prefixed, was " + quote(body.patternType()));
        }
        Operation operation = body.operation() == null ? null : Operation.fromWire(body.operation());
        if (body.operation() != null && operation == null) {
            throw invalid("operation must be read, write, describe, create, delete, alter or all, was "
                    + quote(body.operation()));
        }
        Permission permission = body.permission() == null ? null : Permission.fromWire(body.permission());
        if (body.permission() != null && permission == null) {
            throw invalid("permission must be allow or deny, was " + quote(body.permission()));
        }
        return new AclBinding(body.principal(), type, body.resourceName(), pattern, operation, permission);
    }

    static AclWire.Binding toWire(AclBinding b) {
        return new AclWire.Binding(b.principal(), b.resourceType().wire(), b.resourceName(), b.patternType().wire(),
                b.operation().wire(), b.permission().wire());
    }

    private static SluiceException invalid(String message) {
        return new SluiceException(ErrorCode.INVALID_ACL, message);
    }

    private static String quote(String value) {
        return "'" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'";
    }

    private static boolean blank(String value) {
        return value == null || value.isEmpty();
    }

    private static String emptyToNull(String value) {
        return blank(value) ? null : value;
    }
}
