package io.sluice.functions;

import io.sluice.subscription.LambdaInvoker;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Lambda's Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}), SigV4-signed with the
 * SDK's signer and sent with the JDK's HTTP client: the whole of what the dispatcher and the produce path
 * need from Lambda, without the Lambda SDK module. The endpoint is Lambda's in the region, or
 * {@code AWS_ENDPOINT_URL_LAMBDA} (the local stack's emulation of the same API).
 */
final class AwsLambdaInvoker implements LambdaInvoker {

    private static final Duration ASYNC_TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> UNSIGNABLE = List.of("host", "content-length");

    private final HttpClient http;
    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    AwsLambdaInvoker(HttpClient http, URI endpoint, String region, AwsCredentialsProvider credentials) {
        this.http = http;
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
    }

    static URI defaultEndpoint(String region) {
        return URI.create("https://lambda." + region + ".amazonaws.com");
    }

    @Override
    public Result invoke(String function, byte[] payload, Duration timeout) {
        HttpResponse<byte[]> response = send(function, "RequestResponse", payload, timeout);
        return new Result(response.statusCode(), response.headers().firstValue("X-Amz-Function-Error").orElse(null),
                response.body());
    }

    @Override
    public void invokeAsync(String function, byte[] payload) {
        HttpResponse<byte[]> response = send(function, "Event", payload, ASYNC_TIMEOUT);
        if (response.statusCode() != 202) {
            throw new IllegalStateException("Lambda did not queue the invocation of " + function + ": "
                    + response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    private HttpResponse<byte[]> send(String function, String type, byte[] payload, Duration timeout) {
        URI uri = endpoint.resolve("/2015-03-31/functions/" + URLEncoder.encode(function, StandardCharsets.UTF_8)
                + "/invocations");
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("X-Amz-Invocation-Type", type)
                .putHeader("Content-Type", "application/json")
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials()).request(unsigned)
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            if (!UNSIGNABLE.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                header.getValue().forEach(v -> request.header(header.getKey(), v));
            }
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("invoke of " + function + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while invoking " + function, e);
        }
    }
}
