package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Assertions.assertCanonical;
import static io.threatline.schemas.identity.Assertions.assertRejected;

import io.threatline.contract.IndicatorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlCanonicalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            hxxps://evil[.]example[.]com:443/path?q=1#frag | https://evil.example.com/path?q=1
            http://Example.com                              | http://example.com
            http://example.com/                             | http://example.com/
            HTTP://EXAMPLE.COM/Path/To?Q=A%2FB              | http://example.com/Path/To?Q=A%2FB
            http://example.com:80/a                         | http://example.com/a
            http://example.com:080/a                        | http://example.com/a
            http://example.com:/a                           | http://example.com/a
            http://example.com:8080/a                       | http://example.com:8080/a
            https://example.com:80/                         | https://example.com:80/
            ftp://files.example.org:21/pub                  | ftp://files.example.org/pub
            ws://example.com:80/socket                      | ws://example.com/socket
            wss://example.com:443/socket                    | wss://example.com/socket
            sftp://example.com:22/x                         | sftp://example.com:22/x
            ftps://example.com/x                            | ftps://example.com/x
            http://example.com?q=1                          | http://example.com?q=1
            http://example.com#top                          | http://example.com
            http://example.com./a                           | http://example.com/a
            http://User:Pass@Example.com/a                  | http://User:Pass@example.com/a
            http://a@b@example.com/                         | http://a@b@example.com/
            http://bücher.de/straße                         | http://xn--bcher-kva.de/straße
            http://192.0.2.1:80/x                           | http://192.0.2.1/x
            http://[2001:DB8:0:0:0:0:0:1]:8080/x            | http://[2001:db8::1]:8080/x
            http://[::ffff:1.2.3.4]/                        | http://[::ffff:1.2.3.4]/
            hxxp[://]evil[.]com/a                           | http://evil.com/a
            "  http://example.com/a  "                      | http://example.com/a
            """)
    void shouldCanonicalizeValidUrls(String raw, String expected) {
        assertCanonical(IndicatorType.URL, raw, expected);
    }

    @ParameterizedTest(name = "{0} rejected with {1}")
    @CsvSource(delimiter = '|', textBlock = """
            example.com/path                | MISSING_SCHEME
            //example.com/path              | MISSING_SCHEME
            http:/example.com               | MISSING_SCHEME
            1http://example.com             | MISSING_SCHEME
            javascript://alert(1)           | UNSUPPORTED_SCHEME
            file:///etc/passwd              | UNSUPPORTED_SCHEME
            gopher://example.com/           | UNSUPPORTED_SCHEME
            http:///path                    | MISSING_HOST
            http://user@:80/                | MISSING_HOST
            http://co.uk/                   | INVALID_HOST
            http://ex_ample.com/            | INVALID_HOST
            http://010.0.0.1/               | INVALID_HOST
            http://256.0.0.1/               | INVALID_HOST
            http://3232235777/              | INVALID_HOST
            http://2001:db8::1/             | INVALID_HOST
            http://[2001:db8::g]/           | INVALID_HOST
            http://[2001:db8::1/            | INVALID_HOST
            http://[2001:db8::1]x/          | INVALID_HOST
            http://example.com:0/           | INVALID_PORT
            http://example.com:65536/       | INVALID_PORT
            http://example.com:8o/          | INVALID_PORT
            http://example.com/a b          | ILLEGAL_CHARACTER
            """)
    void shouldRejectInvalidUrls(String raw, String code) {
        assertRejected(IndicatorType.URL, raw, code);
    }

    @Test
    void shouldRejectControlCharactersInPath() {
        assertRejected(IndicatorType.URL, "http://example.com/a\tb", RejectionCodes.ILLEGAL_CHARACTER);
        assertRejected(IndicatorType.URL, "http://example.com/a\u0000b", RejectionCodes.ILLEGAL_CHARACTER);
        assertRejected(IndicatorType.URL, "http://example.com/\r\nSet-Cookie:x", RejectionCodes.ILLEGAL_CHARACTER);
    }

    @Test
    void shouldKeepPercentEncodingAndCaseInPathExactlyAsSent() {
        assertCanonical(
                IndicatorType.URL, "http://example.com/%7euser/A%2f?X=%41", "http://example.com/%7euser/A%2f?X=%41");
    }
}
