package io.sluice.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.wire.Wire;
import java.util.List;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SnapStart priming: before Lambda takes the snapshot of an initialized function, one DynamoDB GetItem
 * (of a key that never exists; every function is allowed GetItem on the table) and one JSON round trip
 * load and warm the SDK's request path and Jackson, so restored functions do not pay for it on their
 * first request. Outside a CRaC runtime the hook is never called.
 */
public final class Priming implements Resource {

    /** Strong references: CRaC keeps resources weakly. */
    private static final List<Priming> REGISTERED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final DynamoDbClient dynamo;
    private final String table;

    private Priming(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static void register(DynamoDbClient dynamo, String table) {
        Priming priming = of(dynamo, table);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    /** A priming resource for this client and table, not registered (for tests). */
    public static Priming of(DynamoDbClient dynamo, String table) {
        return new Priming(dynamo, table);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to refresh: the clients resolve credentials per request
    }

    /** The priming itself; answers whether the priming key was found (it never is). */
    public boolean prime() throws Exception {
        ObjectMapper json = Wire.mapper();
        json.readValue(json.writeValueAsBytes(new Wire.ProduceRequest(List.of(), null, null, null)),
                Wire.ProduceRequest.class);
        return dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("PRIMING"),
                "sk", AttributeValue.fromS("PRIMING")))).hasItem();
    }
}
