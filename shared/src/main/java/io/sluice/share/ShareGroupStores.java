package io.sluice.share;

import io.sluice.group.DynamoGroupStore;
import io.sluice.group.GroupStore;

/** The share group store that belongs beside a consumer group store. */
public final class ShareGroupStores {

    private ShareGroupStores() {
    }

    /**
     * In the same DynamoDB table as a {@link DynamoGroupStore} (so the Lambda functions, whose Services pass
     * one to LogServices.create, get the DynamoDB store); in memory beside any other group store (the
     * in-memory ones of unit tests).
     */
    public static ShareGroupStore beside(GroupStore groups) {
        return groups instanceof DynamoGroupStore dynamo ? new DynamoShareGroupStore(dynamo.client(), dynamo.table())
                : new InMemoryShareGroupStore();
    }
}
