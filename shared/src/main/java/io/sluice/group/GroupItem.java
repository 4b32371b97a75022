package io.sluice.group;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.error.ErrorCode;
import io.sluice.error.SluiceException;
import io.sluice.meta.DynamoItemSize;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A group's META item as DynamoDB stores it: {@code pk = G#<group>}, {@code sk = META}, {@code version},
 * {@code groupEpoch}, and {@code state}, the members and the target assignment as JSON.
 *
 * <p>The whole group is one item, so it is bounded by DynamoDB's 400 KB item limit. Every store refuses
 * a group whose item would exceed {@link #MAX_BYTES} with GROUP_TOO_LARGE before writing anything, the
 * in-memory one included, so that no backend accepts what DynamoDB would refuse, and no request fails
 * with DynamoDB's own error (a 500). A partition costs about 124 bytes plus three times its topic name's
 * length (it is in the target, and in a member's assigned and owned lists): 2,358 partitions of a topic
 * with a 14-character name fit (GroupStoreContract), 2,000 of a 9-character name take 299,680 bytes.
 */
public final class GroupItem {

    /** The most bytes a group item may take: 384 KiB, 16 KiB below DynamoDB's 400 KB item limit. */
    public static final int MAX_BYTES = 384 * 1024;

    static final String META = "META";
    /**
     * The partition key of the group index: every group's entry is {@code pk = GROUPS, sk = G#<group>},
     * beside the topic list's {@code TOPICS}. No other item uses it: the other fixed keys are {@code TOPICS}
     * and {@code GC}, and every per-name key (partition, group, share group) holds a '#'.
     */
    static final String INDEX_PK = "GROUPS";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The stored shape of a group's members and target. */
    private record Body(Map<String, Member> members, Map<String, List<TopicPartition>> target) {
    }

    private GroupItem() {
    }

    static String pk(String group) {
        return "G#" + group;
    }

    static Map<String, AttributeValue> key(String group, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk(group)), "sk", AttributeValue.fromS(sk));
    }

    /** The item, key included. */
    public static Map<String, AttributeValue> encode(GroupState group) {
        String state;
        try {
            state = JSON.writeValueAsString(new Body(group.members(), group.target()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, AttributeValue> item = new HashMap<>(key(group.group(), META));
        item.put("version", AttributeValue.fromN(Long.toString(group.version())));
        item.put("groupEpoch", AttributeValue.fromN(Long.toString(group.groupEpoch())));
        item.put("state", AttributeValue.fromS(state));
        return item;
    }

    static GroupState decode(String group, Map<String, AttributeValue> item) {
        try {
            Body body = JSON.readValue(item.get("state").s(), Body.class);
            return new GroupState(group, Long.parseLong(item.get("version").n()),
                    Long.parseLong(item.get("groupEpoch").n()), body.members(), body.target());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("group item " + group + " is unreadable", e);
        }
    }

    /** The size of the group's item as DynamoDB counts it. */
    public static int bytes(GroupState group) {
        return DynamoItemSize.of(encode(group));
    }

    /**
     * {@code item}, the encoding of {@code group}, if it is within {@link #MAX_BYTES}.
     *
     * @throws SluiceException GROUP_TOO_LARGE, naming the limit
     */
    static Map<String, AttributeValue> requireWithinBound(GroupState group, Map<String, AttributeValue> item) {
        int bytes = DynamoItemSize.of(item);
        if (bytes > MAX_BYTES) {
            long partitions = group.target().values().stream().mapToLong(List::size).sum();
            throw new SluiceException(ErrorCode.GROUP_TOO_LARGE, String.format("group %s would take %,d bytes"
                    + " with %,d partitions, over the limit of %,d bytes for a group (its members and the partitions"
                    + " of the topics they subscribe to are one DynamoDB item, at most 400 KB); nothing was changed:"
                    + " subscribe to fewer partitions, or split the consumers into several groups", group.group(),
                    bytes, partitions, MAX_BYTES), Map.of("groupBytes", bytes, "maxGroupBytes", MAX_BYTES));
        }
        return item;
    }
}
