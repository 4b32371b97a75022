package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SluiceHttpSigningTest {

    private static SluiceHttp http(String endpoint) {
        return new SluiceHttp(new SluiceHttp.Config(URI.create(endpoint), "eu-west-1", Duration.ofSeconds(5),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))));
    }

    @Test
    void requestsToAwsAreSignedWithSigV4ForExecuteApi() {
        SluiceHttp aws = http("https://abc123.execute-api.eu-west-1.amazonaws.com");
        Map<String, String> headers = aws.signed("POST", URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/topics"),
                "{\"name\":\"t\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(headers.get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/eu-west-1/execute-api/aws4_request")
                .contains("Signature=");
        assertThat(headers).containsKey("X-Amz-Date");
        assertThat(headers.keySet()).noneMatch(h -> h.equalsIgnoreCase("host"));
    }

    @Test
    void theSignatureCoversThePayload() {
        SluiceHttp aws = http("https://abc123.execute-api.eu-west-1.amazonaws.com");
        URI uri = URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/topics");
        String a = aws.signed("POST", uri, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).get("Authorization");
        String b = aws.signed("POST", uri, "{\"a\":2}".getBytes(StandardCharsets.UTF_8)).get("Authorization");
        assertThat(a.substring(a.indexOf("Signature="))).isNotEqualTo(b.substring(b.indexOf("Signature=")));
    }

    @Test
    void nothingIsSignedForTheLocalStack() {
        for (String local : new String[] {"http://127.0.0.1:7070", "http://localhost:7070"}) {
            SluiceHttp http = http(local);
            assertThat(http.config().local()).isTrue();
            assertThat(http.signed("GET", URI.create(local + "/topics"), new byte[0])).isEmpty();
        }
    }
}
