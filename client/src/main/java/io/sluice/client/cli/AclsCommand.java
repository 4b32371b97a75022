package io.sluice.client.cli;

import io.sluice.client.SluiceAdmin;
import io.sluice.client.wire.AclWire;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice acls add|list|remove} (issue 16). A refused call prints the server's code and message
 * ({@code sluice: NOT_AUTHORIZED: ...}) and exits 1, as every command does.
 */
@Command(name = "acls", description = "Add, list and remove ACLs: who may do what on which topics, groups, share "
        + "groups, producers and the cluster. Changes take effect within 30 s.",
        subcommands = {AclsCommand.Add.class, AclsCommand.ListAcls.class, AclsCommand.Remove.class})
final class AclsCommand {

    /** The fields of one binding, as {@code add} and {@code remove} take them. */
    static final class BindingOptions {
        @Option(names = "--principal", required = true, description = "An IAM user or role ARN, jwt:<issuer>#<sub>, "
                + "jwtgroup:<name>, or * for every caller.") String principal;
        @Option(names = "--resource-type", required = true,
                description = "topic, group, share-group, producer or cluster.") String resourceType;
        @Option(names = "--resource-name", required = true,
                description = "The name, a prefix (with --pattern prefixed), * for all, or sluice-cluster.")
        String resourceName;
        @Option(names = "--pattern", defaultValue = "literal",
                description = "literal or prefixed. Default: ${DEFAULT-VALUE}.") String patternType;
        @Option(names = "--operation", required = true,
                description = "read, write, describe, create, delete, alter or all.") String operation;
        @Option(names = "--permission", defaultValue = "allow",
                description = "allow or deny (a matching deny always wins). Default: ${DEFAULT-VALUE}.")
        String permission;

        AclWire.Binding binding() {
            return new AclWire.Binding(principal, resourceType, resourceName, patternType, operation, permission);
        }
    }

    @Command(name = "add", description = "Add an ACL.")
    static final class Add implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Mixin BindingOptions acl;

        @Override
        public Integer call() {
            boolean created = new SluiceAdmin(endpoint.http()).createAcl(acl.binding());
            System.out.println((created ? "Added: " : "Already there: ") + describe(acl.binding()));
            return 0;
        }
    }

    @Command(name = "list", description = "List ACLs, optionally only those of a principal, resource type or name.")
    static final class ListAcls implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Option(names = "--principal") String principal;
        @Option(names = "--resource-type") String resourceType;
        @Option(names = "--resource-name") String resourceName;

        @Override
        public Integer call() {
            List<AclWire.Binding> acls = new SluiceAdmin(endpoint.http()).listAcls(principal, resourceType, resourceName);
            System.out.printf("%-6s %-48s %-9s %-12s %-9s %s%n", "PERM", "PRINCIPAL", "OPERATION", "TYPE", "PATTERN",
                    "RESOURCE");
            acls.forEach(a -> System.out.printf("%-6s %-48s %-9s %-12s %-9s %s%n", a.permission(), a.principal(),
                    a.operation(), a.resourceType(), a.patternType(), a.resourceName()));
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove an ACL (the same fields as add).")
    static final class Remove implements Callable<Integer> {
        @Mixin SluiceCli.Endpoint endpoint;
        @Mixin BindingOptions acl;

        @Override
        public Integer call() {
            new SluiceAdmin(endpoint.http()).deleteAcl(acl.binding());
            System.out.println("Removed: " + describe(acl.binding()));
            return 0;
        }
    }

    static String describe(AclWire.Binding b) {
        return b.permission() + " " + b.principal() + " " + b.operation() + " on " + b.resourceType() + " "
                + b.resourceName() + (b.patternType().equalsIgnoreCase("prefixed") ? "* (prefixed)" : "");
    }
}
