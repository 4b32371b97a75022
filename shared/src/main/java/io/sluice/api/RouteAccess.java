package io.sluice.api;

import io.sluice.acl.Operation;
import io.sluice.acl.ResourceType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which operation each route needs on which resource: the one table, as Kafka documents its own, that
 * {@link HttpApi} enforces and the README prints ({@link #markdownTable()}; a test holds the two equal).
 * A route runs only if every one of its checks passes; a check with {@code orCluster} also passes with
 * the same operation on the cluster.
 */
public final class RouteAccess {

    /** Where a check finds the resource's name. */
    public enum Name {
        /** The {@code {topic}} path parameter. */
        PATH_TOPIC("`{topic}`"),
        /** The {@code {group}} path parameter. */
        PATH_GROUP("`{group}`"),
        /** The cluster, {@value ResourceType#CLUSTER_NAME}. */
        CLUSTER("`" + ResourceType.CLUSTER_NAME + "`"),
        /** The body's {@code name}. */
        BODY_NAME("named by the body's `name`"),
        /** Every topic the body names ({@code topics}, or each of {@code offsets}). */
        BODY_TOPICS("named in the body, each one"),
        /** The body's {@code deadLetterTopic}, when it has one. */
        BODY_DEAD_LETTER_TOPIC("named by the body's `deadLetterTopic`"),
        /** Each item of the answer: the list shows only those that pass. */
        EACH_LISTED("listed, each one (the answer shows only those)");

        private final String text;

        Name(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** One check: any of {@code operations} on the {@code type} resource found by {@code name}. */
    public record Check(List<Operation> operations, ResourceType type, Name name, boolean orCluster) {
        public Check {
            operations = List.copyOf(operations);
        }

        String text() {
            return operations.stream().map(Operation::wire).collect(Collectors.joining(" or ")) + " on "
                    + type.wire() + " " + name.text() + (orCluster ? ", or on the cluster" : "");
        }
    }

    /** A route's checks, and what it does beyond them (ownership, hidden fields). */
    public record Rule(List<Check> checks, String note) {
        public Rule {
            checks = List.copyOf(checks);
        }
    }

    private static final Map<Route, Rule> TABLE = new EnumMap<>(Route.class);

    private static Check check(Operation operation, ResourceType type, Name name) {
        return new Check(List.of(operation), type, name, false);
    }

    private static void rule(Route route, String note, Check... checks) {
        TABLE.put(route, new Rule(List.of(checks), note));
    }

    static {
        rule(Route.CREATE_TOPIC, "", new Check(List.of(Operation.CREATE), ResourceType.TOPIC, Name.BODY_NAME, true));
        rule(Route.LIST_TOPICS, "", check(Operation.DESCRIBE, ResourceType.TOPIC, Name.EACH_LISTED));
        rule(Route.DESCRIBE_TOPIC, "", check(Operation.DESCRIBE, ResourceType.TOPIC, Name.PATH_TOPIC));
        rule(Route.DELETE_TOPIC, "", new Check(List.of(Operation.DELETE), ResourceType.TOPIC, Name.PATH_TOPIC, true));
        rule(Route.PRODUCE, "with a `producerId`: only the producer's owner, or an admin",
                check(Operation.WRITE, ResourceType.TOPIC, Name.PATH_TOPIC));
        rule(Route.INIT_PRODUCER, "a name is owned by the principal that first initialized it: anyone else is "
                        + "refused, unless an admin; without a name, no check (the id is the caller's)",
                check(Operation.WRITE, ResourceType.PRODUCER, Name.BODY_NAME));
        rule(Route.FETCH, "", check(Operation.READ, ResourceType.TOPIC, Name.PATH_TOPIC));
        rule(Route.LIST_OFFSETS, "", check(Operation.READ, ResourceType.TOPIC, Name.PATH_TOPIC));
        rule(Route.LIST_GROUPS, "", check(Operation.DESCRIBE, ResourceType.GROUP, Name.EACH_LISTED));
        rule(Route.HEARTBEAT, "", check(Operation.READ, ResourceType.GROUP, Name.PATH_GROUP),
                check(Operation.READ, ResourceType.TOPIC, Name.BODY_TOPICS));
        rule(Route.COMMIT_OFFSETS, "", check(Operation.READ, ResourceType.GROUP, Name.PATH_GROUP),
                check(Operation.READ, ResourceType.TOPIC, Name.BODY_TOPICS));
        rule(Route.DESCRIBE_GROUP, "member ids and epochs only with describe on the group; offsets only of "
                        + "topics the caller may describe",
                new Check(List.of(Operation.READ, Operation.DESCRIBE), ResourceType.GROUP, Name.PATH_GROUP, false));
        rule(Route.RESET_GROUP, "", check(Operation.ALTER, ResourceType.GROUP, Name.PATH_GROUP));
        rule(Route.RUN_MAINTENANCE, "", check(Operation.ALTER, ResourceType.CLUSTER, Name.CLUSTER));
        rule(Route.PUT_SHARE_GROUP, "its readers then read these topics through it",
                check(Operation.ALTER, ResourceType.SHARE_GROUP, Name.PATH_GROUP),
                check(Operation.READ, ResourceType.TOPIC, Name.BODY_TOPICS),
                check(Operation.WRITE, ResourceType.TOPIC, Name.BODY_DEAD_LETTER_TOPIC));
        rule(Route.LIST_SHARE_GROUPS, "", check(Operation.DESCRIBE, ResourceType.SHARE_GROUP, Name.EACH_LISTED));
        rule(Route.DESCRIBE_SHARE_GROUP, "", check(Operation.DESCRIBE, ResourceType.SHARE_GROUP, Name.PATH_GROUP));
        rule(Route.DELETE_SHARE_GROUP, "", check(Operation.DELETE, ResourceType.SHARE_GROUP, Name.PATH_GROUP));
        rule(Route.SHARE_FETCH, "", check(Operation.READ, ResourceType.SHARE_GROUP, Name.PATH_GROUP));
        rule(Route.SHARE_ACKS, "", check(Operation.READ, ResourceType.SHARE_GROUP, Name.PATH_GROUP));
        rule(Route.RESET_SHARE_GROUP, "", check(Operation.ALTER, ResourceType.SHARE_GROUP, Name.PATH_GROUP));
        rule(Route.CREATE_ACL, "", check(Operation.ALTER, ResourceType.CLUSTER, Name.CLUSTER));
        rule(Route.LIST_ACLS, "", check(Operation.ALTER, ResourceType.CLUSTER, Name.CLUSTER));
        rule(Route.DELETE_ACL, "", check(Operation.ALTER, ResourceType.CLUSTER, Name.CLUSTER));
        for (Route route : Route.values()) {
            if (!TABLE.containsKey(route)) {
                throw new IllegalStateException(route + " has no entry in the operation table");
            }
        }
    }

    private RouteAccess() {
    }

    /** The checks of {@code route}. */
    public static Rule of(Route route) {
        return TABLE.get(route);
    }

    /** The table as the README prints it: one row a route, in {@link Route} order. */
    public static String markdownTable() {
        List<String> lines = new ArrayList<>();
        lines.add("| route | needs | also |");
        lines.add("|---|---|---|");
        for (Route route : Route.values()) {
            Rule rule = TABLE.get(route);
            lines.add("| `" + route.routeKey() + "` | " + rule.checks().stream().map(Check::text)
                    .collect(Collectors.joining("; ")) + " | " + rule.note() + " |");
        }
        return String.join("\n", lines) + "\n";
    }
}
