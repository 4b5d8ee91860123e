package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Assertions.assertCanonical;
import static io.threatline.schemas.identity.Assertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressCanonicalizerTest {

    @ParameterizedTest(name = "ipv4 {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.1          | 192.0.2.1
            ' 192.0.2.1 '      | 192.0.2.1
            0.0.0.0            | 0.0.0.0
            255.255.255.255    | 255.255.255.255
            192.0.2.0/24       | 192.0.2.0/24
            10.0.0.0/8         | 10.0.0.0/8
            0.0.0.0/0          | 0.0.0.0/0
            192.0.2.7/32       | 192.0.2.7
            192[.]0[.]2[.]1    | 192.0.2.1
            """)
    void shouldCanonicalizeValidIpv4(String raw, String expected) {
        assertCanonical(IndicatorType.IPV4, raw, expected);
    }

    @ParameterizedTest(name = "ipv4 {0} rejected with {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.5/8         | HOST_BITS_SET
            192.0.2.1/24       | HOST_BITS_SET
            010.1.1.1          | AMBIGUOUS_IPV4_OCTET
            1.1.1.01           | AMBIGUOUS_IPV4_OCTET
            256.1.1.1          | INVALID_IPV4
            1.2.3.1000         | INVALID_IPV4
            1.2.3              | INVALID_IPV4
            1.2.3.4.5          | INVALID_IPV4
            1.2.3.             | INVALID_IPV4
            .1.2.3             | INVALID_IPV4
            1..2.3             | INVALID_IPV4
            1.2.3.4/33         | INVALID_PREFIX_LENGTH
            1.2.3.0/024        | INVALID_PREFIX_LENGTH
            1.2.3.0/           | INVALID_PREFIX_LENGTH
            1.2.3.0/x          | INVALID_PREFIX_LENGTH
            3232235777         | INVALID_IPV4
            0x7f.0.0.1         | INVALID_IPV4
            1.2.3.4 5          | INVALID_IPV4
            example.com        | INVALID_IPV4
            2001:db8::1        | TYPE_MISMATCH
            ::ffff:1.2.3.4     | TYPE_MISMATCH
            """)
    void shouldRejectInvalidIpv4(String raw, String code) {
        assertRejected(IndicatorType.IPV4, raw, code);
    }

    @Test
    void shouldRejectCidrWithHostBitsSetNamingTheNetwork() {
        // Given a block whose address is a host inside the network
        // When it is canonicalised
        var result = IndicatorIdentity.canonicalize(IndicatorType.IPV4, "10.0.0.5/8");
        // Then it is rejected, and the message names the network instead of using it
        assertThat(result.rejection().code()).isEqualTo(RejectionCodes.HOST_BITS_SET);
        assertThat(result.rejection().message()).contains("'10.0.0.5/8'").contains("10.0.0.0/8");
    }

    @ParameterizedTest(name = "ipv6 {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2001:DB8:0:0:0:0:0:1                    | 2001:db8::1
            2001:0db8:0000:0000:0000:0000:0000:0001 | 2001:db8::1
            2001:db8::1                             | 2001:db8::1
            ::                                      | ::
            ::1                                     | ::1
            1::                                     | 1::
            2001:db8:0:0:1:0:0:1                    | 2001:db8::1:0:0:1
            2001:0:0:1:0:0:0:1                      | 2001:0:0:1::1
            2001:db8:0:1:1:1:1:1                    | 2001:db8:0:1:1:1:1:1
            2001:db8::1:1:1:1:1                     | 2001:db8:0:1:1:1:1:1
            1:2:3:4:5:6:7::                         | 1:2:3:4:5:6:7:0
            ::ffff:1.2.3.4                          | ::ffff:1.2.3.4
            ::FFFF:0102:0304                        | ::ffff:1.2.3.4
            ::1.2.3.4                               | ::102:304
            64:ff9b::192.0.2.33                     | 64:ff9b::c000:221
            2001:db8::/32                           | 2001:db8::/32
            2001:db8:0:0:0:0:0:0/48                 | 2001:db8::/48
            2001:db8::1/128                         | 2001:db8::1
            ::/0                                    | ::/0
            2001[:]db8[:][:]1                       | 2001:db8::1
            """)
    void shouldCanonicalizeValidIpv6PerRfc5952(String raw, String expected) {
        assertCanonical(IndicatorType.IPV6, raw, expected);
    }

    @ParameterizedTest(name = "ipv6 {0} rejected with {1}")
    @CsvSource(delimiter = '|', textBlock = """
            2001:db8::1/32          | HOST_BITS_SET
            2001:db8::/129          | INVALID_PREFIX_LENGTH
            2001:db8::/064          | INVALID_PREFIX_LENGTH
            2001:db8:::1            | INVALID_IPV6
            2001::db8::1            | INVALID_IPV6
            :2001:db8::1            | INVALID_IPV6
            2001:db8::1:            | INVALID_IPV6
            1:2:3:4:5:6:7:8:9       | INVALID_IPV6
            1:2:3:4:5:6:7           | INVALID_IPV6
            1:2:3:4:5:6:7:8::       | INVALID_IPV6
            12345::1                | INVALID_IPV6
            2001:db8::g             | INVALID_IPV6
            fe80::1%eth0            | INVALID_IPV6
            [2001:db8::1]           | INVALID_IPV6
            ::ffff:01.2.3.4         | INVALID_IPV6
            ::1.2.3.4:1             | INVALID_IPV6
            192.0.2.1               | TYPE_MISMATCH
            """)
    void shouldRejectInvalidIpv6(String raw, String code) {
        assertRejected(IndicatorType.IPV6, raw, code);
    }

    @Test
    void shouldRejectIpv6CidrWithHostBitsSetNamingTheNetwork() {
        var result = IndicatorIdentity.canonicalize(IndicatorType.IPV6, "2001:db8:1::1/32");

        assertThat(result.rejection().code()).isEqualTo(RejectionCodes.HOST_BITS_SET);
        assertThat(result.rejection().message()).contains("2001:db8::/32");
    }
}
