package io.sluice.tests.contract;

import io.sluice.acl.AclStore;
import io.sluice.acl.DynamoAclStore;
import io.sluice.tests.support.Backends;
import io.sluice.tests.support.EmbeddedBackends;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ACL store contract against the real DynamoDB SDK client on dynalite, in the table template.yaml defines. */
@ExtendWith(EmbeddedBackends.class)
class DynamoAclStoreTest extends AclStoreContract {

    private final Backends backends;

    DynamoAclStoreTest(Backends backends) {
        this.backends = backends;
    }

    @Override
    protected AclStore newStore() {
        Backends.Stack stack = backends.fresh();
        return new DynamoAclStore(stack.dynamo(), stack.table());
    }
}
