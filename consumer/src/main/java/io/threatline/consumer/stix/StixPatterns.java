package io.threatline.consumer.stix;

import io.threatline.contract.IndicatorType;
import java.util.Optional;

/**
 * STIX 2.1 patterns (STIX Patterning, section 9) for one canonical indicator value: a single
 * comparison expression on the cyber-observable property that holds the value.
 */
public final class StixPatterns {

    private StixPatterns() {}

    /** The pattern for {@code value} of {@code type}; empty for {@link IndicatorType#UNKNOWN}. */
    public static Optional<String> of(IndicatorType type, String value) {
        String path = switch (type) {
            case IPV4 -> "ipv4-addr:value";
            case IPV6 -> "ipv6-addr:value";
            case DOMAIN -> "domain-name:value";
            case URL -> "url:value";
            case EMAIL -> "email-addr:value";
            case MD5 -> "file:hashes.'MD5'";
            case SHA1 -> "file:hashes.'SHA-1'";
            case SHA256 -> "file:hashes.'SHA-256'";
            case UNKNOWN -> null;
        };
        return Optional.ofNullable(path).map(p -> "[" + p + " = '" + escape(value) + "']");
    }

    /**
     * A value as the inside of a STIX string literal: a backslash becomes {@code \\} and a single
     * quote {@code \'} (the only two escapes STIX Patterning defines for string literals).
     */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
