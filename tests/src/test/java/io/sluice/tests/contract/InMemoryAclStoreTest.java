package io.sluice.tests.contract;

import io.sluice.acl.AclStore;
import io.sluice.acl.InMemoryAclStore;

/** The ACL store contract against the in-memory store. */
class InMemoryAclStoreTest extends AclStoreContract {

    @Override
    protected AclStore newStore() {
        return new InMemoryAclStore();
    }
}
