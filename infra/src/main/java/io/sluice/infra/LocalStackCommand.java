package io.sluice.infra;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice-local}: runs the local stack until Ctrl-C. */
@Command(name = "sluice-local", mixinStandardHelpOptions = true, version = "sluice-local 0.1.0",
        description = "Serves the Sluice HTTP API on this machine: s3proxy and dynalite keep the data under the "
                + "data directory, and template.yaml's routes are served by the same handlers that run in Lambda.")
public final class LocalStackCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "${env:SLUICE_HOST:-127.0.0.1}",
            description = "Address to listen on (env SLUICE_HOST). Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--port", defaultValue = "${env:SLUICE_PORT:-7070}",
            description = "Port of the HTTP API (env SLUICE_PORT). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--data-dir", defaultValue = "${env:SLUICE_DATA_DIR:-.sluice}",
            description = "Where the data is kept across restarts (env SLUICE_DATA_DIR). Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--template", defaultValue = "${env:SLUICE_TEMPLATE:-template.yaml}",
            description = "The SAM template to serve. Default: ${DEFAULT-VALUE}.")
    Path template;

    @Option(names = "--infra-dir", defaultValue = "${sys:sluice.infra.dir:-infra}",
            description = "The infra module, where npm installed dynalite. Default: ${DEFAULT-VALUE}.")
    Path infraDir;

    @Option(names = "--admin", paramLabel = "PRINCIPAL",
            defaultValue = "${env:SLUICE_ADMIN:-" + io.sluice.acl.Principal.LOCAL + "}",
            description = "A principal that always passes the ACLs, as the template's AdminPrincipals; repeat it "
                    + "for more (env SLUICE_ADMIN, a comma list). Default: ${DEFAULT-VALUE}, the local principal.",
            split = ",")
    java.util.List<String> admins;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--port must be 0 to 65535, was " + port);
        }
        exposureWarning(host, false).ifPresent(System.err::println);
        LocalStack stack = LocalStack.start(new LocalStack.Settings(host, port, dataDir, template, infraDir)
                .with(new LocalStack.Access(admins, null)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the Sluice local stack...");
            stack.close();
            stopped.countDown();
        }, "sluice-local-stop"));
        System.out.println("Sluice local stack listening on " + stack.endpoint() + " (data in "
                + dataDir.toAbsolutePath().normalize() + "). Press Ctrl-C to stop.");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /**
     * A warning when the stack would serve other machines ({@code host} is not a loopback address) without
     * checking credentials: anyone who can reach the port can then read, write and delete every topic.
     */
    public static java.util.Optional<String> exposureWarning(String host, boolean checksCredentials) {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (loopback || checksCredentials) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("WARNING: sluice-local is listening on " + host + ", which is not a loopback "
                + "address, and checks no credentials (--auth none): anyone who can reach this port can read, "
                + "write and delete every topic. Bind to 127.0.0.1 unless that is what you want.");
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new LocalStackCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sluice-local: " + e.getMessage());
            return 1;
        });
        System.exit(commandLine.execute(args));
    }
}
