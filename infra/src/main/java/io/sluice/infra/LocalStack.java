package io.sluice.infra;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.sluice.infra.auth.AuthConfig;
import io.sluice.infra.auth.Authorizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Sluice on a laptop, no Docker: s3proxy on the filesystem and dynalite on disk under a data directory,
 * the bucket and table created from template.yaml's definitions, and the template's routes served over
 * HTTP by the very handler classes that run in Lambda.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * Where and how to run. With {@code external}, S3 and DynamoDB are not started here but reached at
     * those endpoints (LocalStack, say); the data directory then only holds the lock.
     */
    public record Settings(String host, int port, Path dataDir, Path template, Path infraDir, External external,
                           AuthConfig auth, Access access, Path targets, List<Path> targetClasspath,
                           Map<String, String> functionEnvironment, Map<String, java.time.Duration> schedulePeriods) {
        public Settings {
            functionEnvironment = functionEnvironment == null ? Map.of() : Map.copyOf(functionEnvironment);
            schedulePeriods = schedulePeriods == null ? Map.of() : Map.copyOf(schedulePeriods);
            auth = auth == null ? AuthConfig.none() : auth;
            access = access == null ? Access.DEFAULT : access;
            targetClasspath = targetClasspath == null ? List.of() : List.copyOf(targetClasspath);
        }

        public Settings(String host, int port, Path dataDir, Path template, Path infraDir, External external,
                        AuthConfig auth) {
            this(host, port, dataDir, template, infraDir, external, auth, Access.DEFAULT, null, List.of(), null, null);
        }

        public Settings(String host, int port, Path dataDir, Path template, Path infraDir, External external) {
            this(host, port, dataDir, template, infraDir, external, AuthConfig.none());
        }

        public Settings(String host, int port, Path dataDir, Path template, Path infraDir) {
            this(host, port, dataDir, template, infraDir, null);
        }

        /** The same, checking credentials as {@code auth} says ({@code sluice-local --auth}). */
        public Settings withAuth(AuthConfig auth) {
            return new Settings(host, port, dataDir, template, infraDir, external, auth, access, targets,
                    targetClasspath, functionEnvironment, schedulePeriods);
        }

        /**
         * With subscription targets: {@code targets} maps Lambda function ARNs to handler classes
         * ({@code functionArn className [timeoutSeconds]} a line), loaded from {@code targetClasspath}.
         */
        public Settings withTargets(Path targetsFile, List<Path> classpath) {
            return new Settings(host, port, dataDir, template, infraDir, external, auth, access, targetsFile, classpath,
                    functionEnvironment, schedulePeriods);
        }

        /** The same settings with {@code access} (issue 16: {@code --admin}, and the ACL cache time). */
        public Settings with(Access access) {
            return new Settings(host, port, dataDir, template, infraDir, external, auth, access, targets, targetClasspath,
                    functionEnvironment, schedulePeriods);
        }

        /**
         * For tests: {@code environment} is added to every function's environment after the template's (a
         * short {@code SUBSCRIPTION_TARGET_TIMEOUT_MS} or {@code SUBSCRIPTION_LEASE_MARGIN_MS}, say), and
         * {@code schedulePeriods} runs the named functions' schedules at that period instead of the template's.
         */
        public Settings withOverrides(Map<String, String> environment, Map<String, java.time.Duration> schedulePeriods) {
            return new Settings(host, port, dataDir, template, infraDir, external, auth, access, targets, targetClasspath,
                    environment, schedulePeriods);
        }
    }

    /**
     * Who the functions take for an admin, and for how long they trust the ACLs they read (issue 16).
     *
     * @param admins      the template's {@code AdminPrincipals}: {@code --admin}, by default the local principal,
     *                    so that without ACLs the local stack behaves as before
     * @param aclCacheMs  the ACL cache's time to live (30 s as in AWS; tests shorten it), or null for the default
     */
    public record Access(java.util.List<String> admins, Long aclCacheMs) {
        public static final Access DEFAULT = new Access(java.util.List.of(io.sluice.acl.Principal.LOCAL), null);

        public Access {
            admins = java.util.List.copyOf(admins);
        }
    }

    /** S3 and DynamoDB endpoints run elsewhere, with the credentials they take. */
    public record External(URI s3, URI dynamo, String accessKey, String secretKey) {
    }

    private final DataDirLock lock;
    private final EmbeddedS3 s3;
    private final Dynalite dynalite;
    private final LocalApiGateway gateway;
    private final LocalScheduler scheduler;
    private final LocalLambda lambda;

    private LocalStack(DataDirLock lock, EmbeddedS3 s3, Dynalite dynalite, LocalApiGateway gateway,
                       LocalScheduler scheduler, LocalLambda lambda) {
        this.lambda = lambda;
        this.lock = lock;
        this.s3 = s3;
        this.dynalite = dynalite;
        this.gateway = gateway;
        this.scheduler = scheduler;
    }

    public static LocalStack start(Settings settings) {
        SamTemplate template = SamTemplate.load(settings.template());
        // Built first: a malformed credentials file or an unreadable JWKS stops the start before anything runs.
        Authorizer authorizer = settings.auth().authorizer(template.root());
        Path dataDir = settings.dataDir().toAbsolutePath().normalize();
        try {
            createPrivateDirectory(dataDir);
            Files.createDirectories(dataDir.resolve("s3"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
        DataDirLock lock = DataDirLock.acquire(dataDir);
        External external = settings.external();
        EmbeddedS3 s3 = null;
        try {
            if (external == null) {
                s3 = EmbeddedS3.onDisk(dataDir.resolve("s3"), "127.0.0.1", 0);
            }
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        Dynalite dynalite = null;
        LocalLambda lambda = null;
        try {
            lambda = new LocalLambda("127.0.0.1");
            if (settings.targets() != null) {
                lambda.registerTargets(settings.targets(), settings.targetClasspath());
            }
            if (external == null) {
                dynalite = Dynalite.start(settings.infraDir(), dataDir.resolve("dynamodb"), "127.0.0.1", 0);
                external = new External(s3.endpoint(), dynalite.endpoint(), EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
            }
            Map<String, String> resourceNames = createResources(template, external);
            // Ref to a function is its name; locally a function's name is its logical id.
            template.functions().forEach(f -> resourceNames.put(f.logicalId(), f.logicalId()));
            Map<String, String> refs = new HashMap<>(template.parameterDefaults());
            refs.put("AdminPrincipals", String.join(",", settings.access().admins()));
            refs.putAll(resourceNames);
            List<LocalApiGateway.Binding> bindings = new ArrayList<>();
            LocalScheduler scheduler = new LocalScheduler();
            for (SamTemplate.FunctionDef function : template.functions()) {
                Map<String, String> env = new HashMap<>();
                function.environment().forEach((name, value) ->
                        env.put(name, SamTemplate.resolve(value, refs::get)));
                env.put("AWS_REGION", LocalAws.REGION.id());
                env.put("AWS_ENDPOINT_URL_S3", external.s3().toString());
                env.put("AWS_ENDPOINT_URL_DYNAMODB", external.dynamo().toString());
                env.put("SLUICE_LOCAL_ACCESS_KEY_ID", external.accessKey());
                env.put("SLUICE_LOCAL_SECRET_ACCESS_KEY", external.secretKey());
                env.put("SLUICE_METRICS", "none");
                env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
                env.put("AWS_ENDPOINT_URL_LAMBDA", lambda.endpoint().toString());
                env.put("SLUICE_LOCAL_TARGETS", "loopback");
                if (settings.auth().mode() == io.sluice.infra.auth.AuthMode.none) {
                    // --auth none: every request is the local principal (no request context carries another).
                    env.put("SLUICE_UNAUTHENTICATED_PRINCIPAL", io.sluice.acl.Principal.LOCAL);
                }
                if (settings.access().aclCacheMs() != null) {
                    env.put("SLUICE_ACL_CACHE_MS", Long.toString(settings.access().aclCacheMs()));
                }
                env.putAll(settings.functionEnvironment());
                Object handler = instantiate(function, env);
                for (SamTemplate.HttpRoute route : function.routes()) {
                    bindings.add(new LocalApiGateway.Binding(route, function.logicalId(), apiHandler(handler)));
                }
                for (String schedule : function.schedules()) {
                    scheduler.every(settings.schedulePeriods().getOrDefault(function.logicalId(),
                            SamTemplate.rate(schedule)), function.logicalId(), scheduledHandler(handler));
                }
                if (function.routes().isEmpty() && function.schedules().isEmpty()) {
                    // Invoked only through Lambda's Invoke API (the subscriptions' dispatcher).
                    lambda.register(function.logicalId(), handler, java.time.Duration.ofSeconds(function.timeoutSeconds()));
                }
            }
            LocalApiGateway gateway = new LocalApiGateway(settings.host(), settings.port(), bindings,
                    LocalApiGateway.INTEGRATION_TIMEOUT, authorizer);
            return new LocalStack(lock, s3, dynalite, gateway, scheduler, lambda);
        } catch (IOException | RuntimeException e) {
            if (lambda != null) {
                lambda.close();
            }
            if (dynalite != null) {
                dynalite.close();
            }
            if (s3 != null) {
                s3.close();
            }
            lock.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot serve on " + settings.host() + ":" + settings.port()
                        + " (is the port taken?)", io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Creates {@code dir}, if it does not exist, readable only by its owner (0700 where the file system has
     * POSIX permissions): it holds every record and the emulators' state. An existing directory is left as
     * it is.
     */
    public static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made meanwhile by someone else: left as it is
        }
    }

    /** Creates each bucket and table of the template; answers logical id to local name, for {@code Ref}. */
    private static Map<String, String> createResources(SamTemplate template, External backing) {
        Map<String, String> names = new HashMap<>();
        try (S3Client s3 = LocalAws.s3(backing.s3(), backing.accessKey(), backing.secretKey(), List.of());
             DynamoDbClient dynamo = LocalAws.dynamo(backing.dynamo(), backing.accessKey(), backing.secretKey(),
                     List.of())) {
            for (String bucket : template.buckets()) {
                String name = "sluice-local-" + bucket.toLowerCase(Locale.ROOT);
                LocalAws.createBucket(s3, name);
                names.put(bucket, name);
            }
            for (SamTemplate.TableDef table : template.tables()) {
                String name = "sluice-local-" + table.logicalId();
                LocalAws.createTable(dynamo, name, table);
                names.put(table.logicalId(), name);
            }
        }
        return names;
    }

    private static Object instantiate(SamTemplate.FunctionDef function, Map<String, String> env) {
        try {
            return Class.forName(function.handlerClass()).getConstructor(Map.class).newInstance(env);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(function.logicalId() + ": cannot create handler "
                    + function.handlerClass() + " with an environment map: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> apiHandler(Object handler) {
        return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler;
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<ScheduledEvent, ?> scheduledHandler(Object handler) {
        return (RequestHandler<ScheduledEvent, ?>) handler;
    }

    public URI endpoint() {
        return gateway.endpoint();
    }

    /** The local emulation of Lambda's Invoke API (the dispatcher, and mapped subscription targets). */
    public URI lambdaEndpoint() {
        return lambda.endpoint();
    }

    @Override
    public void close() {
        scheduler.close();
        try {
            lambda.close();
            gateway.close();
        } finally {
            try {
                if (dynalite != null) {
                    dynalite.close();
                }
            } finally {
                try {
                    if (s3 != null) {
                        s3.close();
                    }
                } finally {
                    lock.close();
                }
            }
        }
    }
}
