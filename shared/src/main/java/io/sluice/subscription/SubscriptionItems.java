package io.sluice.subscription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Subscriptions' DynamoDB items, in the log's table:
 *
 * <pre>
 * config       pk=SUB#&lt;name&gt;    sk=CONFIG                                   version, config (JSON)
 * lane         pk=SUB#&lt;name&gt;    sk=L#&lt;partition, 10 digits&gt;#&lt;lane, 2 digits&gt;  version, lane (JSON)
 * topic index  pk=SUBT#&lt;topic&gt;  sk=&lt;name&gt;                                  factor
 * sweep mark   pk=SUBSWEEP       sk=&lt;name&gt;#&lt;partition&gt;#&lt;lane&gt;               token
 * </pre>
 *
 * <p>The produce path reads only the topic index (one Query per topic per cache period); the sweep reads
 * only the marks, which exist while a lane has a dispatcher or work left, so an idle subscription has no
 * item that anything reads. A lane item holds at most one dead-letter intent of at most
 * {@link Subscription#MAX_BATCH_SIZE} offsets (under 200 KB), within DynamoDB's 400 KB.
 */
public final class SubscriptionItems {

    static final String CONFIG = "CONFIG";
    static final String LANE_PREFIX = "L#";
    static final String SWEEP_PK = "SUBSWEEP";
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
            false);

    private SubscriptionItems() {
    }

    static String pk(String name) {
        return "SUB#" + name;
    }

    static String topicPk(String topic) {
        return "SUBT#" + topic;
    }

    static String markSk(Dispatch d) {
        return d.subscription() + "#" + d.partition() + "#" + d.lane();
    }

    static Dispatch parseMark(String sk) {
        int b = sk.lastIndexOf('#');
        int a = sk.lastIndexOf('#', b - 1);
        return new Dispatch(sk.substring(0, a), Integer.parseInt(sk.substring(a + 1, b)),
                Integer.parseInt(sk.substring(b + 1)));
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    static Map<String, AttributeValue> encode(Subscription s) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk(s.name()), CONFIG));
        item.put("version", AttributeValue.fromN(Long.toString(s.version())));
        item.put("config", AttributeValue.fromS(write(s)));
        return item;
    }

    static Map<String, AttributeValue> encode(Lane lane) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk(lane.subscription()), lane.dispatch().key()));
        item.put("version", AttributeValue.fromN(Long.toString(lane.version())));
        item.put("lane", AttributeValue.fromS(write(lane)));
        return item;
    }

    static Subscription decodeConfig(Map<String, AttributeValue> item) {
        return read(item.get("config").s(), Subscription.class);
    }

    static Lane decodeLane(Map<String, AttributeValue> item) {
        return read(item.get("lane").s(), Lane.class);
    }

    static void requireNextVersion(long expected, long next) {
        if (next != expected + 1) {
            throw new IllegalArgumentException("next version must be " + (expected + 1) + ", was " + next);
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable subscription item: " + e.getOriginalMessage(), e);
        }
    }
}
