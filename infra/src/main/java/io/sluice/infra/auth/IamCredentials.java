package io.sluice.infra.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The callers the local IAM authorizer accepts, by access key id: those of a credentials file, or the one
 * key pair in sluice-local's own environment.
 *
 * <p>The file has one identity a line, {@code accessKeyId secretAccessKey principalArn}, separated by
 * spaces or tabs; blank lines and lines starting with {@code #} are skipped. Anything else is an error that
 * names the line (and never prints a secret).
 */
public final class IamCredentials {

    private final Map<String, IamIdentity> byAccessKey;

    private IamCredentials(Map<String, IamIdentity> byAccessKey) {
        if (byAccessKey.isEmpty()) {
            throw new IllegalArgumentException("no credentials to accept");
        }
        this.byAccessKey = Map.copyOf(byAccessKey);
    }

    public static IamCredentials of(List<IamIdentity> identities) {
        Map<String, IamIdentity> map = new LinkedHashMap<>();
        for (IamIdentity identity : identities) {
            if (map.put(identity.accessKeyId(), identity) != null) {
                throw new IllegalArgumentException("access key " + identity.accessKeyId() + " is given twice");
            }
        }
        return new IamCredentials(map);
    }

    /**
     * The key pair of {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (with
     * {@code AWS_SESSION_TOKEN}, if set) in {@code env}, as {@link IamIdentity#LOCAL_PRINCIPAL}.
     */
    public static IamCredentials fromEnvironment(Map<String, String> env) {
        String accessKey = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (accessKey == null || accessKey.isBlank() || secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("--auth iam accepts the credentials in sluice-local's environment, "
                    + "and AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set: set them, or name a "
                    + "file of identities with --credentials FILE");
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return of(List.of(new IamIdentity(accessKey.strip(), secret.strip(),
                token == null || token.isBlank() ? null : token.strip(), IamIdentity.LOCAL_PRINCIPAL)));
    }

    /** The identities of a credentials file; {@link IllegalArgumentException} naming the line if it is malformed. */
    public static IamCredentials fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credentials file " + file + ": " + e.getMessage(), e);
        }
        Map<String, IamIdentity> map = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException(where + "expected 'accessKeyId secretAccessKey principalArn', "
                        + "found " + fields.length + " field" + (fields.length == 1 ? "" : "s"));
            }
            IamIdentity identity;
            try {
                identity = new IamIdentity(fields[0], fields[1], fields[2]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
            if (map.put(identity.accessKeyId(), identity) != null) {
                throw new IllegalArgumentException(where + "access key " + identity.accessKeyId()
                        + " is already given on an earlier line");
            }
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("the credentials file " + file + " names no identity");
        }
        return new IamCredentials(map);
    }

    /** The identity of {@code accessKeyId}, or null. */
    public IamIdentity find(String accessKeyId) {
        return byAccessKey.get(accessKeyId);
    }

    public int size() {
        return byAccessKey.size();
    }
}
