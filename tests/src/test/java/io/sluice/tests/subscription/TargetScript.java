package io.sluice.tests.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a test target does, per subscription, and what it received: each call takes the next scripted
 * answer (then answers 200 with an empty body for ever after) and records the batch's offsets.
 */
final class TargetScript {

    /** One scripted answer: an HTTP status (a Lambda target throws for non-2xx) and a body. */
    record Answer(int status, String body) {
        static Answer ok() {
            return new Answer(200, "");
        }

        static Answer fail() {
            return new Answer(500, "");
        }

        static Answer partial(long offset) {
            return new Answer(200, "{\"batchItemFailures\":[{\"offset\":" + offset + "}]}");
        }
    }

    /** A batch as the target received it. */
    record Batch(String subscription, int partition, List<Long> offsets, List<String> values) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ConcurrentLinkedQueue<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<Batch>> received = new ConcurrentHashMap<>();

    void script(String subscription, Answer... answers) {
        scripts.computeIfAbsent(subscription, s -> new ConcurrentLinkedQueue<>()).addAll(List.of(answers));
    }

    /** Every later call to {@code subscription} fails. */
    void failAlways(String subscription) {
        script(subscription, new Answer(-1, ""));
    }

    void succeedFromNowOn(String subscription) {
        scripts.remove(subscription);
    }

    /** Records the batch in {@code body} and answers the subscription's next scripted answer. */
    Answer receive(byte[] body) {
        JsonNode batch;
        try {
            batch = JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String subscription = batch.path("subscription").asText();
        List<Long> offsets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        batch.path("records").forEach(r -> {
            offsets.add(r.path("offset").asLong());
            values.add(new String(java.util.Base64.getDecoder().decode(r.path("value").asText()),
                    java.nio.charset.StandardCharsets.UTF_8));
        });
        received.computeIfAbsent(subscription, s -> new ConcurrentLinkedQueue<>())
                .add(new Batch(subscription, batch.path("partition").asInt(), offsets, values));
        ConcurrentLinkedQueue<Answer> script = scripts.get(subscription);
        if (script == null) {
            return Answer.ok();
        }
        Answer next = script.peek();
        if (next != null && next.status() == -1) {
            return Answer.fail();
        }
        next = script.poll();
        return next == null ? Answer.ok() : next;
    }

    List<Batch> received(String subscription) {
        return List.copyOf(received.getOrDefault(subscription, new ConcurrentLinkedQueue<>()));
    }

    /** The offsets of one partition in the order the target received them, batch after batch. */
    List<Long> offsets(String subscription, int partition) {
        List<Long> all = new ArrayList<>();
        received(subscription).stream().filter(b -> b.partition() == partition).forEach(b -> all.addAll(b.offsets()));
        return all;
    }
}
