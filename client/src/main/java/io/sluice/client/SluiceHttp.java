package io.sluice.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.client.wire.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * JSON over HTTP to a Sluice endpoint. Requests to AWS are signed with SigV4 for {@code execute-api},
 * with the SDK's own signer and credentials from the default provider chain; requests to a local
 * stack (localhost, 127.0.0.1) are not signed, unless {@link Config#withSigV4} asks for it (a stack run
 * with {@code sluice-local --auth iam}). With a bearer token (the JWT-authorized API of a stack deployed
 * with {@code JwtIssuer}, or {@code sluice-local --auth jwt}), requests carry {@code Authorization: Bearer}
 * instead; a token is never sent over plain http except to a loopback address.
 */
public final class SluiceHttp {

    /** Where and how to connect. */
    public record Config(URI endpoint, String region, Duration timeout, AwsCredentialsProvider credentials,
                         Supplier<String> bearerToken, boolean signLocal) {

        /** The local stack's default address. */
        public static final URI LOCAL = URI.create("http://127.0.0.1:7070");

        /** SigV4 with these credentials (null: the default chain), or nothing for a local stack. */
        public Config(URI endpoint, String region, Duration timeout, AwsCredentialsProvider credentials) {
            this(endpoint, region, timeout, credentials, null);
        }

        public Config(URI endpoint, String region, Duration timeout, AwsCredentialsProvider credentials,
                      Supplier<String> bearerToken) {
            this(endpoint, region, timeout, credentials, bearerToken, false);
        }

        /**
         * Sign with SigV4 even when the endpoint is a local stack (one run with {@code sluice-local --auth iam}),
         * with these credentials (null: the default chain).
         */
        public Config withSigV4(AwsCredentialsProvider credentials) {
            return new Config(endpoint, region, timeout, credentials, null, true);
        }

        public static Config of(URI endpoint) {
            String region = System.getenv().getOrDefault("AWS_REGION",
                    System.getenv().getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
            return new Config(endpoint, region, Duration.ofSeconds(60), null);
        }

        /**
         * Authenticate with a bearer token instead of SigV4. The supplier is asked before every request,
         * so it can hand out a refreshed token; surrounding whitespace is dropped.
         */
        public Config withBearerToken(Supplier<String> token) {
            return new Config(endpoint, region, timeout, credentials, token, false);
        }

        public Config withBearerToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("the bearer token is empty");
            }
            return withBearerToken(() -> token);
        }

        /** True for a local stack, which is not signed unless {@link #withSigV4} asked for it. */
        public boolean local() {
            String host = endpoint.getHost();
            return host == null || host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                    || host.equals("::1");
        }

        /**
         * True when the endpoint is a loopback address (localhost, 127.0.0.0/8, ::1): a request to it never
         * leaves this machine. Names other than localhost are not resolved, so never count as loopback.
         */
        public boolean loopback() {
            String host = endpoint.getHost();
            if (host == null) {
                return false;
            }
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            if (bare.equalsIgnoreCase("localhost")) {
                return true;
            }
            if (!bare.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !bare.contains(":")) {
                return false; // a name: resolving it here would let DNS decide where a token goes
            }
            try {
                return java.net.InetAddress.getByName(bare).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
    }

    private static final ObjectMapper JSON = Wire.mapper();
    /** Responses are read tolerantly: a field added by a newer server is ignored, never an error. */
    private static final ObjectMapper RESPONSES = Wire.responseMapper();
    private static final String CONTENT_TYPE = "application/json";

    private final Config config;
    private final HttpClient http;
    private final AwsCredentialsProvider credentials;
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();
    private final Clock clock;

    /**
     * @throws IllegalArgumentException for a bearer token and a plain-http endpoint that is not loopback:
     *                                  the token would cross the network readable by anyone on the way
     */
    public SluiceHttp(Config config) {
        this(config, Clock.systemUTC());
    }

    /** With the clock that dates signatures, for tests. */
    SluiceHttp(Config config, Clock clock) {
        if (config.bearerToken() != null && "http".equalsIgnoreCase(config.endpoint().getScheme())
                && !config.loopback()) {
            throw new IllegalArgumentException("refusing to send a bearer token over plain http to "
                    + config.endpoint().getHost() + ": anyone on the way could read and replay it; use the https "
                    + "endpoint (plain http is only allowed to a loopback address such as 127.0.0.1)");
        }
        this.config = config;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.credentials = config.bearerToken() != null || config.local() && !config.signLocal() ? null
                : config.credentials() != null ? config.credentials() : DefaultCredentialsProvider.builder().build();
    }

    public Config config() {
        return config;
    }

    public <T> T get(String path, Class<T> type) {
        return send("GET", path, null, type);
    }

    public <T> T post(String path, Object body, Class<T> type) {
        return send("POST", path, body, type);
    }

    /** POST of a body that is already JSON (the producer assembles its requests from serialized records). */
    public <T> T postJson(String path, byte[] json, Class<T> type) {
        return exchange("POST", path, json, type, config.timeout());
    }

    /**
     * As {@link #postJson(String, byte[], Class)}, waiting at most {@code timeout} (and never longer than the
     * configured timeout) for the answer; a request that times out is one whose outcome is unknown.
     */
    public <T> T postJson(String path, byte[] json, Class<T> type, Duration timeout) {
        Duration bounded = timeout.compareTo(config.timeout()) < 0 ? timeout : config.timeout();
        return exchange("POST", path, json, type, bounded.isNegative() || bounded.isZero() ? Duration.ofMillis(1) : bounded);
    }

    public void delete(String path) {
        send("DELETE", path, null, Void.class);
    }

    /** Sends one request; a non-2xx answer becomes a {@link SluiceClientException} with its code. */
    public <T> T send(String method, String path, Object body, Class<T> type) {
        byte[] payload;
        try {
            payload = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + body, e);
        }
        return exchange(method, path, payload, type, config.timeout());
    }

