package io.sluice.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dynalite 4.0.0 (npm, Apache-2.0) as a Node child process, bound to loopback only. In memory for tests,
 * on disk (LevelDB under a directory) for the local stack. It is installed by {@code npm ci} in
 * {@code infra/}, and started with {@code infra/dynalite-abort-guard.cjs} preloaded, so that a client dropping
 * a connection mid-request costs that request only, as on DynamoDB, instead of killing the process (dynalite
 * rethrows the request's error); {@link #close()} stops it and waits for it, and a shutdown hook does the same if the
 * JVM exits first, so no process is left behind. Its output goes to a temporary log file (deleted by
 * {@link #close()}) so that {@link #status()} can say why it stopped, should it die while in use.
 */
public final class Dynalite implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 30_000;

    /** How much of the end of its output {@link #status()} quotes. */
    private static final int STATUS_TAIL_BYTES = 4_096;

    private final Process process;
    private final URI endpoint;
    private final Path log;
    private final Thread shutdownHook;

    private Dynalite(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
        this.shutdownHook = new Thread(this::stopProcess, "dynalite-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts dynalite from {@code infraDir/node_modules}.
     *
     * @param dataDir where to keep its LevelDB files, or null to keep everything in memory
     * @param port    the port, or 0 for a free one
     */
    public static Dynalite start(Path infraDir, Path dataDir, String host, int port) {
        Path cli = infraDir.resolve("node_modules/dynalite/cli.js");
        if (!Files.isRegularFile(cli)) {
            throw new IllegalStateException("dynalite is not installed: " + cli + " is missing. Run `npm ci` in "
                    + infraDir.toAbsolutePath().normalize());
        }
        Path guard = infraDir.resolve("dynalite-abort-guard.cjs");
        if (!Files.isRegularFile(guard)) {
            throw new IllegalStateException(guard + " is missing: it keeps dynalite alive when a client aborts a request");
        }
        int chosenPort = port == 0 ? freePort(host) : port;
        List<String> command = new ArrayList<>(List.of("node", "--require", guard.toString(), cli.toString(), "--host", host,
                "--port", Integer.toString(chosenPort), "--createTableMs", "0", "--deleteTableMs", "0",
                "--updateTableMs", "0"));
        if (dataDir != null) {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            command.addAll(List.of("--path", dataDir.toAbsolutePath().toString()));
        }
        Process process;
        Path log;
        try {
            log = Files.createTempFile("dynalite-", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run node (Node.js 20 or later is required): " + e, e);
        }
        awaitPort(process, host, chosenPort);
        return new Dynalite(process, URI.create("http://" + host + ":" + chosenPort), log);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** "running", or how the process ended and the last of its output: for an error message when requests fail. */
    public String status() {
        if (process.isAlive()) {
            return "running";
        }
        String tail;
        try {
            byte[] bytes = Files.readAllBytes(log);
            int from = Math.max(0, bytes.length - STATUS_TAIL_BYTES);
            tail = new String(bytes, from, bytes.length - from, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            tail = "(its output could not be read: " + e + ")";
        }
        return "exited with code " + process.exitValue() + (tail.isBlank() ? ", no output" : "; its output ended:\n" + tail);
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temporary file; the OS cleans it up
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs or has run
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitPort(Process process, String host, int port) {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dynalite exited with code " + process.exitValue()
                        + " before listening on " + host + ":" + port + " (is the port taken?)");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("dynalite did not listen on " + host + ":" + port + " within "
                + START_TIMEOUT_MILLIS + " ms");
    }

    static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for dynalite", e);
        }
    }
}
