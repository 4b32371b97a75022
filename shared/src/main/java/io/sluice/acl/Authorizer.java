package io.sluice.acl;

import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a principal may do an operation on a resource, the check every route makes before it
 * touches anything (issue 16).
 *
 * <ul>
 *   <li>Under {@link Mode#OPEN} everyone may do everything (the behaviour before ACLs).</li>
 *   <li>Under {@link Mode#ACL} an admin principal always may; anyone else needs a matching allow and no
 *       matching deny (deny wins). The anonymous principal (a request without identity) never may.</li>
 * </ul>
 *
 * <p>The bindings are read through a cache: one {@link AclStore#all()} when the cache is cold or older
 * than its time to live (at most 30 s), and no store call at all while it is warm. Concurrent requests
 * on a cold cache wait for the one read. Admins and {@code open} never read the store. A change made
 * through this instance ({@link #changed()}) is seen at once here, and by every other function within
 * the time to live.
 */
public final class Authorizer {

    /** The longest a function trusts the ACLs it read; the README promises changes take effect within it. */
    public static final Duration MAX_CACHE_TTL = Duration.ofSeconds(30);

    /** The template parameter {@code Authorization}. */
    public enum Mode {
        /** Enforce the ACLs (the default). */
        ACL,
        /** Everyone may do everything: today's behaviour, logged at startup. */
        OPEN;

        /** The mode named {@code value} ({@code acl} or {@code open}, case-insensitive); anything else is refused. */
        public static Mode fromWire(String value) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(value)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("Authorization must be acl or open, was " + value);
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private record Snapshot(List<AclBinding> bindings, long loadedAtMillis) {
    }

    private final Mode mode;
    private final Set<String> admins;
    private final AclStore store;
    private final Clock clock;
    private final long ttlMillis;
    private final Object loading = new Object();
    private volatile Snapshot snapshot;

    /**
     * @param admins principals that always pass (template parameter {@code AdminPrincipals}, or the local
     *               stack's {@code --admin})
     * @param ttl    how long bindings read from {@code store} are trusted, at most {@link #MAX_CACHE_TTL}
     */
    public Authorizer(Mode mode, Set<String> admins, AclStore store, Clock clock, Duration ttl) {
        if (ttl.isNegative() || ttl.compareTo(MAX_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("the ACL cache lives 0 to 30 s, not " + ttl);
        }
        this.mode = mode;
        this.admins = Set.copyOf(admins);
        this.store = store;
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
    }

    /** Everyone may do everything, and no store is read: handlers built without an authorizer, and tests. */
    public static Authorizer open() {
        return new Authorizer(Mode.OPEN, Set.of(), new InMemoryAclStore(), Clock.systemUTC(), Duration.ZERO);
    }

    public Mode mode() {
        return mode;
    }

    public Set<String> admins() {
        return admins;
    }

    /** Where the bindings are kept: the ACL routes add, list and remove through it. */
    public AclStore store() {
        return store;
    }

    /** Whether {@code principal} is an admin: named, or one of its groups named, in the admin list. */
    public boolean isAdmin(Principal principal) {
        return mode == Mode.OPEN || (!principal.isAnonymous() && principal.names().stream().anyMatch(admins::contains));
    }

    /** Whether {@code principal} may do {@code operation} on {@code type} {@code name}. */
    public boolean allowed(Principal principal, Operation operation, ResourceType type, String name) {
        if (isAdmin(principal)) {
            return true;
        }
        if (principal.isAnonymous()) {
            return false;
        }
        Set<Operation> denying = operation.deniedBy();
        Set<Operation> granting = operation.grantedBy(type);
        boolean allowed = false;
        for (AclBinding b : bindings()) {
            if (!b.appliesTo(principal) || !b.covers(type, name)) {
                continue;
            }
            if (b.permission() == Permission.DENY && denying.contains(b.operation())) {
                return false;
            }
            if (b.permission() == Permission.ALLOW && granting.contains(b.operation())) {
                allowed = true;
            }
        }
        return allowed;
    }

    /**
     * Refuses unless {@code principal} may do {@code operation} on {@code type} {@code name}.
     *
     * @throws SluiceException 403 NOT_AUTHORIZED naming the operation and the resource
     */
    public void require(Principal principal, Operation operation, ResourceType type, String name) {
        if (!allowed(principal, operation, type, name)) {
            throw notAuthorized(principal, operation, type, name);
        }
    }

    /**
     * The refusal: it names who asked, the operation and the resource, and never which ACL would have
     * allowed it.
     */
    public static SluiceException notAuthorized(Principal principal, Operation operation, ResourceType type,
                                                String name) {
        return new SluiceException(ErrorCode.NOT_AUTHORIZED, principal.name() + " is not authorized to "
                + operation.wire() + " " + type.wire() + " " + name, Map.of("operation", operation.wire(),
                "resourceType", type.wire(), "resourceName", name));
    }

    /** Forgets the cached bindings: after a change made through this function, its next check reads them again. */
    public void changed() {
        snapshot = null;
    }

    /** The bindings, from the cache while it is younger than its time to live, else read once. */
    List<AclBinding> bindings() {
        Snapshot current = snapshot;
        long now = clock.millis();
        if (fresh(current, now)) {
            return current.bindings();
        }
        synchronized (loading) {
            current = snapshot;
            now = clock.millis();
            if (fresh(current, now)) {
                return current.bindings();
            }
            Snapshot loaded = new Snapshot(List.copyOf(store.all()), now);
            snapshot = loaded;
            return loaded.bindings();
        }
    }

    private boolean fresh(Snapshot s, long now) {
        return s != null && now >= s.loadedAtMillis() && now - s.loadedAtMillis() < ttlMillis;
    }
}
