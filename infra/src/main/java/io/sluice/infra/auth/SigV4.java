package io.sluice.infra.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4, computed from a request as it was received, the way a service checks it
 * (for every service but S3):
 *
 * <pre>
 * CanonicalRequest = Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexSha256(Body)
 * CanonicalURI     = each segment of the raw path URI-encoded once more ("/" kept; empty path = "/")
 * CanonicalQuery   = name=value pairs, each side decoded and re-encoded (RFC 3986 unreserved kept), sorted by
 *                    name then value; a name without "=" gets an empty value
 * CanonicalHeaders = for each signed header, in the order SignedHeaders lists them:
 *                    name ":" values received, each trimmed with inner runs of spaces made one, joined by "," \n
 * StringToSign     = "AWS4-HMAC-SHA256" \n X-Amz-Date \n Date/Region/Service/aws4_request \n HexSha256(CanonicalRequest)
 * SigningKey       = HMAC(HMAC(HMAC(HMAC("AWS4" + Secret, Date), Region), Service), "aws4_request")
 * Signature        = Hex(HMAC(SigningKey, StringToSign))
 * </pre>
 *
 * Held to the published AWS SigV4 test suite by {@code SigV4Test}.
 */
public final class SigV4 {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String TERMINATOR = "aws4_request";

    private SigV4() {
    }

    /**
     * The canonical request. {@code headers} are by lower-case name; a signed header that was not received
     * is given as an empty value (so the signature cannot match one computed with it).
     */
    public static String canonicalRequest(String method, String rawPath, String rawQuery,
                                          Map<String, List<String>> headers, List<String> signedHeaders,
                                          String payloadHash) {
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = headers.getOrDefault(name, List.of());
            List<String> trimmed = values.stream().map(v -> v.strip().replaceAll(" +", " ")).toList();
            canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        return method + "\n" + canonicalPath(rawPath) + "\n" + canonicalQuery(rawQuery) + "\n" + canonicalHeaders
                + "\n" + String.join(";", signedHeaders) + "\n" + payloadHash;
    }

    public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest.getBytes(UTF_8)));
    }

    /** The hex signature of {@code stringToSign} under the key derived from {@code secret} and the scope. */
    public static String signature(String secret, String date, String region, String service, String stringToSign) {
        byte[] key = hmac(("AWS4" + secret).getBytes(UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, TERMINATOR);
        return hex(hmac(key, stringToSign));
    }

    /** Each segment of the raw path URI-encoded once more, as every service but S3 does. */
    static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String[] segments = rawPath.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encode(segments[i]));
        }
        return out.toString();
    }

    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            pairs.add(new String[] {encode(decode(name)), encode(decode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> parts = new ArrayList<>();
        for (String[] pair : pairs) {
            parts.add(pair[0] + "=" + pair[1]);
        }
        return String.join("&", parts);
    }

    /** Percent-decoding only: a "+" stays a "+" (SigV4 clients encode a space as %20). */
    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), UTF_8);
    }

    /** RFC 3986 unreserved characters stay, every other byte of the UTF-8 becomes %XX, upper case. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
