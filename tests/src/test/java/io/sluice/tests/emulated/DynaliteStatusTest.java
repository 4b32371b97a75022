package io.sluice.tests.emulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.infra.Dynalite;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * dynalite survives a client that drops its connection mid-request (as DynamoDB would), and when it does die,
 * {@link Dynalite#status()} says so, with its exit code.
 */
class DynaliteStatusTest {

    @Test
    void aClientAbortingARequestMidwayLeavesDynaliteServingOthers() throws Exception {
        Path infra = Path.of(System.getProperty("sluice.infra.dir", "../infra")).toAbsolutePath().normalize();
        try (Dynalite dynalite = Dynalite.start(infra, null, "127.0.0.1", 0)) {
            for (int i = 0; i < 3; i++) {
                try (java.net.Socket socket = new java.net.Socket("127.0.0.1", dynalite.endpoint().getPort())) {
                    // a header promising 1,000 bytes of body, 10 of them sent, then the connection closed
                    socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                            + "application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                            + "Content-Length: 1000\r\n\r\n{\"Limit\":1").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    Thread.sleep(100);
                }
            }
            Thread.sleep(300);
            assertThat(dynalite.status()).isEqualTo("running");
            try (var dynamo = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                    .endpointOverride(dynalite.endpoint())
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                    .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("x", "y")))
                    .build()) {
                assertThat(dynamo.listTables().tableNames()).isEmpty();
            }
        }
    }

    @Test
    void aDeadDynaliteSaysHowItEnded() throws Exception {
        Path infra = Path.of(System.getProperty("sluice.infra.dir", "../infra")).toAbsolutePath().normalize();
        try (Dynalite dynalite = Dynalite.start(infra, null, "127.0.0.1", 0)) {
            assertThat(dynalite.status()).isEqualTo("running");
            String port = Integer.toString(dynalite.endpoint().getPort());
            List<ProcessHandle> node = ProcessHandle.current().children()
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains(port)).orElse(false))
                    .toList();
            assertThat(node).as("dynalite's process, found by its port").hasSize(1);
            node.get(0).destroyForcibly();
            node.get(0).onExit().get(10, TimeUnit.SECONDS);
            assertThat(dynalite.status()).startsWith("exited with code ");
        }
    }
}
