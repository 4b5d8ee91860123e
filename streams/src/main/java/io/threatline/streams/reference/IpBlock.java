package io.threatline.streams.reference;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A block of IP addresses as 128-bit numbers; IPv4 addresses are held as their IPv4-mapped IPv6
 * form ({@code ::ffff:a.b.c.d}) so that both families share one ordered key space.
 *
 * @param first first address of the block
 * @param last last address of the block (equal to {@code first} for a single address)
 * @param prefixLength prefix length in the 128-bit space (an IPv4 {@code /24} is 120); for a
 *     start-end range that is not a CIDR block, the length of the longest prefix both share
 * @param ipv4 whether the block was written as IPv4
 */
public record IpBlock(BigInteger first, BigInteger last, int prefixLength, boolean ipv4) {

    public IpBlock {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("first address after last");
        }
    }

    /** Sortable key of the first address: 32 lower-case hex digits. */
    public String firstKey() {
        return IpAddressKeys.key(first);
    }

    /** Sortable key of the last address: 32 lower-case hex digits. */
    public String lastKey() {
        return IpAddressKeys.key(last);
    }

    /** Canonical text of the first address. */
    public String firstText() {
        return IpAddressKeys.text(first, ipv4);
    }

    /** Canonical text of the last address. */
    public String lastText() {
        return IpAddressKeys.text(last, ipv4);
    }

    /** Whether {@code other} lies entirely inside this block. */
    public boolean contains(IpBlock other) {
        return first.compareTo(other.first) <= 0 && last.compareTo(other.last) >= 0;
    }
}
