package io.sluice.acl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Who is calling, as the functions derive it from API Gateway's request context (never from a request
 * body): an IAM user or role ARN, {@code jwt:<issuer>#<sub>}, or the local stack's principal; plus the
 * group principals ({@code jwtgroup:<value>}) a token's groups claim adds. ACLs may name any of them.
 */
public record Principal(String name, List<String> groups) {

    /** The local stack's principal: without credentials, or with the environment's own. */
    public static final String LOCAL = "arn:aws:iam::000000000000:user/local";
    /** A request that carried no identity at all; it matches no ACL, not even {@code *}, and is no admin. */
    public static final Principal ANONYMOUS = new Principal("anonymous", List.of());

    public Principal {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a principal needs a name");
        }
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    public static Principal of(String name) {
        return new Principal(name, List.of());
    }

    public boolean isAnonymous() {
        return this.equals(ANONYMOUS);
    }

    /** The name and the group principals: every name an ACL or the admin list may match. */
    public List<String> names() {
        if (groups.isEmpty()) {
            return List.of(name);
        }
        List<String> all = new ArrayList<>(groups.size() + 1);
        all.add(name);
        all.addAll(groups);
        return Collections.unmodifiableList(all);
    }
}
