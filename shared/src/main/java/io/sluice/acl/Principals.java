package io.sluice.acl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a caller's identity in API Gateway's request context becomes a {@link Principal} (issue 16). The
 * handler reads the strings out of the event; this decides what they mean, so the rules are tested
 * without any Lambda type.
 *
 * <ul>
 *   <li>IAM: the caller's ARN. An assumed role's session ARN,
 *       {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}, becomes the role's ARN
 *       {@code arn:aws:iam::ACCOUNT:role/ROLE}: ACLs name roles, not their sessions.</li>
 *   <li>JWT: {@code jwt:<iss>#<sub>}, plus {@code jwtgroup:<value>} for each value of the configured
 *       groups claim.</li>
 * </ul>
 */
public final class Principals {

    private static final Pattern ASSUMED_ROLE =
            Pattern.compile("arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/[^/]+");

    private Principals() {
    }

    /** The principal of an IAM caller whose ARN is {@code userArn}. */
    public static Principal iam(String userArn) {
        return Principal.of(normalizeArn(userArn));
    }

    /** An assumed-role session's ARN as its role's ARN; any other ARN as it is. */
    public static String normalizeArn(String arn) {
        Matcher m = ASSUMED_ROLE.matcher(arn);
        if (m.matches()) {
            return "arn:" + m.group(1) + ":iam::" + m.group(2) + ":role/" + m.group(3);
        }
        return arn;
    }

    /**
     * The principal of a JWT caller, with a group principal for each value of {@code groupsClaim}, as API
     * Gateway hands it over: a list claim arrives as one string, {@code [a b]} (or a JSON array, or a
     * comma list); a plain value is one group.
     */
    public static Principal jwt(String issuer, String subject, String groupsClaim) {
        List<String> groups = new ArrayList<>();
        for (String group : claimValues(groupsClaim)) {
            groups.add("jwtgroup:" + group);
        }
        return new Principal("jwt:" + issuer + "#" + subject, groups);
    }

    /** The values of a claim as API Gateway's HTTP API passes it: {@code [a b c]}, {@code ["a","b"]}, {@code a,b} or {@code a}. */
    static List<String> claimValues(String claim) {
        if (claim == null || claim.isBlank()) {
            return List.of();
        }
        String text = claim.strip();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        LinkedHashSet<String> values = new LinkedHashSet<>();
        for (String part : text.split("[\\s,]+")) {
            String value = part.strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (!value.isEmpty()) {
                values.add(value);
            }
        }
        return List.copyOf(values);
    }
}
