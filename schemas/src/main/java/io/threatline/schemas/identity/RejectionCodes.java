package io.threatline.schemas.identity;

/**
 * The machine codes that indicator canonicalisation rejects with.
 *
 * <p>These strings end up in dead letters and metrics labels, so they are part of the contract:
 * add new ones freely, but never rename or reuse one.
 */
public final class RejectionCodes {

    /** Null, empty or only whitespace. */
    public static final String EMPTY_VALUE = "EMPTY_VALUE";
    /** Longer than {@link IndicatorIdentity#MAX_VALUE_LENGTH}. */
    public static final String VALUE_TOO_LONG = "VALUE_TOO_LONG";
    /** Whitespace, control, invisible (format) or unpaired surrogate characters inside the value. */
    public static final String ILLEGAL_CHARACTER = "ILLEGAL_CHARACTER";
    /** The type is null or {@code UNKNOWN}. */
    public static final String UNKNOWN_TYPE = "UNKNOWN_TYPE";
    /** The value is well-formed, but for another type (IPv6 text given as IPV4, ...). */
    public static final String TYPE_MISMATCH = "TYPE_MISMATCH";

    /** Not an IPv4 address or CIDR block. */
    public static final String INVALID_IPV4 = "INVALID_IPV4";
    /** An IPv4 octet with a leading zero, which some parsers read as octal. */
    public static final String AMBIGUOUS_IPV4_OCTET = "AMBIGUOUS_IPV4_OCTET";
    /** Not an IPv6 address or CIDR block. */
    public static final String INVALID_IPV6 = "INVALID_IPV6";
    /** A CIDR prefix length that is not a plain decimal in range. */
    public static final String INVALID_PREFIX_LENGTH = "INVALID_PREFIX_LENGTH";
    /** A CIDR block whose address has bits set beyond the prefix. */
    public static final String HOST_BITS_SET = "HOST_BITS_SET";

    /** Not a syntactically valid domain name. */
    public static final String INVALID_DOMAIN = "INVALID_DOMAIN";
    /** A label over 63 or a name over 253 characters (after punycode). */
    public static final String DOMAIN_TOO_LONG = "DOMAIN_TOO_LONG";
    /** A Unicode name that IDNA cannot convert to an A-label. */
    public static final String INVALID_IDN = "INVALID_IDN";
    /** A Unicode name with characters IDNA2003 and IDNA2008 convert differently (ß, ς, ZWJ, ZWNJ). */
    public static final String AMBIGUOUS_IDN = "AMBIGUOUS_IDN";
    /** A domain that is a public suffix itself or is not under any known public suffix. */
    public static final String NO_PUBLIC_SUFFIX = "NO_PUBLIC_SUFFIX";
    /** An IP address where a domain name is required. */
    public static final String IP_LITERAL_NOT_DOMAIN = "IP_LITERAL_NOT_DOMAIN";

    /** A URL without {@code scheme://}. */
    public static final String MISSING_SCHEME = "MISSING_SCHEME";
    /** A URL scheme outside the allowed set. */
    public static final String UNSUPPORTED_SCHEME = "UNSUPPORTED_SCHEME";
    /** A URL with an empty host. */
    public static final String MISSING_HOST = "MISSING_HOST";
    /** A URL host that is neither a valid domain nor an IP literal. */
    public static final String INVALID_HOST = "INVALID_HOST";
    /** A URL port that is not a decimal in 1..65535. */
    public static final String INVALID_PORT = "INVALID_PORT";

    /** A hash of the wrong length for its type. */
    public static final String BAD_HASH_LENGTH = "BAD_HASH_LENGTH";
    /** A hash with a character that is not hexadecimal. */
    public static final String NOT_HEX = "NOT_HEX";

    /** Not a {@code local@domain} address. */
    public static final String INVALID_EMAIL = "INVALID_EMAIL";
    /** An e-mail local part that is empty or longer than 64 characters. */
    public static final String INVALID_LOCAL_PART = "INVALID_LOCAL_PART";

    /** An indicator id that is not {@code <type>:<value>}. */
    public static final String INVALID_ID = "INVALID_ID";
    /** An indicator id whose value is valid but not in canonical form. */
    public static final String NOT_CANONICAL = "NOT_CANONICAL";

    private RejectionCodes() {}
}
