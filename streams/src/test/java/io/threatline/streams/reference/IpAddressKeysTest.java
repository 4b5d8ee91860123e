package io.threatline.streams.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.schemas.Result;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressKeysTest {

    @ParameterizedTest(name = "{0} -> {1}..{2}")
    @CsvSource(delimiter = '|', textBlock = """
            1.2.3.4          | 00000000000000000000ffff01020304 | 00000000000000000000ffff01020304
            10.0.0.0/8       | 00000000000000000000ffff0a000000 | 00000000000000000000ffff0affffff
            0.0.0.0/0        | 00000000000000000000ffff00000000 | 00000000000000000000ffffffffffff
            ::ffff:1.2.3.4   | 00000000000000000000ffff01020304 | 00000000000000000000ffff01020304
            2001:db8::1      | 20010db8000000000000000000000001 | 20010db8000000000000000000000001
            FE80::/10        | fe800000000000000000000000000000 | febfffffffffffffffffffffffffffff
            ::/0             | 00000000000000000000000000000000 | ffffffffffffffffffffffffffffffff
            """)
    void shouldKeyIpv4AsMappedIpv6AndBlocksByFirstAndLastAddress(String text, String first, String last) {
        IpBlock block = IpAddressKeys.parse(text).value();

        assertThat(block.firstKey()).isEqualTo(first);
        assertThat(block.lastKey()).isEqualTo(last);
    }

    @Test
    void shouldSortKeysAsTextInAddressOrder() {
        String a = IpAddressKeys.keyOf("9.255.255.255").orElseThrow();
        String b = IpAddressKeys.keyOf("10.0.0.0").orElseThrow();
        String c = IpAddressKeys.keyOf("2001:db8::").orElseThrow();

        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
    }

    @Test
    void shouldWriteCanonicalTextForBothFamilies() {
        IpBlock v4 = IpAddressKeys.parse("192.0.2.0/24").value();
        IpBlock v6 = IpAddressKeys.parse("2001:0db8:0000::/48").value();

        assertThat(v4.firstText()).isEqualTo("192.0.2.0");
        assertThat(v4.lastText()).isEqualTo("192.0.2.255");
        assertThat(v6.firstText()).isEqualTo("2001:db8::");
        assertThat(v6.lastText()).isEqualTo("2001:db8:0:ffff:ffff:ffff:ffff:ffff");
    }

    @Test
    void shouldBuildBlocksFromInetAddressesWithFamilyPrefixLengths() throws Exception {
        IpBlock v4 = IpAddressKeys.block(InetAddress.getByName("1.0.0.0"), 24);
        IpBlock v6 = IpAddressKeys.block(InetAddress.getByName("2001:db8::"), 32);

        assertThat(v4.prefixLength()).isEqualTo(120);
        assertThat(v4.lastText()).isEqualTo("1.0.0.255");
        assertThat(v6.lastKey()).isEqualTo("20010db8ffffffffffffffffffffffff");
    }

    @Test
    void shouldRejectNamesHostBitsAndBackwardsRanges() {
        assertThat(IpAddressKeys.parse("example.com").isOk()).isFalse();
        assertThat(IpAddressKeys.parse("10.0.0.5/8").rejection().code()).isEqualTo("HOST_BITS_SET");
        Result<IpBlock> backwards = IpAddressKeys.range("10.0.0.9", "10.0.0.1");
        assertThat(backwards.rejection().code()).isEqualTo("START_AFTER_END");
        assertThat(IpAddressKeys.parseAddress("10.0.0.0/8").isOk()).isFalse();
    }
}
