package io.sluice.tests.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.sluice.infra.SamTemplate;
import io.sluice.log.ProduceService;
import io.sluice.tests.support.EmbeddedBackends;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The functions' SDK clients (UrlConnectionHttpClient, over the JDK's HttpURLConnection) keep at most
 * {@code http.maxConnections} idle connections per host, 5 unless set. A produce call commits up to
 * {@link ProduceService#DEFAULT_COMMIT_THREADS} partitions at once, so with the default every 16-partition
 * call would close 11 DynamoDB connections and open (on AWS: TLS-handshake) 11 new ones. The template sets
 * the limit for every function; this test reads it from the template and counts the connections a JVM
 * started with the template's JAVA_TOOL_OPTIONS opens, against one started without the setting.
 */
class KeepAliveConnectionsTest {

    private static final Path TEMPLATE = EmbeddedBackends.projectRoot().resolve("template.yaml");
    private static final int WIDTH = ProduceService.DEFAULT_COMMIT_THREADS;
    private static final int ROUNDS = 4;

    private static List<String> javaToolOptions(SamTemplate.FunctionDef function) {
        var value = function.environment().get("JAVA_TOOL_OPTIONS");
        assertThat(value).as(function.logicalId() + " has JAVA_TOOL_OPTIONS").isNotNull();
        return Arrays.asList(value.asText().trim().split("\\s+"));
    }

    @Test
    void everyFunctionKeepsAliveAConnectionForEachPartitionCommittedAtOnce() {
        for (SamTemplate.FunctionDef function : SamTemplate.load(TEMPLATE).functions()) {
            int max = javaToolOptions(function).stream().filter(o -> o.startsWith("-Dhttp.maxConnections="))
                    .mapToInt(o -> Integer.parseInt(o.substring(o.indexOf('=') + 1))).findFirst().orElse(5);
            assertThat(max).as(function.logicalId() + ": http.maxConnections").isGreaterThanOrEqualTo(WIDTH);
        }
    }

    @Test
    void withTheTemplatesOptionsRoundsOfConcurrentRequestsReuseTheirConnections() throws Exception {
        List<String> options = javaToolOptions(SamTemplate.load(TEMPLATE).functions().get(0));
        List<String> without = options.stream().filter(o -> !o.startsWith("-Dhttp.maxConnections=")).toList();

        assertThat(connectionsOpened(options)).as("connections for %d rounds of %d at once", ROUNDS, WIDTH)
                .isLessThanOrEqualTo(WIDTH);
        // The JDK's default of 5: every round after the first reopens all but 5 (16 + 3 * 11 = 49 when each
        // round's requests are all open together, as the server's 50 ms answers make them).
        assertThat(connectionsOpened(without)).isGreaterThanOrEqualTo(2 * WIDTH);
    }

    /** Distinct client connections a child JVM with {@code options} opens for {@link #ROUNDS} rounds of requests. */
    private static int connectionsOpened(List<String> options) throws Exception {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ExecutorService serverThreads = Executors.newFixedThreadPool(2 * WIDTH);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            try {
                Thread.sleep(50); // long enough that a round's requests are all open together
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "ok".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Client.class.getName(),
                    Integer.toString(server.getAddress().getPort())));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(child.getInputStream().readAllBytes());
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(out).isZero();
            return clientPorts.size();
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }
    }

    /** The child: {@link #ROUNDS} rounds of {@link #WIDTH} concurrent GETs through the SDK's UrlConnectionHttpClient. */
    public static final class Client {
        public static void main(String[] args) throws Exception {
            URI uri = URI.create("http://127.0.0.1:" + args[0] + "/");
            SdkHttpClient http = UrlConnectionHttpClient.create();
            ExecutorService pool = Executors.newFixedThreadPool(WIDTH);
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    List<Future<?>> calls = new ArrayList<>();
                    for (int i = 0; i < WIDTH; i++) {
                        calls.add(pool.submit(() -> {
                            SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.GET)
                                    .uri(uri).build();
                            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                                    .request(request).build()).call();
                            if (response.responseBody().isPresent()) {
                                try (InputStream body = response.responseBody().get()) {
                                    body.readAllBytes();
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> call : calls) {
                        call.get();
                    }
                }
            } finally {
                pool.shutdown();
                http.close();
            }
        }
    }
}
