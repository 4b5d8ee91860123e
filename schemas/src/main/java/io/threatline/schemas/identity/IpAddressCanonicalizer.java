package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Reasons.reject;

import io.threatline.schemas.Result;

/**
 * Canonical text of IPv4 and IPv6 addresses and CIDR blocks.
 *
 * <ul>
 *   <li>IPv4: dotted decimal; an octet with a leading zero ({@code 010.1.1.1}) is rejected because
 *       some resolvers read it as octal, so we cannot know which address was meant.
 *   <li>IPv6: RFC 5952 text (lower case, no leading zeros, the longest run of two or more zero
 *       groups, first on a tie, as {@code ::}). IPv4-mapped addresses ({@code ::ffff:0:0/96}) are
 *       written {@code ::ffff:192.0.2.1} as RFC 5952 section 5 recommends; they stay IPv6
 *       indicators and are never turned into IPv4 ones.
 *   <li>CIDR: a block stays a block ({@code 192.0.2.0/24}); {@code /32} and {@code /128} become
 *       the plain address; a block whose address has host bits set is rejected with the network
 *       it would have been, not silently masked, because a partner who wrote {@code 10.0.0.5/8}
 *       may have meant the host or the network.
 * </ul>
 *
 * <p>Parsing is done here, not with {@code InetAddress}, which may resolve names over DNS and
 * turns IPv4-mapped addresses into IPv4 ones. Zone ids ({@code fe80::1%eth0}) and brackets are
 * rejected: neither identifies an address outside the host that wrote it.
 */
public final class IpAddressCanonicalizer {

    private static final long FAIL_SYNTAX = -1;
    private static final long FAIL_LEADING_ZERO = -2;
    private static final long FAIL_OCTET_RANGE = -3;

    private IpAddressCanonicalizer() {}

    /** Canonicalises an IPv4 address or CIDR block; the input must already be refanged. */
    public static Result<String> canonicalizeIpv4(String value) {
        if (value == null || value.isEmpty()) {
            return reject(RejectionCodes.EMPTY_VALUE, value, "is empty");
        }
        int slash = value.indexOf('/');
        int addressEnd = slash < 0 ? value.length() : slash;
        if (value.indexOf(':') >= 0 && parseIpv6(value, 0, addressEnd, new int[8]) == null) {
            return reject(RejectionCodes.TYPE_MISMATCH, value, "is an IPv6 address, not IPv4");
        }
        long address = parseIpv4(value, 0, addressEnd);
        if (address < 0) {
            return ipv4Failure(value, address);
        }
        if (slash < 0) {
            return Result.ok(formatIpv4(address));
        }
        int prefix = parsePrefix(value, slash + 1, 32);
        if (prefix < 0) {
            return reject(
                    RejectionCodes.INVALID_PREFIX_LENGTH,
                    value,
                    "has a prefix length that is not a decimal 0..32 without leading zeros");
        }
        long mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
        if ((address & ~mask) != 0) {
            return reject(
                    RejectionCodes.HOST_BITS_SET,
                    value,
                    "has host bits set; the network would be " + formatIpv4(address & mask) + '/' + prefix
                            + " (not guessed: give the network or the single address)");
        }
        if (prefix == 32) {
            return Result.ok(formatIpv4(address));
        }
        return Result.ok(formatIpv4(address) + '/' + prefix);
    }

    /** Canonicalises an IPv6 address or CIDR block; the input must already be refanged. */
    public static Result<String> canonicalizeIpv6(String value) {
        if (value == null || value.isEmpty()) {
            return reject(RejectionCodes.EMPTY_VALUE, value, "is empty");
        }
        int slash = value.indexOf('/');
        int addressEnd = slash < 0 ? value.length() : slash;
        int[] groups = new int[8];
        String failure = parseIpv6(value, 0, addressEnd, groups);
        if (failure != null) {
            if (value.indexOf(':') < 0 && parseIpv4(value, 0, addressEnd) >= 0) {
                return reject(RejectionCodes.TYPE_MISMATCH, value, "is an IPv4 address, not IPv6");
            }
            return reject(RejectionCodes.INVALID_IPV6, value, "is not an IPv6 address: " + failure);
        }
        if (slash < 0) {
            return Result.ok(formatIpv6(groups));
        }
        int prefix = parsePrefix(value, slash + 1, 128);
        if (prefix < 0) {
            return reject(
                    RejectionCodes.INVALID_PREFIX_LENGTH,
                    value,
                    "has a prefix length that is not a decimal 0..128 without leading zeros");
        }
        int[] network = new int[8];
        boolean hostBits = false;
        for (int g = 0; g < 8; g++) {
            int maskBits = Math.max(0, Math.min(16, prefix - g * 16));
            int mask = maskBits == 0 ? 0 : (0xFFFF << (16 - maskBits)) & 0xFFFF;
            network[g] = groups[g] & mask;
            hostBits |= network[g] != groups[g];
        }
        if (hostBits) {
            return reject(
                    RejectionCodes.HOST_BITS_SET,
                    value,
                    "has host bits set; the network would be " + formatIpv6(network) + '/' + prefix
                            + " (not guessed: give the network or the single address)");
        }
        if (prefix == 128) {
            return Result.ok(formatIpv6(groups));
        }
        return Result.ok(formatIpv6(groups) + '/' + prefix);
    }

    /** A single IPv4 address without prefix, as a URL or e-mail host. */
    static Result<String> canonicalIpv4Address(String value) {
        long address = parseIpv4(value, 0, value.length());
        return address < 0 ? ipv4Failure(value, address) : Result.ok(formatIpv4(address));
    }