    private <T> T exchange(String method, String path, byte[] payload, Class<T> type, Duration timeout) {
        URI uri = config.endpoint().resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, payload.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(payload));
        if (payload.length > 0) {
            request.header("content-type", CONTENT_TYPE);
        }
        authorization(method, uri, payload).forEach(request::header);
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new SluiceClientException(0, "UNREACHABLE", "no answer from " + config.endpoint() + ": " + e, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException(0, "INTERRUPTED", "interrupted", null, e);
        }
        try {
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return type == Void.class || response.body().length == 0 ? null
                        : RESPONSES.readValue(response.body(), type);
            }
            JsonNode error = errorBody(response.body());
            String code = error == null ? null : error.path("error").asText(null);
            if (code == null && response.statusCode() == 429) {
                code = "THROTTLED"; // API Gateway's own throttle: {"message":"Too Many Requests"}, no code
            }
            String message = error == null ? "HTTP " + response.statusCode()
                    : error.path("message").asText(error.path("Message").asText("HTTP " + response.statusCode()));
            throw new SluiceClientException(response.statusCode(), code == null ? "HTTP_" + response.statusCode() : code,
                    message, error, null);
        } catch (IOException e) {
            throw new SluiceClientException(response.statusCode(), "BAD_RESPONSE",
                    "unreadable answer from " + uri + ": " + e.getMessage(), null, e);
        }
    }

    /** The error body as JSON, or null when it is empty or not JSON (a proxy's HTML page, say). */
    private static JsonNode errorBody(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = RESPONSES.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The bearer token, or else the SigV4 headers for a request to AWS; none for a local stack. */
    Map<String, String> authorization(String method, URI uri, byte[] payload) {
        if (config.bearerToken() != null) {
            String token = config.bearerToken().get();
            if (token == null || token.isBlank()) {
                throw new SluiceClientException(0, "NO_TOKEN", "the bearer token supplier gave no token", null, null);
            }
            return Map.of("Authorization", "Bearer " + token.strip());
        }
        if (credentials == null) {
            return Map.of();
        }
        // Sign exactly the headers this request will carry: content-type only with a body (API Gateway
        // recomputes the signature over the headers it receives, so a signed header that is not sent
        // makes it answer 403). Host is signed too; HttpClient sends it from the URI, as signed.
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (payload.length > 0) {
            unsigned.putHeader("content-type", CONTENT_TYPE);
        }
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SdkHttpRequest signed = sign(unsigned.build(), payload, identity, config.region(), "execute-api", clock);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        signed.headers().forEach((name, values) -> {
            // host is set by HttpClient itself (a restricted header), content-type by send()
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-type")) {
                headers.put(name, String.join(",", values));
            }
        });
        return headers;
    }

    /**
     * {@code request} signed with the SDK's SigV4 signer for {@code service} in {@code region}, dated by
     * {@code clock}: the one place the client signs (held to AWS's published SigV4 test vectors).
     */
    static SdkHttpRequest sign(SdkHttpRequest request, byte[] payload, AwsCredentialsIdentity identity, String region,
                               String service, Clock clock) {
        SignedRequest signed = SIGNER.sign(r -> r.identity(identity).request(request)
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        return signed.request();
    }
}
