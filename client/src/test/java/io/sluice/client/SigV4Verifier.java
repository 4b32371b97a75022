package io.sluice.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SigV4 recomputed the way API Gateway checks it, independently of the SDK's signer: from the request as
 * it arrived (method, raw path and query, the headers received, the body), over the headers its
 * Authorization names in {@code SignedHeaders}. A signed header that was not received is a failure, as it
 * is in AWS (403). Held to AWS's published SigV4 test vectors by {@code SluiceHttpSigningTest}.
 */
final class SigV4Verifier {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    /** A request as a server receives it. Header names in any case; several values of one name allowed. */
    record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
    }

    private SigV4Verifier() {
    }

    /** Throws {@link AssertionError} with the reason unless {@code request} is correctly signed with {@code secret}. */
    static void verify(Received request, String accessKey, String secret, String region, String service) {
        Map<String, List<String>> headers = new TreeMap<>();
        request.headers().forEach((name, values) ->
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values));
        List<String> authorization = headers.get("authorization");
        if (authorization == null || authorization.size() != 1) {
            throw new AssertionError("no single Authorization header in " + headers.keySet());
        }
        Matcher m = AUTHORIZATION.matcher(authorization.get(0));
        if (!m.matches()) {
            throw new AssertionError("malformed Authorization: " + authorization.get(0));
        }
        if (!m.group(1).equals(accessKey) || !m.group(3).equals(region) || !m.group(4).equals(service)) {
            throw new AssertionError("wrong credential scope: " + authorization.get(0));
        }
        List<String> amzDate = headers.get("x-amz-date");
        if (amzDate == null || !amzDate.get(0).startsWith(m.group(2))) {
            throw new AssertionError("x-amz-date " + amzDate + " does not match the scope date " + m.group(2));
        }
        String expected = signature(request.method(), request.rawPath(), request.rawQuery(), headers,
                m.group(5).split(";"), request.body(), secret, m.group(2), region, service, amzDate.get(0));
        if (!expected.equals(m.group(6))) {
            throw new AssertionError("signature mismatch: sent " + m.group(6) + ", recomputed " + expected
                    + " over " + m.group(5));
        }
    }

    /** The signature of a request over {@code signedHeaders}, which must all be in {@code headers} (lower-case names). */
    static String signature(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
                            String[] signedHeaders, byte[] body, String secret, String date, String region,
                            String service, String amzDate) {
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders) {
            List<String> values = headers.get(name);
            if (values == null) {
                throw new AssertionError("signed header '" + name + "' was not sent; received " + headers.keySet());
            }
            List<String> trimmed = values.stream().map(v -> v.strip().replaceAll(" +", " ")).toList();
            canonicalHeaders.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        List<String> payloadHash = headers.get("x-amz-content-sha256");
        String canonicalRequest = method + "\n" + canonicalPath(rawPath) + "\n" + canonicalQuery(rawQuery) + "\n"
                + canonicalHeaders + "\n" + String.join(";", signedHeaders) + "\n"
                + (payloadHash != null ? payloadHash.get(0) : hex(sha256(body)));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonicalRequest.getBytes(UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    /** Each segment of the raw path encoded once more, as every service but S3 does. */
    private static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(encode(segments[i]));
        }
        return out.toString();
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        TreeMap<String, List<String>> params = new TreeMap<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.computeIfAbsent(encode(decode(name)), n -> new ArrayList<>()).add(encode(decode(value)));
        }
        List<String> parts = new ArrayList<>();
        params.forEach((name, values) -> values.stream().sorted().forEach(v -> parts.add(name + "=" + v)));
        return String.join("&", parts);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), UTF_8);
    }

    /** RFC 3986 unreserved characters stay, everything else is %XX in upper case. */
    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    private static byte[] sha256(byte[] bytes) {
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
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
