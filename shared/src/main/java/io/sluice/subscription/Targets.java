package io.sluice.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calls a subscription's target with a batch and reads the answer. An http target gets a POST, with
 * {@code X-Sluice-Timestamp} and, when the target has a secret, {@code X-Sluice-Signature: v1=<hex
 * HMAC-SHA256 over "<timestamp>.<body>">}; a Lambda target is invoked synchronously. Every call has a
 * timeout. Loopback addresses are refused unless {@code allowLoopback} (the local stack only).
 */
public final class Targets {

    public static final String TIMESTAMP_HEADER = "X-Sluice-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Sluice-Signature";
    /** Lambda's limit on a synchronous invocation's payload. */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

    private final HttpClient http;
    private final LambdaInvoker lambda;
    private final Clock clock;
    private final Duration timeout;
    private final boolean allowLoopback;

    public Targets(HttpClient http, LambdaInvoker lambda, Clock clock, Duration timeout, boolean allowLoopback) {
        this.http = http;
        this.lambda = lambda;
        this.clock = clock;
        this.timeout = timeout;
        this.allowLoopback = allowLoopback;
    }

    public Duration timeout() {
        return timeout;
    }

    public boolean allowsLoopback() {
        return allowLoopback;
    }

    /** Delivers one batch payload; never throws for the target's own failures. */
    public Outcome deliver(Target target, byte[] payload) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return new Outcome.Failed("the batch is " + payload.length + " bytes, over " + MAX_PAYLOAD_BYTES);
        }
        return target.isLambda() ? lambda(target, payload) : http(target, payload);
    }

    private Outcome lambda(Target target, byte[] payload) {
        if (lambda == null) {
            return new Outcome.Failed("this deployment has no Lambda client");
        }
        LambdaInvoker.Result result;
        try {
            result = lambda.invoke(target.functionArn(), payload, timeout);
        } catch (RuntimeException e) {
            return new Outcome.Failed("invoke failed: " + e.getMessage());
        }
        if (result.status() / 100 != 2) {
            return new Outcome.Failed("Lambda answered " + result.status() + ": " + text(result.payload()));
        }
        if (result.functionError() != null) {
            return new Outcome.Failed("function error (" + result.functionError() + "): " + text(result.payload()));
        }
        return partial(result.payload());
    }

    private Outcome http(Target target, byte[] payload) {
        URI uri;
        try {
            uri = URI.create(target.url());
            requireAllowed(uri, allowLoopback);
        } catch (IllegalArgumentException e) {
            return new Outcome.Failed(e.getMessage());
        }
        String timestamp = Long.toString(clock.millis());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("content-type", "application/json")
                .header(TIMESTAMP_HEADER, timestamp)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        if (target.secret() != null) {
            request.header(SIGNATURE_HEADER, "v1=" + sign(target.secret(), timestamp, payload));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new Outcome.Failed("POST " + uri + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Failed("interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            return new Outcome.Failed("POST " + uri + " answered " + response.statusCode());
        }
        return partial(response.body());
    }

    /** A 2xx or a normal return: the whole batch, unless it lists {@code batchItemFailures}. */
    private static Outcome partial(byte[] body) {
        if (body == null || body.length == 0) {
            return new Outcome.Acknowledged();
        }
        JsonNode node;
        try {
            node = SubscriptionItems.JSON.readTree(body);
        } catch (IOException e) {
            return new Outcome.Acknowledged();
        }
        JsonNode failures = node == null ? null : node.get("batchItemFailures");
        if (failures == null || !failures.isArray() || failures.isEmpty()) {
            return new Outcome.Acknowledged();
        }
        long first = Long.MAX_VALUE;
        for (JsonNode f : failures) {
            JsonNode offset = f.get("offset");
            if (offset == null || !offset.canConvertToLong()) {
                if (f.get("itemIdentifier") != null && f.get("itemIdentifier").asText().matches("\\d+")) {
                    offset = f.get("itemIdentifier");
                } else {
                    return new Outcome.Failed("batchItemFailures has an entry without an offset: " + f);
                }
            }
            first = Math.min(first, offset.asLong());
        }
        return new Outcome.Partial(first);
    }

    /**
     * Throws unless {@code uri} is an https URL (or http to a loopback address where loopback is allowed)
     * whose host is not a loopback address (unless allowed).
     */
    public static void requireAllowed(URI uri, boolean allowLoopback) {
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (host == null || scheme == null) {
            throw new IllegalArgumentException("target url must be an absolute https URL, was " + uri);
        }
        boolean loopback;
        boolean linkLocal;
        try {
            InetAddress address = InetAddress.getByName(host);
            loopback = "localhost".equalsIgnoreCase(host) || address.isLoopbackAddress();
            // 169.254.0.0/16 and the wildcard address: instance metadata and this host, never a target.
            linkLocal = address.isLinkLocalAddress() || address.isAnyLocalAddress();
        } catch (UnknownHostException e) {
            loopback = false;
            linkLocal = false;
        }
        if (linkLocal) {
            throw new IllegalArgumentException("target url " + uri + " is a link-local or wildcard address");
        }
        if (loopback && !allowLoopback) {
            throw new IllegalArgumentException("target url " + uri + " is a loopback address; only the local stack "
                    + "delivers to loopback");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw new IllegalArgumentException("target url must use https (plain http only to loopback on the "
                    + "local stack), was " + uri);
        }
    }

    /** The hex HMAC-SHA256 of {@code "<timestamp>.<body>"} under {@code secret}. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(byte[] payload) {
        if (payload == null) {
            return "";
        }
        String s = new String(payload, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