    /** A single IPv6 address without prefix, as a URL or e-mail host. */
    static Result<String> canonicalIpv6Address(String value) {
        int[] groups = new int[8];
        String failure = parseIpv6(value, 0, value.length(), groups);
        return failure != null
                ? reject(RejectionCodes.INVALID_IPV6, value, "is not an IPv6 address: " + failure)
                : Result.ok(formatIpv6(groups));
    }

    /** Whether {@code s} has the shape of IPv4 text (digits and three dots, optional /prefix). */
    static boolean looksLikeIpv4(String s) {
        int dots = 0;
        int slash = -1;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '.' && slash < 0) {
                dots++;
            } else if (c == '/' && slash < 0) {
                slash = i;
            } else if (!Chars.isDigit(c)) {
                return false;
            }
        }
        return dots == 3;
    }

    /** Whether {@code s} has the shape of IPv6 text (hex, colons, maybe dots, optional /prefix). */
    static boolean looksLikeIpv6(String s) {
        boolean colon = false;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (!(Chars.isHex(c) || c == '.' || c == '/')) {
                return false;
            }
        }
        return colon;
    }

    private static Result<String> ipv4Failure(String value, long code) {
        if (code == FAIL_LEADING_ZERO) {
            return reject(
                    RejectionCodes.AMBIGUOUS_IPV4_OCTET,
                    value,
                    "has an octet with a leading zero, which some parsers read as octal");
        }
        if (code == FAIL_OCTET_RANGE) {
            return reject(RejectionCodes.INVALID_IPV4, value, "has an octet above 255");
        }
        return reject(RejectionCodes.INVALID_IPV4, value, "is not a dotted-decimal IPv4 address");
    }

    /** Parses strict dotted-decimal {@code s[from, to)}; a negative result is a FAIL_ code. */
    private static long parseIpv4(String s, int from, int to) {
        long address = 0;
        int octets = 0;
        int i = from;
        while (true) {
            int start = i;
            int octet = 0;
            while (i < to && Chars.isDigit(s.charAt(i)) && i - start < 4) {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || (i < to && Chars.isDigit(s.charAt(i)))) {
                return FAIL_SYNTAX;
            }
            if (digits > 1 && s.charAt(start) == '0') {
                return FAIL_LEADING_ZERO;
            }
            if (octet > 255) {
                return FAIL_OCTET_RANGE;
            }
            address = (address << 8) | octet;
            octets++;
            if (i == to) {
                return octets == 4 ? address : FAIL_SYNTAX;
            }
            if (s.charAt(i) != '.' || octets == 4) {
                return FAIL_SYNTAX;
            }
            i++;
        }
    }

    /** A decimal prefix length in 0..max without leading zeros, or -1. */
    private static int parsePrefix(String s, int from, int max) {
        int n = s.length();
        if (from >= n || n - from > 3 || (n - from > 1 && s.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (!Chars.isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    /**
     * Parses IPv6 text {@code s[from, to)} into eight 16-bit groups.
     *
     * @return null on success, else a short reason
     */
    private static String parseIpv6(String s, int from, int to, int[] groups) {
        if (to - from < 2) {
            return "too short";
        }
        if (s.indexOf('%', from) >= 0 && s.indexOf('%', from) < to) {
            return "zone ids are local to one host";
        }
        int n = 0;
        int gap = -1;
        int i = from;
        if (s.charAt(i) == ':') {
            if (s.charAt(i + 1) != ':') {
                return "starts with a single colon";
            }
            gap = 0;
            i += 2;
            if (i == to) {
                return fillGap(groups, n, gap);
            }
        }
        while (true) {
            int start = i;
            int group = 0;
            while (i < to && Chars.isHex(s.charAt(i))) {
                if (i - start == 4) {
                    return "a group has more than four hex digits";
                }
                group = (group << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < to && s.charAt(i) == '.') {
                // An embedded IPv4 address fills the last two groups.
                long v4 = parseIpv4(s, start, to);
                if (v4 < 0 || n > 6) {
                    return "bad embedded IPv4 address";
                }
                groups[n++] = (int) (v4 >>> 16);
                groups[n++] = (int) (v4 & 0xFFFF);
                break;
            }
            if (i == start) {
                return "empty or non-hex group";
            }
            if (n == 8) {
                return "more than eight groups";
            }
            groups[n++] = group;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != ':') {
                return "unexpected character " + Chars.describe(s.charAt(i));
            }
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return "more than one '::'";
                }
                gap = n;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                return "ends with a single colon";
            }
        }
        return fillGap(groups, n, gap);
    }

    private static String fillGap(int[] groups, int n, int gap) {
        if (gap < 0) {
            return n == 8 ? null : "fewer than eight groups and no '::'";
        }
        if (n > 7) {
            return "'::' with eight groups";
        }
        int tail = n - gap;
        System.arraycopy(groups, gap, groups, 8 - tail, tail);
        java.util.Arrays.fill(groups, gap, 8 - tail, 0);
        return null;
    }

    static String formatIpv4(long address) {
        return new StringBuilder(15)
                .append((address >>> 24) & 0xFF)
                .append('.')
                .append((address >>> 16) & 0xFF)
                .append('.')
                .append((address >>> 8) & 0xFF)
                .append('.')
                .append(address & 0xFF)
                .toString();
    }

    /** RFC 5952 text of eight groups. */
    static String formatIpv6(int[] groups) {
        if (groups[0] == 0
                && groups[1] == 0
                && groups[2] == 0
                && groups[3] == 0
                && groups[4] == 0
                && groups[5] == 0xFFFF) {
            return "::ffff:" + formatIpv4(((long) groups[6] << 16) | groups[7]);
        }
        int bestStart = -1;
        int bestLen = 1; // "::" must not stand for a single zero group (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLen) {
                if (i == bestStart) {
                    sb.append("::");
                }
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
