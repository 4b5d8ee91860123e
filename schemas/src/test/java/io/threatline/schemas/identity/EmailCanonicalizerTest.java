package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Assertions.assertCanonical;
import static io.threatline.schemas.identity.Assertions.assertRejected;

import io.threatline.contract.IndicatorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailCanonicalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            user@example.com                    | user@example.com
            John.Doe+Tag@EXAMPLE.COM.           | John.Doe+Tag@example.com
            user[@]example[.]com                | user@example.com
            user[at]example[dot]com             | user@example.com
            user(at)example(.)com               | user@example.com
            "a@b"@example.com                   | "a@b"@example.com
            user@bücher.de                      | user@xn--bcher-kva.de
            user@[192.0.2.1]                    | user@[192.0.2.1]
            user@[ipv6:2001:DB8:0:0:0:0:0:1]    | user@[IPv6:2001:db8::1]
            """)
    void shouldCanonicalizeDomainAndKeepLocalPart(String raw, String expected) {
        assertCanonical(IndicatorType.EMAIL, raw, expected);
    }

    @ParameterizedTest(name = "{0} rejected with {1}")
    @CsvSource(delimiter = '|', textBlock = """
            user.example.com            | INVALID_EMAIL
            @example.com                | INVALID_LOCAL_PART
            user@                       | INVALID_EMAIL
            user@co.uk                  | INVALID_EMAIL
            user@192.0.2.1              | INVALID_EMAIL
            user@[2001:db8::1]          | INVALID_EMAIL
            user@[010.0.0.1]            | INVALID_EMAIL
            user@[192.0.2.1             | INVALID_EMAIL
            us er@example.com           | ILLEGAL_CHARACTER
            """)
    void shouldRejectInvalidEmails(String raw, String code) {
        assertRejected(IndicatorType.EMAIL, raw, code);
    }

    @Test
    void shouldRejectLocalPartLongerThan64Characters() {
        assertCanonical(IndicatorType.EMAIL, "a".repeat(64) + "@example.com", "a".repeat(64) + "@example.com");
        assertRejected(IndicatorType.EMAIL, "a".repeat(65) + "@example.com", RejectionCodes.INVALID_LOCAL_PART);
    }
}
