package io.threatline.streams.reference;

import io.threatline.contract.IndicatorType;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.IndicatorIdentity;
import io.threatline.schemas.identity.IpAddressCanonicalizer;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP addresses as sortable keys of the IP range topic: the 128-bit address as 32 lower-case hex
 * digits, IPv4 addresses taken as IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}). Fixed-width lower-case
 * hex compares as text exactly as the numbers compare, so a key-ordered store (a GlobalKTable's)
 * can find the range holding an address with one reverse range scan.
 *
 * <p>Text is parsed through {@link IndicatorIdentity}, so the same rules (no octal-looking
 * octets, no host bits in a CIDR block, no zone ids) apply to reference data as to indicators,
 * and {@link InetAddress} is only ever given canonical literals, never a name it could resolve.
 */
public final class IpAddressKeys {

    /** Offset of IPv4 addresses in the 128-bit space: {@code ::ffff:0:0}. */
    public static final BigInteger IPV4_MAPPED_BASE =
            BigInteger.valueOf(0xFFFFL).shiftLeft(32);

    private static final BigInteger ALL_ONES_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final BigInteger ALL_ONES_32 = BigInteger.valueOf(0xFFFF_FFFFL);
    private static final String ZEROS = "00000000000000000000000000000000";

    private IpAddressKeys() {}

    /**
     * Parses an IPv4 or IPv6 address or CIDR block (refanged and canonicalised first), for
     * example {@code 192.0.2.0/24}, {@code 2001:db8::1} or {@code FE80::/10}.
     */
    public static Result<IpBlock> parse(String text) {
        if (text == null) {
            return Result.rejected("EMPTY_VALUE", "no address given");
        }
        IndicatorType type = text.indexOf(':') >= 0 ? IndicatorType.IPV6 : IndicatorType.IPV4;
        return IndicatorIdentity.canonicalize(type, text)
                .flatMap(canonical -> fromCanonical(canonical.value(), type == IndicatorType.IPV4));
    }

    /** Parses a single address (no prefix length). */
    public static Result<IpBlock> parseAddress(String text) {
        if (text != null && text.indexOf('/') >= 0) {
            return Result.rejected("NOT_AN_ADDRESS", "'" + text + "' is a CIDR block, not a single address");
        }
        return parse(text);
    }

    /** The range from {@code start} to {@code end}, both single addresses of the same family. */
    public static Result<IpBlock> range(String start, String end) {
        Result<IpBlock> first = parseAddress(start);
        if (!first.isOk()) {
            return first;
        }
        Result<IpBlock> last = parseAddress(end);
        if (!last.isOk()) {
            return last;
        }
        IpBlock a = first.value();
        IpBlock b = last.value();
        if (a.ipv4() != b.ipv4()) {
            return Result.rejected(
                    "MIXED_FAMILIES", "start " + start + " and end " + end + " are not both IPv4 or both IPv6");
        }
        if (a.first().compareTo(b.first()) > 0) {
            return Result.rejected("START_AFTER_END", "start " + start + " is after end " + end);
        }
        return Result.ok(new IpBlock(a.first(), b.first(), commonPrefix(a.first(), b.first()), a.ipv4()));
    }

    /** The block of {@code prefixLength} bits (of the address family) at {@code address}. */
    public static IpBlock block(InetAddress address, int prefixLength) {
        boolean ipv4 = address instanceof Inet4Address;
        BigInteger value = new BigInteger(1, address.getAddress());
        int length128 = ipv4 ? prefixLength + 96 : prefixLength;
        if (ipv4) {
            value = value.or(IPV4_MAPPED_BASE);
        }
        BigInteger hostMask = hostMask(length128);
        BigInteger first = value.andNot(hostMask);
        return new IpBlock(first, first.or(hostMask), length128, ipv4);
    }

    /** The key of a 128-bit address: 32 lower-case hex digits. */
    public static String key(BigInteger address) {
        String hex = address.toString(16);
        return hex.length() >= 32 ? hex : ZEROS.substring(hex.length()) + hex;
    }

    /**
     * The key of the first address of an address or CIDR block given as text; empty if the text
     * is not one.
     */
    public static java.util.Optional<String> keyOf(String text) {
        Result<IpBlock> block = parse(text);
        return block.isOk() ? java.util.Optional.of(block.value().firstKey()) : java.util.Optional.empty();
    }

    /** Canonical text of a 128-bit address; dotted IPv4 if {@code ipv4} and it is IPv4-mapped. */
    public static String text(BigInteger address, boolean ipv4) {
        if (ipv4 && address.shiftRight(32).equals(BigInteger.valueOf(0xFFFFL))) {
            long v4 = address.and(ALL_ONES_32).longValue();
            return (v4 >>> 24) + "." + ((v4 >>> 16) & 0xFF) + '.' + ((v4 >>> 8) & 0xFF) + '.' + (v4 & 0xFF);
        }
        String hex = key(address);
        StringBuilder full = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g > 0) {
                full.append(':');
            }
            full.append(hex, g * 4, g * 4 + 4);
        }
        return IpAddressCanonicalizer.canonicalizeIpv6(full.toString()).value();
    }

    /** Mask of the host bits below a prefix of {@code length128} bits in the 128-bit space. */
    static BigInteger hostMask(int length128) {
        return ALL_ONES_128.shiftRight(length128);
    }

    private static Result<IpBlock> fromCanonical(String canonical, boolean ipv4) {
        int slash = canonical.indexOf('/');
        String addressText = slash < 0 ? canonical : canonical.substring(0, slash);
        int prefix = slash < 0 ? (ipv4 ? 32 : 128) : Integer.parseInt(canonical.substring(slash + 1));
        BigInteger address;
        if (ipv4) {
            long v4 = 0;
            for (String octet : addressText.split("\\.", -1)) {
                v4 = (v4 << 8) | Integer.parseInt(octet);
            }
            address = BigInteger.valueOf(v4).or(IPV4_MAPPED_BASE);
        } else {
            try {
                // A canonical IPv6 literal: never resolved over DNS.
                byte[] bytes = InetAddress.getByName(addressText).getAddress();
                address = new BigInteger(1, bytes);
                if (bytes.length == 4) { // Java turns ::ffff:a.b.c.d into an Inet4Address
                    address = address.or(IPV4_MAPPED_BASE);
                }
            } catch (UnknownHostException e) {
                return Result.rejected("INVALID_IPV6", "'" + canonical + "' is not an IPv6 address");
            }
        }
        int length128 = ipv4 ? prefix + 96 : prefix;
        return Result.ok(new IpBlock(address, address.or(hostMask(length128)), length128, ipv4));
    }

    private static int commonPrefix(BigInteger a, BigInteger b) {
        BigInteger diff = a.xor(b);
        return 128 - diff.bitLength();
    }
}
