package io.sluice.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/** The head's producer states as a compact JSON attribute. */
final class ProducerStates {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<Long, ProducerState>> TYPE = new TypeReference<>() {
    };

    private ProducerStates() {
    }

    static String toJson(Map<Long, ProducerState> producers) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(producers));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<Long, ProducerState> fromJson(String json) {
        try {
            return JSON.readValue(json, TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable producer states in a partition head", e);
        }
    }
}
