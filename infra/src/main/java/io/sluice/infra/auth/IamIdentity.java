package io.sluice.infra.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One caller the local IAM authorizer knows: the key pair it signs with and the principal it stands for.
 *
 * @param sessionToken the token temporary credentials sign with ({@code X-Amz-Security-Token}), or null
 * @param principalArn an IAM user ({@code arn:aws:iam::123456789012:user/name}), role, root or STS
 *                     assumed-role ARN: what API Gateway puts in {@code requestContext.authorizer.iam.userArn}
 */
public record IamIdentity(String accessKeyId, String secretAccessKey, String sessionToken, String principalArn) {

    /** The principal of the credentials in sluice-local's own environment when no file names any. */
    public static final String LOCAL_PRINCIPAL = "arn:aws:iam::000000000000:user/local";

    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:(iam|sts)::(\\d{12}):(\\S+)");
    private static final Pattern ACCESS_KEY = Pattern.compile("[A-Z0-9]{16,128}");

    public IamIdentity {
        if (accessKeyId == null || !ACCESS_KEY.matcher(accessKeyId).matches()) {
            throw new IllegalArgumentException("an access key id is 16 to 128 upper-case letters and digits, was '"
                    + accessKeyId + "'");
        }
        if (secretAccessKey == null || secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("the secret access key of " + accessKeyId + " is empty");
        }
        if (principalArn == null || !ARN.matcher(principalArn).matches()) {
            throw new IllegalArgumentException("'" + principalArn + "' is not an IAM or STS principal ARN "
                    + "(arn:aws:iam::123456789012:user/name)");
        }
    }

    public IamIdentity(String accessKeyId, String secretAccessKey, String principalArn) {
        this(accessKeyId, secretAccessKey, null, principalArn);
    }

    /** The 12-digit account of the principal. */
    public String accountId() {
        Matcher m = ARN.matcher(principalArn);
        if (!m.matches()) {
            throw new IllegalStateException(principalArn);
        }
        return m.group(2);
    }

    /**
     * The principal's unique id, as {@code aws:userid} gives it: the account for root, {@code AIDA…} for an
     * IAM user, {@code AROA…:session} for an assumed role. AWS assigns the ids; locally they are derived
     * from the ARN, so one principal always gets the same one.
     */
    public String userId() {
        Matcher m = ARN.matcher(principalArn);
        if (!m.matches()) {
            throw new IllegalStateException(principalArn);
        }
        String resource = m.group(3);
        if (resource.equals("root")) {
            return m.group(2);
        }
        if (resource.startsWith("assumed-role/")) {
            String[] parts = resource.split("/", 3);
            String role = "arn:aws:iam::" + m.group(2) + ":role/" + parts[1];
            return "AROA" + uniqueSuffix(role) + (parts.length > 2 ? ":" + parts[2] : "");
        }
        return (resource.startsWith("role/") ? "AROA" : "AIDA") + uniqueSuffix(principalArn);
    }

    private static String uniqueSuffix(String arn) {
        byte[] digest = SigV4.sha256(arn.getBytes(UTF_8));
        StringBuilder out = new StringBuilder();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        for (int i = 0; i < 17; i++) {
            out.append(alphabet.charAt((digest[i] & 0xFF) % alphabet.length()));
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "IamIdentity[" + accessKeyId + " as " + principalArn + "]"; // never the secret
    }
}
