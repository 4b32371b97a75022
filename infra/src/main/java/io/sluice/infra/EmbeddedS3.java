package io.sluice.infra;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * s3proxy 3.0.0 running in this JVM: on the filesystem under a directory (the local stack, which must
 * keep its data across restarts) or in memory (tests). Requests are checked against fixed SigV4
 * credentials, as S3 would check them.
 */
public final class EmbeddedS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "sluice-local";
    public static final String SECRET_KEY = "sluice-local-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final URI endpoint;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, String host) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = URI.create("http://" + host + ":" + proxy.getPort());
    }

    /** An in-memory S3 on a free loopback port. */
    public static EmbeddedS3 inMemory() {
        return start("transient-nio2", new Properties(), "127.0.0.1", 0);
    }

    /** An S3 whose buckets are directories under {@code dataDir}. */
    public static EmbeddedS3 onDisk(Path dataDir, String host, int port) {
        try {
            java.nio.file.Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dataDir, e);
        }
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dataDir.toAbsolutePath().toString());
        return start("filesystem-nio2", properties, host, port);
    }

    private static EmbeddedS3 start(String provider, Properties properties, String host, int port) {
        BlobStoreContext context = ContextBuilder.newBuilder(provider)
                .credentials(ACCESS_KEY, SECRET_KEY)
                .overrides(properties)
                .buildView(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://" + host + ":" + port))
                .build();
        try {
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(10);
            }
        } catch (Exception e) {
            context.close();
            throw new IllegalStateException("s3proxy did not start on " + host + ":" + port + ": " + e, e);
        }
        return new EmbeddedS3(proxy, context, host);
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop cleanly", e);
        } finally {
            context.close();
        }
    }
}
