package io.sluice.infra;

import io.sluice.infra.auth.AuthConfig;
import io.sluice.infra.auth.AuthMode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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

    @Option(names = "--auth", defaultValue = "${env:SLUICE_AUTH:-none}", paramLabel = "none|iam|jwt",
            description = "What to check before a route's function runs (env SLUICE_AUTH). none: nothing, anyone who "
                    + "reaches the port may do anything. iam: a SigV4 signature for execute-api in AWS_REGION "
                    + "(default us-east-1), as the deployed HttpApi checks it; by default from the key pair in this "
                    + "process's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, else from --credentials. jwt: a bearer "
                    + "token from --jwt-issuer for --jwt-audience, verified with --jwks, as the deployed JWT API "
                    + "checks it, with the template's route scopes. Default: ${DEFAULT-VALUE}.")
    AuthMode auth;

    @Option(names = "--credentials", paramLabel = "FILE",
            description = "With --auth iam: the identities to accept, one a line: accessKeyId secretAccessKey "
                    + "principalArn (blank lines and # comments skipped).")
    Path credentials;

    @Option(names = "--jwt-issuer", paramLabel = "URL", description = "With --auth jwt: the iss tokens must name.")
    String jwtIssuer;

    @Option(names = "--jwt-audience", paramLabel = "AUD", split = ",",
            description = "With --auth jwt: the audiences (aud, or client_id without aud); one of them must match.")
    List<String> jwtAudiences;

    @Option(names = "--jwks", paramLabel = "FILE|URL",
            description = "With --auth jwt: the issuer's JSON Web Key Set, a file or an http(s) URL.")
    String jwks;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--admin", paramLabel = "PRINCIPAL",
            defaultValue = "${env:SLUICE_ADMIN:-" + io.sluice.acl.Principal.LOCAL + "}",
            description = "A principal that always passes the ACLs, as the template's AdminPrincipals; repeat it "
                    + "for more (env SLUICE_ADMIN, a comma list). Default: ${DEFAULT-VALUE}, the local principal.",
            split = ",")
    java.util.List<String> admins;

    @Override
    public Integer call() throws InterruptedException {
        CommandLine commandLine = spec != null ? spec.commandLine() : new CommandLine(this);
        if (port < 0 || port > 65_535) {
            throw new CommandLine.ParameterException(commandLine, "--port must be 0 to 65535, was " + port);
        }
        AuthConfig authConfig = authConfig(commandLine);
        exposureWarning(host, auth != AuthMode.none).ifPresent(System.err::println);
        LocalStack stack = LocalStack.start(new LocalStack.Settings(host, port, dataDir, template, infraDir)
                .withAuth(authConfig).with(new LocalStack.Access(admins, null)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the Sluice local stack...");
            stack.close();
            stopped.countDown();
        }, "sluice-local-stop"));
        System.out.println("Sluice local stack listening on " + stack.endpoint() + " (data in "
                + dataDir.toAbsolutePath().normalize() + ", auth " + describe(authConfig) + "). Press Ctrl-C to stop.");
        System.out.println("Web console: " + stack.endpoint() + io.sluice.console.ConsoleFiles.PREFIX + "/");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The options' auth settings; a usage error for a flag that does not go with the mode. */
    AuthConfig authConfig(CommandLine commandLine) {
        if (auth != AuthMode.iam && credentials != null) {
            throw new CommandLine.ParameterException(commandLine, "--credentials goes with --auth iam");
        }
        if (auth != AuthMode.jwt && (jwtIssuer != null || jwtAudiences != null || jwks != null)) {
            throw new CommandLine.ParameterException(commandLine,
                    "--jwt-issuer, --jwt-audience and --jwks go with --auth jwt");
        }
        return switch (auth) {
            case none -> AuthConfig.none();
            case iam -> AuthConfig.iam(credentials, System.getenv(), Clock.systemUTC());
            case jwt -> {
                if (jwtIssuer == null || jwtAudiences == null || jwtAudiences.isEmpty() || jwks == null) {
                    throw new CommandLine.ParameterException(commandLine,
                            "--auth jwt needs --jwt-issuer URL, --jwt-audience AUD and --jwks FILE|URL");
                }
                yield AuthConfig.jwt(jwtIssuer, jwtAudiences, jwks, Clock.systemUTC());
            }
        };
    }

    private static String describe(AuthConfig config) {
        return switch (config.mode()) {
            case none -> "none: no credentials checked";
            case iam -> "iam: SigV4 for execute-api in " + config.region() + ", identities from "
                    + (config.credentialsFile() != null ? config.credentialsFile() : "this environment");
            case jwt -> "jwt: tokens of " + config.jwtIssuer() + " for " + config.jwtAudiences();
        };
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
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("sluice-local: " + e.getMessage());
            return 1;
        });
        System.exit(commandLine.execute(args));
    }
}
