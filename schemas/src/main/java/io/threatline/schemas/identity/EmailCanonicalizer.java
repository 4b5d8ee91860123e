package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Reasons.reject;

import io.threatline.schemas.Result;

/**
 * Canonical text of an e-mail address: {@code local@domain}.
 *
 * <p>The local part is kept exactly as sent (1..64 characters, no whitespace, control or invisible
 * characters): whether it is case-sensitive, or whether dots and {@code +tags} matter, is up to
 * the receiving server, so folding it would be a guess. The domain is canonical as in {@link
 * DomainCanonicalizer}, or an RFC 5321 address literal: {@code [192.0.2.1]} or {@code
 * [IPv6:2001:db8::1]} (the tag is required, as in RFC 5321, and written {@code IPv6:}).
 *
 * <p>The address is split at the last {@code @}, since a domain never contains one and a quoted
 * local part may.
 */
public final class EmailCanonicalizer {

    static final int MAX_LOCAL_PART = 64;

    private EmailCanonicalizer() {}

    /** Canonicalises an e-mail address; the input must already be refanged. */
    public static Result<String> canonicalize(String value) {
        Result<String> unusable = Reasons.emptyOrForbidden(value);
        if (unusable != null) {
            return unusable;
        }
        int at = value.lastIndexOf('@');
        if (at < 0) {
            return reject(RejectionCodes.INVALID_EMAIL, value, "has no '@'");
        }
        if (at == 0 || at > MAX_LOCAL_PART) {
            return reject(
                    RejectionCodes.INVALID_LOCAL_PART,
                    value,
                    "has a local part of " + at + " characters; 1.." + MAX_LOCAL_PART + " are allowed");
        }
        String domain = value.substring(at + 1);
        if (domain.isEmpty()) {
            return reject(RejectionCodes.INVALID_EMAIL, value, "has no domain after '@'");
        }
        Result<String> canonicalDomain =
                domain.charAt(0) == '[' ? addressLiteral(domain) : DomainCanonicalizer.canonicalize(domain);
        if (!canonicalDomain.isOk()) {
            return reject(
                    RejectionCodes.INVALID_EMAIL,
                    value,
                    "has an invalid domain: " + canonicalDomain.rejection().message());
        }
        return Result.ok(value.substring(0, at + 1) + canonicalDomain.value());
    }

    private static Result<String> addressLiteral(String literal) {
        if (literal.length() < 3 || literal.charAt(literal.length() - 1) != ']') {
            return reject(RejectionCodes.INVALID_EMAIL, literal, "is not a closed [address literal]");
        }
        String inner = literal.substring(1, literal.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return IpAddressCanonicalizer.canonicalIpv6Address(inner.substring(5))
                    .map(v6 -> "[IPv6:" + v6 + ']');
        }
        return IpAddressCanonicalizer.canonicalIpv4Address(inner).map(v4 -> '[' + v4 + ']');
    }
}
