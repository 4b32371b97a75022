package io.sluice.share;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.meta.DynamoItemSize;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Share groups' DynamoDB items, in the log's table:
 *
 * <pre>
 * config           pk=SG#&lt;group&gt;  sk=CONFIG                              version, config (JSON)
 * share-partition  pk=SG#&lt;group&gt;  sk=P#&lt;topic&gt;#&lt;partition, 10 digits&gt;   version, groupId, topicId, startOffset, window (JSON)
 * </pre>
 *
 * <p>The window JSON holds the ranges ({@code n} records, {@code s} state code, {@code c} delivery count,
 * {@code t} lock token, {@code e} expiry), one key hash per window record, the dead-letter intents, the
 * dead-letter producer and the counters. Its bound: at most {@link SharePartition#DEFAULT_MAX_IN_FLIGHT}
 * window records, so at most that many ranges (about 70 bytes each with a 22-character token and a
 * 13-digit expiry), key hashes (at most 12 bytes each) and intents (about 60 bytes each): under 150 KB
 * even when every record is its own range with its own token and an intent, well under
 * {@link #MAX_BYTES}. ShareItemSizeTest builds that worst case and measures it with {@link DynamoItemSize}.
 */
public final class ShareItem {

    /** The most bytes a share-partition item may take: 384 KiB, 16 KiB below DynamoDB's 400 KB limit. */
    public static final int MAX_BYTES = 384 * 1024;
    static final String CONFIG = "CONFIG";
    static final String PARTITION_PREFIX = "P#";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The stored shape of the window. */
    private record Body(@JsonProperty("r") List<Range> ranges, @JsonProperty("h") List<Integer> keyHashes,
                        @JsonProperty("d") List<DeadLetter> deadLetters, @JsonProperty("p") DeadLetterProducer producer,
                        @JsonProperty("a") long accepted, @JsonProperty("x") long archived,
                        @JsonProperty("l") long deadLettered, @JsonProperty("k") long skipped) {
    }

    private ShareItem() {
    }

    static String pk(String group) {
        return "SG#" + group;
    }

    static String sk(String topic, int partition) {
        return PARTITION_PREFIX + topic + "#" + String.format("%010d", partition);
    }

    static Map<String, AttributeValue> key(String group, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk(group)), "sk", AttributeValue.fromS(sk));
    }

    public static Map<String, AttributeValue> encode(ShareGroupConfig config) {
        Map<String, AttributeValue> item = new HashMap<>(key(config.group(), CONFIG));
        item.put("version", n(config.version()));
        item.put("config", AttributeValue.fromS(write(config)));
        return item;
    }

    static ShareGroupConfig decodeConfig(Map<String, AttributeValue> item) {
        try {
            return JSON.readValue(item.get("config").s(), ShareGroupConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("share group config item is unreadable", e);
        }
    }

    /** The item, key included; {@code groupId} names the group incarnation it belongs to. */
    public static Map<String, AttributeValue> encode(String groupId, SharePartition p) {
        Map<String, AttributeValue> item = new HashMap<>(key(p.group(), sk(p.topic(), p.partition())));
        item.put("version", n(p.version()));
        item.put("groupId", AttributeValue.fromS(groupId));
        item.put("topic", AttributeValue.fromS(p.topic()));
        item.put("partition", n(p.partition()));
        item.put("topicId", AttributeValue.fromS(p.topicId()));
        item.put("startOffset", n(p.startOffset()));
        item.put("window", AttributeValue.fromS(write(new Body(p.ranges(), p.keyHashes(), p.deadLetters(),
                p.producer(), p.accepted(), p.archived(), p.deadLettered(), p.skipped()))));
        return item;
    }

    static String groupIdOf(Map<String, AttributeValue> item) {
        return item.get("groupId").s();
    }

    static SharePartition decode(String group, Map<String, AttributeValue> item) {
        try {
            Body b = JSON.readValue(item.get("window").s(), Body.class);
            return new SharePartition(group, item.get("topic").s(), Integer.parseInt(item.get("partition").n()),
                    item.get("topicId").s(), Long.parseLong(item.get("version").n()),
                    Long.parseLong(item.get("startOffset").n()), b.ranges(), b.keyHashes(), b.deadLetters(),
                    b.producer(), b.accepted(), b.archived(), b.deadLettered(), b.skipped());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("share-partition item of " + group + " is unreadable", e);
        }
    }

    /** The size of the share-partition's item as DynamoDB counts it. */
    public static int bytes(String groupId, SharePartition p) {
        return DynamoItemSize.of(encode(groupId, p));
    }

    /** {@code item} if it is within {@link #MAX_BYTES}; otherwise a bug, since the window is bounded. */
    static Map<String, AttributeValue> requireWithinBound(SharePartition p, Map<String, AttributeValue> item) {
        int bytes = DynamoItemSize.of(item);
        if (bytes > MAX_BYTES) {
            throw new IllegalStateException(String.format("share-partition %s %s/%d would take %,d bytes, over %,d",
                    p.group(), p.topic(), p.partition(), bytes, MAX_BYTES));
        }
        return item;
    }

    static void requireNextVersion(long expectedVersion, long nextVersion) {
        if (nextVersion != expectedVersion + 1) {
            throw new IllegalArgumentException("next version must be " + (expectedVersion + 1) + ", was " + nextVersion);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
