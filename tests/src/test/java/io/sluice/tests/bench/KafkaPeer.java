package io.sluice.tests.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An Apache Kafka 4 broker (KRaft, one node) on this machine, measured with Kafka's own
 * ProducerPerformance and ConsumerPerformance: the same 1 KiB records, 1 MiB batches, one partition.
 * Everything runs in child JVMs on the classpath of tests/kafka-peer, apart from Sluice's.
 */
final class KafkaPeer implements AutoCloseable {

    private final String classpath;
    private final Path dir;
    private final int port;
    private final Process broker;

    KafkaPeer(Path classpathFile, Path dir) throws Exception {
        this.classpath = Files.readString(classpathFile).trim();
        this.dir = dir;
        this.port = freePort();
        int controller = freePort();
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port, "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT", "log.dirs=" + dir.resolve("data"), "num.partitions=1",
                "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0") + "\n");
        run(List.of("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString().replace("-", "")
                .substring(0, 22), "-c", config.toString()));
        broker = new ProcessBuilder(java("kafka.Kafka", config.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException notYet) {
                if (System.currentTimeMillis() > deadline || !broker.isAlive()) {
                    throw new IllegalStateException("Kafka did not start; see " + dir.resolve("broker.log"));
                }
                Thread.sleep(200);
            }
        }
    }

    private List<String> java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx1g", "-cp", classpath, main));
        command.addAll(List.of(args));
        return command;
    }

    private String run(List<String> args) throws Exception {
        Process p = new ProcessBuilder(java(args.get(0), args.subList(1, args.size()).toArray(String[]::new)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(args.get(0) + " failed:\n" + out);
        }
        return out;
    }

    /** Produce then consume {@code records} records of {@code recordBytes}; MiB/s of each. */
    Map<String, Object> measure(int records, int recordBytes, int batchBytes) throws Exception {
        String bootstrap = "127.0.0.1:" + port;
        run(List.of("org.apache.kafka.tools.TopicCommand", "--create", "--topic", "bench", "--partitions", "1",
                "--replication-factor", "1", "--bootstrap-server", bootstrap));
        String produced = run(List.of("org.apache.kafka.tools.ProducerPerformance", "--topic", "bench",
                "--num-records", Integer.toString(records), "--record-size", Integer.toString(recordBytes),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap,
                "batch.size=" + batchBytes, "linger.ms=5", "acks=all", "max.request.size=" + (4 * batchBytes)));
        String summary = produced.lines().filter(l -> l.startsWith(records + " records sent")).findFirst()
                .orElseThrow(() -> new IllegalStateException(produced));
        double produceMiBps = Double.parseDouble(summary.replaceAll(".*\\(([0-9.]+) MB/sec\\).*", "$1"));
        String consumed = run(List.of("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
                "--topic", "bench", "--messages", Integer.toString(records)));
        List<String> lines = consumed.lines().filter(l -> !l.isBlank() && !l.startsWith("SLF4J")).toList();
        String[] header = lines.get(lines.size() - 2).split(",\\s*");
        String[] values = lines.get(lines.size() - 1).split(",\\s*");
        double fetchMiBps = 0;
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals("fetch.MB.sec")) {
                fetchMiBps = Double.parseDouble(values[i].trim());
            }
        }
        return Map.of("records", records, "recordBytes", recordBytes, "batchBytes", batchBytes,
                "produceMiBps", produceMiBps, "consumeMiBps", fetchMiBps);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        broker.destroy();
        if (!broker.waitFor(30, TimeUnit.SECONDS)) {
            broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
