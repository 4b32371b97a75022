package io.sluice.infra.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API Gateway's IAM authorizer ({@code AWS_IAM}) for the local stack: every request must carry a SigV4
 * {@code Authorization} header for service {@code execute-api} in this region, signed within 5 minutes of
 * now by a known key, over headers that include {@code host} and that were all received. The signature
 * is recomputed from the request as it arrived ({@link SigV4}) and compared in constant time. A refusal is
 * a 403 with the message API Gateway gives, and the {@code x-amzn-ErrorType} it sets.
 *
 * <p>An accepted request's event gets {@code requestContext.authorizer.iam} as API Gateway fills it:
 * the access key, the account, the principal's ARN as {@code userArn}, its unique id as {@code userId} and
 * {@code callerId}, and null Cognito and organization fields.
 *
 * <p>Not supported, and so refused as unsigned: query-string (presigned) signatures and SigV4a. A body is
 * always covered: an {@code x-amz-content-sha256} header must be the body's hash ({@code UNSIGNED-PAYLOAD}
 * is refused).
 */
public final class IamAuthorizer implements Authorizer {

    public static final String SERVICE = "execute-api";
    /** How far X-Amz-Date may be from now, either way. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    static final String MISSING = "Forbidden";
    static final String MISMATCH = "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    static final String UNKNOWN_KEY = "The security token included in the request is invalid.";

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final IamCredentials credentials;
    private final String region;
    private final Clock clock;

    public IamAuthorizer(IamCredentials credentials, String region, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
    }

    public String region() {
        return region;
    }

    @Override
    public boolean checksCredentials() {
        return true;
    }

    @Override
    public AuthDecision authorize(AuthRequest request, String routeKey) {
        List<String> authorizations = request.headers().get("authorization");
        if (authorizations == null || authorizations.isEmpty()) {
            return refuse("MissingAuthenticationTokenException", MISSING, "no Authorization header");
        }
        if (authorizations.size() > 1) {
            return refuse("IncompleteSignatureException", "Authorization header given more than once.",
                    "several Authorization headers");
        }
        String authorization = authorizations.get(0).strip();
        if (!authorization.startsWith(SigV4.ALGORITHM + " ")) {
            String algorithm = authorization.split(" ", 2)[0];
            return refuse("IncompleteSignatureException", "Unsupported AWS 'algorithm': '" + algorithm + "'",
                    "not SigV4: " + algorithm);
        }
        Map<String, String> parameters = parameters(authorization.substring(SigV4.ALGORITHM.length() + 1));
        StringBuilder incomplete = new StringBuilder();
        for (String required : List.of("Credential", "Signature", "SignedHeaders")) {
            if (!parameters.containsKey(required)) {
                incomplete.append("Authorization header requires '").append(required).append("' parameter. ");
            }
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            incomplete.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }
        if (incomplete.length() > 0) {
            return refuse("IncompleteSignatureException", incomplete + "Authorization=" + redact(authorization),
                    "incomplete Authorization");
        }
        String[] scope = parameters.get("Credential").split("/", -1);
        if (scope.length != 5) {
            return refuse("IncompleteSignatureException", "Credential should be scoped to a valid region. ",
                    "credential scope has " + scope.length + " parts");
        }
        String accessKey = scope[0];
        String date = scope[1];
        if (!scope[2].equals(region)) {
            return refuse("InvalidSignatureException", "Credential should be scoped to a valid region. ",
                    "scoped to region " + scope[2] + ", this stack is " + region);
        }
        if (!scope[3].equals(SERVICE)) {
            return refuse("InvalidSignatureException", "Credential should be scoped to correct service: '"
                    + SERVICE + "'. ", "scoped to service " + scope[3]);
        }
        if (!scope[4].equals(SigV4.TERMINATOR)) {
            return refuse("InvalidSignatureException", "Credential should be scoped with a valid terminator: '"
                    + SigV4.TERMINATOR + "', not '" + scope[4] + "'. ", "bad terminator");
        }
        IamIdentity identity = credentials.find(accessKey);
        if (identity == null) {
            return refuse("UnrecognizedClientException", UNKNOWN_KEY, "unknown access key " + accessKey);
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return refuse("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '" + amzDate
                    + "'. See http://en.wikipedia.org/wiki/ISO_8601", "bad X-Amz-Date");
        }
        if (!amzDate.startsWith(date)) {
            return refuse("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from "
                    + "ISO-8601 version of date from HTTP: '" + date + "' != '" + amzDate.substring(0, 8) + "', from '"
                    + amzDate + "'.", "scope date differs from X-Amz-Date");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            return refuse("InvalidSignatureException", "Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)",
                    "signed " + Duration.between(signedAt, now).toSeconds() + " s ago");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            return refuse("InvalidSignatureException", "Signature not yet current: " + amzDate
                    + " is still later than " + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now)
                    + " + 5 min.)", "signed " + Duration.between(now, signedAt).toSeconds() + " s ahead");
        }
        List<String> signedHeaders = Arrays.asList(parameters.get("SignedHeaders").split(";", -1));
        if (!signedHeaders.contains("host")) {
            return refuse("InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                    + "Authorization.", "host not signed");
        }
        for (String name : signedHeaders) {
            if (!request.headers().containsKey(name)) {
                return refuse("InvalidSignatureException", MISMATCH, "signed header '" + name + "' was not received");
            }
        }
        String token = request.header("x-amz-security-token");
        if (identity.sessionToken() != null ? token == null || !constantTimeEquals(token, identity.sessionToken())
                : token != null) {
            return refuse("UnrecognizedClientException", UNKNOWN_KEY, "session token does not match");
        }
        String payloadHash = SigV4.hex(SigV4.sha256(request.body()));
        String declared = request.header("x-amz-content-sha256");
        if (declared != null && !declared.equals(payloadHash)) {
            return refuse("InvalidSignatureException", MISMATCH, "x-amz-content-sha256 is not the body's hash");
        }
        String canonical = SigV4.canonicalRequest(request.method(), request.rawPath(), request.rawQuery(),
                request.headers(), signedHeaders, payloadHash);
        String stringToSign = SigV4.stringToSign(amzDate, String.join("/", date, region, SERVICE, SigV4.TERMINATOR),
                canonical);
        String expected = SigV4.signature(identity.secretAccessKey(), date, region, SERVICE, stringToSign);
        if (!constantTimeEquals(expected, parameters.get("Signature"))) {
            return refuse("InvalidSignatureException", MISMATCH, "signature mismatch for " + accessKey);
        }
        return new AuthDecision.Allowed(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM.builder()
                        .withAccessKey(identity.accessKeyId())
                        .withAccountId(identity.accountId())
                        .withCallerId(identity.userId())
                        .withCognitoIdentity(null)
                        .withPrincipalOrgId(null)
                        .withUserArn(identity.principalArn())
                        .withUserId(identity.userId())
                        .build())
                .build());
    }

    /** {@code Credential=…, SignedHeaders=…, Signature=…} in any order, commas and spaces between. */
    private static Map<String, String> parameters(String rest) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String part : rest.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq > 0) {
                parameters.putIfAbsent(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
            }
        }
        return parameters;
    }

    private static String redact(String authorization) {
        int signature = authorization.indexOf("Signature=");
        return signature < 0 ? authorization : authorization.substring(0, signature) + "Signature=…";
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(UTF_8), b.getBytes(UTF_8));
    }

    private static AuthDecision refuse(String errorType, String message, String reason) {
        return new AuthDecision.Refused(403, message, Map.of("x-amzn-ErrorType", errorType), reason);
    }
}
