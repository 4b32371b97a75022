package io.sluice.api;

import io.sluice.acl.Authorizer;
import io.sluice.acl.Operation;
import io.sluice.acl.Principal;
import io.sluice.acl.ResourceType;
import java.util.Collection;
import java.util.Map;

/**
 * One request's authorization: the caller, the route, and the route's checks from {@link RouteAccess},
 * resolved against the names the request gives. {@link HttpApi} runs the path checks before it parses a
 * body, and each route runs its body checks right after parsing, before it changes or reads anything.
 */
final class Guard {

    private final Authorizer authorizer;
    private final Principal caller;
    private final Route route;

    Guard(Authorizer authorizer, Principal caller, Route route) {
        this.authorizer = authorizer;
        this.caller = caller;
        this.route = route;
    }

    Principal caller() {
        return caller;
    }

    boolean isAdmin() {
        return authorizer.isAdmin(caller);
    }

    /** The checks that take their name from the path or the cluster: before anything else runs. */
    void requirePath(Map<String, String> path) {
        for (RouteAccess.Check check : RouteAccess.of(route).checks()) {
            switch (check.name()) {
                case PATH_TOPIC -> require(check, path.get("topic"));
                case PATH_GROUP -> require(check, path.get("group"));
                case CLUSTER -> require(check, ResourceType.CLUSTER_NAME);
                default -> {
                    // resolved by the route, once it has parsed its body
                }
            }
        }
    }

    /** The checks that take their name from {@code name}'s part of the body: each of {@code names}. */
    void require(RouteAccess.Name name, Collection<String> names) {
        for (RouteAccess.Check check : RouteAccess.of(route).checks()) {
            if (check.name() == name) {
                for (String resource : names) {
                    require(check, resource);
                }
            }
        }
    }

    void require(RouteAccess.Name name, String resource) {
        if (resource != null) {
            require(name, java.util.List.of(resource));
        }
    }

    /** Whether a listed item passes the route's {@link RouteAccess.Name#EACH_LISTED} check. */
    boolean mayList(String resource) {
        for (RouteAccess.Check check : RouteAccess.of(route).checks()) {
            if (check.name() == RouteAccess.Name.EACH_LISTED && !passes(check, resource)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the caller may do {@code operation} on {@code type} {@code name}, beyond the route's own checks. */
    boolean may(Operation operation, ResourceType type, String name) {
        return authorizer.allowed(caller, operation, type, name);
    }

    private void require(RouteAccess.Check check, String named) {
        String resource = named == null ? "" : named;
        if (!passes(check, resource)) {
            throw Authorizer.notAuthorized(caller, check.operations().get(0), check.type(), resource);
        }
    }

    private boolean passes(RouteAccess.Check check, String resource) {
        for (Operation operation : check.operations()) {
            if (authorizer.allowed(caller, operation, check.type(), resource)) {
                return true;
            }
            if (check.orCluster() && authorizer.allowed(caller, operation, ResourceType.CLUSTER,
                    ResourceType.CLUSTER_NAME)) {
                return true;
            }
        }
        return false;
    }
}
