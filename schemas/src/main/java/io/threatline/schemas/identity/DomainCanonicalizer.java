package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Reasons.reject;

import com.google.common.net.InternetDomainName;
import io.threatline.schemas.Result;
import java.net.IDN;
import java.util.Locale;

/**
 * Canonical text of a domain name: lower-case ASCII (Unicode labels as punycode A-labels), no
 * trailing dot, under a public suffix.
 *
 * <p>Rules, and why:
 *
 * <ul>
 *   <li>Unicode names go through IDNA ({@link IDN#toASCII} with STD3 rules), so {@code bücher.de}
 *       and {@code xn--bcher-kva.de} share one id. {@code java.net.IDN} implements IDNA2003, which
 *       maps {@code ß}, {@code ς}, ZWJ and ZWNJ differently from the IDNA2008 rules registries use
 *       now ({@code straße.de} is a different domain from {@code strasse.de}); such input is
 *       rejected as {@code AMBIGUOUS_IDN} instead of being mapped to a domain that may not be the
 *       one meant. A name already in A-label form is kept as sent (lower-cased).
 *   <li>Labels are letters, digits and inner hyphens, 1..63 characters; the name at most 253.
 *       Underscores are rejected: they are legal in DNS records such as {@code _dmarc}, but not in
 *       host names, and an indicator is a host name.
 *   <li>The name must be under a public suffix (Guava's {@link
 *       InternetDomainName#isUnderPublicSuffix()}, which includes the private section of the
 *       Public Suffix List). A bare suffix such as {@code com}, {@code co.uk} or {@code
 *       blogspot.com} is rejected: blocking it would block a whole registry or hosting provider.
 *       So is a name under no known suffix ({@code host.local}).
 *   <li>An IP address is not a domain: use the IPv4/IPv6 types.
 * </ul>
 */
public final class DomainCanonicalizer {

    static final int MAX_NAME = 253;
    static final int MAX_LABEL = 63;

    private DomainCanonicalizer() {}

    /** Canonicalises a domain name; the input must already be refanged. */
    public static Result<String> canonicalize(String value) {
        Result<String> unusable = Reasons.emptyOrForbidden(value);
        if (unusable != null) {
            return unusable;
        }
        String ascii = value;
        if (!Chars.isAscii(value)) {
            Result<String> converted = toAscii(value);
            if (!converted.isOk()) {
                return converted;
            }
            ascii = converted.value();
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1); // the DNS root; same name without it
        }
        if (IpAddressCanonicalizer.looksLikeIpv4(ascii)
                || (ascii.indexOf(':') >= 0 && IpAddressCanonicalizer.looksLikeIpv6(ascii))) {
            return reject(
                    RejectionCodes.IP_LITERAL_NOT_DOMAIN,
                    value,
                    "looks like an IP address, not a domain; use type ipv4 or ipv6");
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        Result<String> syntax = checkSyntax(value, ascii);
        if (syntax != null) {
            return syntax;
        }
        InternetDomainName name;
        try {
            name = InternetDomainName.from(ascii);
        } catch (IllegalArgumentException e) {
            return reject(RejectionCodes.INVALID_DOMAIN, value, "is not a valid domain: " + e.getMessage());
        }
        if (!name.isUnderPublicSuffix()) {
            return reject(
                    RejectionCodes.NO_PUBLIC_SUFFIX,
                    value,
                    name.isPublicSuffix()
                            ? "is itself a public suffix, not a domain under one"
                            : "is not under any known public suffix");
        }
        return Result.ok(ascii);
    }

    private static Result<String> toAscii(String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == '\u00DF' || c == '\u1E9E' || c == '\u03C2') {
                return reject(
                        RejectionCodes.AMBIGUOUS_IDN,
                        value,
                        "contains " + Chars.describe(c)
                                + ", which IDNA2003 and IDNA2008 map to different domains; send the A-label");
            }
        }
        try {
            return Result.ok(IDN.toASCII(value, IDN.USE_STD3_ASCII_RULES));
        } catch (IllegalArgumentException e) {
            return reject(RejectionCodes.INVALID_IDN, value, "cannot be converted to punycode: " + e.getMessage());
        }
    }

    /** Label rules on the lower-case ASCII name; null when the syntax is fine. */
    private static Result<String> checkSyntax(String value, String ascii) {
        int n = ascii.length();
        if (n == 0) {
            return reject(RejectionCodes.INVALID_DOMAIN, value, "has no labels");
        }
        if (n > MAX_NAME) {
            return reject(
                    RejectionCodes.DOMAIN_TOO_LONG,
                    value,
                    "is " + n + " characters long; at most " + MAX_NAME + " are allowed");
        }
        int labelStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? ascii.charAt(i) : '.';
            if (c == '.') {
                int length = i - labelStart;
                if (length == 0) {
                    return reject(RejectionCodes.INVALID_DOMAIN, value, "has an empty label");
                }
                if (length > MAX_LABEL) {
                    return reject(
                            RejectionCodes.DOMAIN_TOO_LONG,
                            value,
                            "has a label of " + length + " characters; at most " + MAX_LABEL + " are allowed");
                }
                if (ascii.charAt(labelStart) == '-' || ascii.charAt(i - 1) == '-') {
                    return reject(
                            RejectionCodes.INVALID_DOMAIN, value, "has a label that starts or ends with a hyphen");
                }
                labelStart = i + 1;
            } else if (c == '_') {
                return reject(RejectionCodes.INVALID_DOMAIN, value, "contains an underscore, which host names may not");
            } else if (!((c >= 'a' && c <= 'z') || Chars.isDigit(c) || c == '-')) {
                return reject(
                        RejectionCodes.INVALID_DOMAIN,
                        value,
                        "contains " + Chars.describe(c) + ", which host names may not");
            }
        }
        return null;
    }
}
