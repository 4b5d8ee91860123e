package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Reasons.reject;

import io.threatline.contract.IndicatorType;
import io.threatline.schemas.Result;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Entry point for indicator identity: turns a raw indicator value as a partner sent it into its
 * {@link CanonicalIndicator}, or a rejection saying why it cannot be made canonical.
 *
 * <p>Every value is stripped of surrounding whitespace, refanged ({@link Refanger}) and then
 * canonicalised by its type's rules ({@link IpAddressCanonicalizer}, {@link DomainCanonicalizer},
 * {@link UrlCanonicalizer}, {@link HashCanonicalizer}, {@link EmailCanonicalizer}). Nothing is
 * guessed: input that is ambiguous or malformed is rejected. Bad input never throws.
 *
 * <p>Canonicalisation is idempotent: canonicalising a canonical value returns it unchanged.
 */
public final class IndicatorIdentity {

    /** Longest raw value accepted, so one hostile value cannot make a huge key or message. */
    public static final int MAX_VALUE_LENGTH = 8192;

    private static final Map<String, IndicatorType> TYPES_BY_ID_NAME = typesByIdName();

    private IndicatorIdentity() {}

    /** Refangs and canonicalises {@code raw} as an indicator of {@code type}. */
    public static Result<CanonicalIndicator> canonicalize(IndicatorType type, String raw) {
        if (type == null || type == IndicatorType.UNKNOWN) {
            return reject(RejectionCodes.UNKNOWN_TYPE, raw, "has type " + type + ", which has no identity");
        }
        if (raw == null) {
            return reject(RejectionCodes.EMPTY_VALUE, null, "is not a value");
        }
        if (raw.length() > MAX_VALUE_LENGTH) {
            return reject(RejectionCodes.VALUE_TOO_LONG, raw, "is longer than " + MAX_VALUE_LENGTH + " characters");
        }
        String value = Refanger.refang(raw.strip());
        if (value.isEmpty()) {
            return reject(RejectionCodes.EMPTY_VALUE, raw, "is empty");
        }
        return canonicalValue(type, value).map(canonical -> new CanonicalIndicator(type, canonical));
    }

    /**
     * Parses an indicator id ({@code <type>:<value>}) and accepts it only if it is already
     * canonical, so ids read back from topics or stores cannot drift from the ones we write.
     */
    public static Result<CanonicalIndicator> parseId(String id) {
        if (id == null || id.isEmpty()) {
            return reject(RejectionCodes.EMPTY_VALUE, id, "is not an indicator id");
        }
        int colon = id.indexOf(':');
        if (colon <= 0) {
            return reject(RejectionCodes.INVALID_ID, id, "is not of the form <type>:<value>");
        }
        IndicatorType type = TYPES_BY_ID_NAME.get(id.substring(0, colon));
        if (type == null) {
            return reject(
                    RejectionCodes.UNKNOWN_TYPE,
                    id,
                    "does not start with a lower-case indicator type such as ipv4: or domain:");
        }
        String value = id.substring(colon + 1);
        Result<CanonicalIndicator> canonical = canonicalize(type, value);
        if (canonical.isOk() && !canonical.value().value().equals(value)) {
            return reject(
                    RejectionCodes.NOT_CANONICAL,
                    id,
                    "is not canonical; the canonical id is "
                            + Reasons.quote(canonical.value().id()));
        }
        return canonical;
    }

    /**
     * Best-effort guess of the type of a value whose type a feed does not state, for input
     * adapters. Only the shape is looked at: the value may still be rejected by {@link
     * #canonicalize}, which gives the precise reason (say {@code HOST_BITS_SET} for {@code
     * 10.0.0.5/8}, detected as IPV4). Checked in order: hash by length, URL with a scheme, IPv4,
     * IPv6, e-mail, domain.
     */
    public static Optional<IndicatorType> detectType(String raw) {
        if (raw == null || raw.length() > MAX_VALUE_LENGTH) {
            return Optional.empty();
        }
        String value = Refanger.refang(raw.strip());
        if (value.isEmpty() || Chars.indexOfForbidden(value) >= 0) {
            return Optional.empty();
        }
        if (isAllHex(value)) {
            switch (value.length()) {
                case 32:
                    return Optional.of(IndicatorType.MD5);
                case 40:
                    return Optional.of(IndicatorType.SHA1);
                case 64:
                    return Optional.of(IndicatorType.SHA256);
                default:
                    break; // all-hex of another length may still be a domain label like "cafe"
            }
        }
        int scheme = value.indexOf("://");
        if (scheme > 0 && UrlCanonicalizer.isSchemeSyntax(value, scheme)) {
            return Optional.of(IndicatorType.URL);
        }
        if (IpAddressCanonicalizer.looksLikeIpv4(value)) {
            return Optional.of(IndicatorType.IPV4);
        }
        if (IpAddressCanonicalizer.looksLikeIpv6(value)) {
            return Optional.of(IndicatorType.IPV6);
        }
        int at = value.lastIndexOf('@');
        if (at > 0 && at < value.length() - 1) {
            return Optional.of(IndicatorType.EMAIL);
        }
        if (at < 0 && value.indexOf('.') > 0 && value.indexOf('/') < 0 && value.indexOf(':') < 0) {
            return Optional.of(IndicatorType.DOMAIN);
        }
        return Optional.empty();
    }

    private static Result<String> canonicalValue(IndicatorType type, String value) {
        switch (type) {
            case IPV4:
                return IpAddressCanonicalizer.canonicalizeIpv4(value);
            case IPV6:
                return IpAddressCanonicalizer.canonicalizeIpv6(value);
            case DOMAIN:
                return DomainCanonicalizer.canonicalize(value);
            case URL:
                return UrlCanonicalizer.canonicalize(value);
            case MD5:
                return HashCanonicalizer.canonicalizeMd5(value);
            case SHA1:
                return HashCanonicalizer.canonicalizeSha1(value);
            case SHA256:
                return HashCanonicalizer.canonicalizeSha256(value);
            case EMAIL:
                return EmailCanonicalizer.canonicalize(value);
            default:
                // A symbol added to the schema later: reject until someone defines its identity.
                return reject(RejectionCodes.UNKNOWN_TYPE, value, "has type " + type + ", which has no identity rules");
        }
    }

    private static boolean isAllHex(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (!Chars.isHex(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, IndicatorType> typesByIdName() {
        Map<String, IndicatorType> map = new HashMap<>();
        for (IndicatorType t : IndicatorType.values()) {
            if (t != IndicatorType.UNKNOWN) {
                map.put(t.name().toLowerCase(Locale.ROOT), t);
            }
        }
        return Map.copyOf(map);
    }
}
