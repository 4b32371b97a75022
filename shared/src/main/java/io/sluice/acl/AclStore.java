package io.sluice.acl;

import java.util.List;

/**
 * Where the ACLs are kept: in DynamoDB, every binding one item under the one partition key {@code ACL}
 * of the log's table, so that reading them all is one Query (paged past 1 MB).
 */
public interface AclStore {

    /** Every binding, in sort-key order. */
    List<AclBinding> all();

    /** Stores {@code binding}; false if an equal binding was already there (nothing changes). */
    boolean add(AclBinding binding);

    /** Removes {@code binding}; false if there was no such binding. */
    boolean remove(AclBinding binding);
}
