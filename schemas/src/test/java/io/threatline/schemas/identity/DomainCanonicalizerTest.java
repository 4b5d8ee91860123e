package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Assertions.assertCanonical;
import static io.threatline.schemas.identity.Assertions.assertRejected;

import io.threatline.contract.IndicatorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DomainCanonicalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            example.com                 | example.com
            EXAMPLE.com.                | example.com
            Sub.Example.CO.UK           | sub.example.co.uk
            evil[.]example[.]com        | evil.example.com
            evil[dot]example(dot)org    | evil.example.org
            bücher.de                   | xn--bcher-kva.de
            BÜCHER.de                   | xn--bcher-kva.de
            xn--bcher-kva.de            | xn--bcher-kva.de
            XN--BCHER-KVA.DE            | xn--bcher-kva.de
            пример.рф                   | xn--e1afmkfd.xn--p1ai
            例え.jp                      | xn--r8jz45g.jp
            foo.blogspot.com            | foo.blogspot.com
            a-b.example.com             | a-b.example.com
            123.example.com             | 123.example.com
            """)
    void shouldCanonicalizeValidDomains(String raw, String expected) {
        assertCanonical(IndicatorType.DOMAIN, raw, expected);
    }

    @ParameterizedTest(name = "{0} rejected with {1}")
    @CsvSource(delimiter = '|', textBlock = """
            com                    | NO_PUBLIC_SUFFIX
            co.uk                  | NO_PUBLIC_SUFFIX
            CO.UK.                 | NO_PUBLIC_SUFFIX
            blogspot.com           | NO_PUBLIC_SUFFIX
            localhost              | NO_PUBLIC_SUFFIX
            host.local             | NO_PUBLIC_SUFFIX
            192.0.2.1              | IP_LITERAL_NOT_DOMAIN
            2001:db8::1            | IP_LITERAL_NOT_DOMAIN
            _dmarc.example.com     | INVALID_DOMAIN
            a_b.example.com        | INVALID_DOMAIN
            -a.example.com         | INVALID_DOMAIN
            a-.example.com         | INVALID_DOMAIN
            a..example.com         | INVALID_DOMAIN
            example.com..          | INVALID_DOMAIN
            .example.com           | INVALID_DOMAIN
            exa mple.com           | ILLEGAL_CHARACTER
            example.com/path       | INVALID_DOMAIN
            example.com:80         | INVALID_DOMAIN
            straße.de              | AMBIGUOUS_IDN
            ὀδυσσεύς.gr            | AMBIGUOUS_IDN
            """)
    void shouldRejectInvalidDomains(String raw, String code) {
        assertRejected(IndicatorType.DOMAIN, raw, code);
    }

    @Test
    void shouldRejectLabelLongerThan63Characters() {
        assertRejected(IndicatorType.DOMAIN, "a".repeat(64) + ".com", RejectionCodes.DOMAIN_TOO_LONG);
        assertCanonical(IndicatorType.DOMAIN, "a".repeat(63) + ".com", "a".repeat(63) + ".com");
    }

    @Test
    void shouldRejectNameLongerThan253Characters() {
        String label = "a".repeat(60);
        String name = String.join(".", label, label, label, label) + ".com"; // 244 + 4 = 248
        assertCanonical(IndicatorType.DOMAIN, name, name);
        assertRejected(IndicatorType.DOMAIN, "abcdef." + name, RejectionCodes.DOMAIN_TOO_LONG);
    }

    @Test
    void shouldRejectInvisibleCharactersThatIdnaWouldDrop() {
        // Given a zero-width space, which IDNA2003 maps to nothing
        // Then the name is rejected instead of silently becoming example.com
        assertRejected(IndicatorType.DOMAIN, "exa\u200Bmple.com", RejectionCodes.ILLEGAL_CHARACTER);
        assertRejected(IndicatorType.DOMAIN, "exa\u00ADmple.com", RejectionCodes.ILLEGAL_CHARACTER);
    }

    @Test
    void shouldRejectUnicodeLabelTooLongAfterPunycode() {
        assertRejected(IndicatorType.DOMAIN, "ü".repeat(70) + ".de", RejectionCodes.INVALID_IDN);
    }
}
