package io.threatline.schemas.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.IndicatorType;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class IndicatorIdentityTest {

    @ParameterizedTest(name = "{0} {1} has id {2}")
    @CsvSource(delimiter = '|', textBlock = """
            IPV4   | 192.0.2.1                         | ipv4:192.0.2.1
            IPV4   | 192.0.2.0/24                      | ipv4:192.0.2.0/24
            IPV6   | 2001:DB8::1                       | ipv6:2001:db8::1
            DOMAIN | EXAMPLE.com.                      | domain:example.com
            URL    | hxxp://example[.]com/a            | url:http://example.com/a
            MD5    | D41D8CD98F00B204E9800998ECF8427E  | md5:d41d8cd98f00b204e9800998ecf8427e
            SHA1   | DA39A3EE5E6B4B0D3255BFEF95601890AFD80709 | sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709
            SHA256 | E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855 | sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            EMAIL  | User[at]Example[.]com             | email:User@example.com
            """)
    void shouldBuildIdFromLowerCaseTypeAndCanonicalValue(IndicatorType type, String raw, String id) {
        assertThat(IndicatorIdentity.canonicalize(type, raw).value().id()).isEqualTo(id);
    }

    @Test
    void shouldRejectUnknownType() {
        var result = IndicatorIdentity.canonicalize(IndicatorType.UNKNOWN, "example.com");

        assertThat(result.rejection().code()).isEqualTo(RejectionCodes.UNKNOWN_TYPE);
    }

    @Test
    void shouldRejectNullType() {
        assertThat(IndicatorIdentity.canonicalize(null, "example.com")
                        .rejection()
                        .code())
                .isEqualTo(RejectionCodes.UNKNOWN_TYPE);
    }

    @ParameterizedTest(name = "{0}: empty value rejected")
    @EnumSource(value = IndicatorType.class, names = "UNKNOWN", mode = EnumSource.Mode.EXCLUDE)
    void shouldRejectEmptyAndBlankValuesForEveryType(IndicatorType type) {
        for (String blank : new String[] {null, "", "   ", "\t\n"}) {
            var result = IndicatorIdentity.canonicalize(type, blank);
            assertThat(result.rejection().code()).isEqualTo(RejectionCodes.EMPTY_VALUE);
        }
    }

    @Test
    void shouldRejectOverlongValueAndTruncateItInTheMessage() {
        String huge = "http://example.com/" + "a".repeat(IndicatorIdentity.MAX_VALUE_LENGTH);

        var result = IndicatorIdentity.canonicalize(IndicatorType.URL, huge);

        assertThat(result.rejection().code()).isEqualTo(RejectionCodes.VALUE_TOO_LONG);
        assertThat(result.rejection().message().length()).isLessThan(300);
    }

    @Test
    void shouldEscapeControlCharactersWhenQuotingValueInMessage() {
        var result = IndicatorIdentity.canonicalize(IndicatorType.DOMAIN, "evil.com\nFAKE LOG LINE");

        assertThat(result.rejection().message()).doesNotContain("\n").contains("\\u000A");
    }

    @Test
    void shouldRejectTypeMismatchBetweenIpFamilies() {
        assertThat(IndicatorIdentity.canonicalize(IndicatorType.IPV4, "2001:db8::1")
                        .rejection()
                        .code())
                .isEqualTo(RejectionCodes.TYPE_MISMATCH);
        assertThat(IndicatorIdentity.canonicalize(IndicatorType.IPV6, "192.0.2.1")
                        .rejection()
                        .code())
                .isEqualTo(RejectionCodes.TYPE_MISMATCH);
    }

    @ParameterizedTest(name = "{0} parses")
    @ValueSource(
            strings = {
                "ipv4:192.0.2.1",
                "ipv4:10.0.0.0/8",
                "ipv6:2001:db8::1",
                "ipv6:::ffff:1.2.3.4",
                "domain:xn--bcher-kva.de",
                "url:https://example.com/path?q=1",
                "md5:d41d8cd98f00b204e9800998ecf8427e",
                "email:User@example.com",
            })
    void shouldParseCanonicalIds(String id) {
        var result = IndicatorIdentity.parseId(id);

        assertThat(result.isOk()).as("%s", result).isTrue();
        assertThat(result.value().id()).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0} rejected with {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            domain:EXAMPLE.com                     | NOT_CANONICAL
            domain:bücher.de                       | NOT_CANONICAL
            "ipv4: 192.0.2.1"                      | NOT_CANONICAL
            ipv4:192.0.2.1/32                      | NOT_CANONICAL
            ipv6:2001:DB8::1                       | NOT_CANONICAL
            url:hxxp://example.com/                | NOT_CANONICAL
            url:http://example.com:80/             | NOT_CANONICAL
            md5:D41D8CD98F00B204E9800998ECF8427E   | NOT_CANONICAL
            IPV4:192.0.2.1                         | UNKNOWN_TYPE
            unknown:x                              | UNKNOWN_TYPE
            ip:192.0.2.1                           | UNKNOWN_TYPE
            192.0.2.1                              | INVALID_ID
            :192.0.2.1                             | INVALID_ID
            ipv4:10.0.0.5/8                        | HOST_BITS_SET
            domain:co.uk                           | NO_PUBLIC_SUFFIX
            """)
    void shouldRejectIdsThatAreNotCanonical(String id, String code) {
        var result = IndicatorIdentity.parseId(id);

        assertThat(result.isOk()).as("%s", result).isFalse();
        assertThat(result.rejection().code()).isEqualTo(code);
    }

    @Test
    void shouldNameTheCanonicalIdWhenRejectingNonCanonicalId() {
        assertThat(IndicatorIdentity.parseId("domain:EXAMPLE.com").rejection().message())
                .contains("domain:example.com");
    }

    @ParameterizedTest(name = "{0} rejected")
    @NullAndEmptySource
    void shouldRejectMissingId(String id) {
        assertThat(IndicatorIdentity.parseId(id).rejection().code()).isEqualTo(RejectionCodes.EMPTY_VALUE);
    }

    static Stream<Arguments> detectableValues() {
        return Stream.of(
                Arguments.of("d41d8cd98f00b204e9800998ecf8427e", IndicatorType.MD5),
                Arguments.of("DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", IndicatorType.SHA1),
                Arguments.of("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", IndicatorType.SHA256),
                Arguments.of("192.0.2.1", IndicatorType.IPV4),
                Arguments.of("192[.]0[.]2[.]0/24", IndicatorType.IPV4),
                Arguments.of("10.0.0.5/8", IndicatorType.IPV4),
                Arguments.of("2001:db8::1", IndicatorType.IPV6),
                Arguments.of("::ffff:1.2.3.4", IndicatorType.IPV6),
                Arguments.of("2001:db8::/32", IndicatorType.IPV6),
                Arguments.of("hxxps://evil[.]example[.]com/x", IndicatorType.URL),
                Arguments.of("ftp://example.com/", IndicatorType.URL),
                Arguments.of("user[at]example[.]com", IndicatorType.EMAIL),
                Arguments.of("evil[.]example[.]com", IndicatorType.DOMAIN),
                Arguments.of("bücher.de", IndicatorType.DOMAIN),
                Arguments.of("cafe.com", IndicatorType.DOMAIN));
    }

    @ParameterizedTest(name = "{0} detected as {1}")
    @MethodSource("detectableValues")
    void shouldDetectTypeFromShape(String raw, IndicatorType expected) {
        assertThat(IndicatorIdentity.detectType(raw)).contains(expected);
    }

    @ParameterizedTest(name = "{0} not detected")
    @ValueSource(strings = {"", "   ", "hello", "cafe", "a b.com", "example.com/path", "http//x", "@", "user@"})
    void shouldNotDetectTypeOfShapelessValues(String raw) {
        assertThat(IndicatorIdentity.detectType(raw)).isEqualTo(Optional.empty());
    }

    @Test
    void shouldRefuseToBuildCanonicalIndicatorOfUnknownType() {
        assertThatThrownBy(() -> new CanonicalIndicator(IndicatorType.UNKNOWN, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
