package io.threatline.schemas.stix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.threatline.contract.IndicatorType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StixPatternTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "[ipv4-addr:value = '198.51.100.23'] | IPV4   | 198.51.100.23",
                "[ipv4-addr:value = '10.0.0.0/8']    | IPV4   | 10.0.0.0/8",
                "[ipv6-addr:value = '2001:db8::1']   | IPV6   | 2001:db8::1",
                "[domain-name:value = 'evil.example'] | DOMAIN | evil.example",
                "[url:value = 'hxxp://evil[.]example/a?b=c'] | URL | hxxp://evil[.]example/a?b=c",
                "[email-addr:value = 'x@evil.example'] | EMAIL | x@evil.example",
                "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e'] | MD5 | d41d8cd98f00b204e9800998ecf8427e",
                "[file:hashes.'MD5' = 'abc'] | MD5 | abc",
                "[file:hashes.'SHA-1' = 'abc'] | SHA1 | abc",
                "[file:hashes.SHA1 = 'abc'] | SHA1 | abc",
                "[file:hashes.'SHA-256' = 'abc'] | SHA256 | abc",
                "[file:hashes.SHA256 = 'abc'] | SHA256 | abc",
                "[file:hashes.sha256 = 'abc'] | SHA256 | abc",
                "  [ ipv4-addr:value='1.2.3.4' ]  | IPV4 | 1.2.3.4",
                "([ipv4-addr:value = '1.2.3.4']) | IPV4 | 1.2.3.4",
            })
    void parsesOneEqualityComparison(String pattern, IndicatorType type, String value) throws Exception {
        assertThat(StixPattern.parse(pattern)).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(type);
            assertThat(c.value()).isEqualTo(value);
        });
    }

    @Test
    void unescapesQuotesAndBackslashesInStringLiterals() throws Exception {
        List<StixPattern.Comparison> out = StixPattern.parse(
                "[email-addr:value = 'o\\'brien@evil.example' OR url:value = 'http://evil.example/a\\\\b\\'c']");
        assertThat(out)
                .extracting(StixPattern.Comparison::value)
                .containsExactly("o'brien@evil.example", "http://evil.example/a\\b'c");
    }

    @Test
    void splitsOrWithinAndAcrossObservationsIntoOneComparisonEach() throws Exception {
        List<StixPattern.Comparison> out = StixPattern.parse("([domain-name:value = 'a.example'] OR "
                + "[domain-name:value = 'b.example' OR (ipv4-addr:value = '1.2.3.4' OR ipv6-addr:value = '::1')])"
                + " OR [file:hashes.'SHA-256' = 'ff']");
        assertThat(out)
                .extracting(c -> c.type() + " " + c.value())
                .containsExactly("DOMAIN a.example", "DOMAIN b.example", "IPV4 1.2.3.4", "IPV6 ::1", "SHA256 ff");
    }

    @Test
    void refusesNestingDeeperThanItsLimitInsteadOfOverflowingTheStack() throws Exception {
        // Found by AdapterProperties: 5,000 nested parentheses made the recursive parser throw StackOverflowError.
        String deep = "(".repeat(20_000) + "[ipv4-addr:value = '1.2.3.4']" + ")".repeat(20_000);
        String deepInside = "[" + "(".repeat(20_000) + "ipv4-addr:value = '1.2.3.4'" + ")".repeat(20_000) + "]";
        String atTheLimit = "(".repeat(StixPattern.MAX_NESTING) + "[ipv4-addr:value = '1.2.3.4']"
                + ")".repeat(StixPattern.MAX_NESTING);

        for (String pattern : List.of(deep, deepInside)) {
            StixPattern.PatternException e =
                    catchThrowableOfType(StixPattern.PatternException.class, () -> StixPattern.parse(pattern));
            assertThat(e.code()).isEqualTo("UNSUPPORTED_PATTERN");
            assertThat(e.getMessage()).contains("nesting parentheses deeper than " + StixPattern.MAX_NESTING);
        }
        assertThat(StixPattern.parse(atTheLimit))
                .singleElement()
                .extracting(StixPattern.Comparison::value)
                .isEqualTo("1.2.3.4");
    }

    @Test
    void bracketsAndKeywordsInsideLiteralsAreJustText() throws Exception {
        assertThat(StixPattern.parse("[url:value = 'http://x.example/[a] AND (b) OR \\'c\\'']"))
                .singleElement()
                .extracting(StixPattern.Comparison::value)
                .isEqualTo("http://x.example/[a] AND (b) OR 'c'");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'a.example'] | AND between comparisons",
                "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a.example'] | AND between observation expressions",
                "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'a.example'] | FOLLOWEDBY",
                "[url:value MATCHES '^http://evil'] | operator MATCHES",
                "[domain-name:value LIKE '%.evil.example'] | operator LIKE",
                "[ipv4-addr:value IN ('1.2.3.4', '5.6.7.8')] | operator IN",
                "[ipv4-addr:value != '1.2.3.4'] | operator !=",
                "[ipv4-addr:value > '1.2.3.4'] | operator >",
                "[ipv4-addr:value NOT = '1.2.3.4'] | operator NOT",
                "[ipv4-addr:value ISSUBSET '10.0.0.0/8'] | operator ISSUBSET",
                "[EXISTS file:name] | EXISTS",
                "[file:name = 'evil.exe'] | object path file:name",
                "[file:hashes.'SHA-512' = 'ab'] | object path file:hashes.SHA-512",
                "[windows-registry-key:values[*].name = 'Run'] | object path windows-registry-key:values[*].name",
                "[network-traffic:dst_port = 443] | literal 443",
                "[file:hashes.MD5 = h'd41d'] | literal h'd41d'",
                "[ipv4-addr:value = '1.2.3.4'] WITHIN 300 SECONDS | qualifier WITHIN",
                "[ipv4-addr:value = '1.2.3.4'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z' | qualifier START",
                "[ipv4-addr:value = '1.2.3.4'] REPEATS 5 TIMES | qualifier REPEATS",
            })
    void refusesWhatDoesNotNameSingleIndicators(String pattern, String unsupportedPart) {
        StixPattern.PatternException e =
                catchThrowableOfType(StixPattern.PatternException.class, () -> StixPattern.parse(pattern));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo("UNSUPPORTED_PATTERN");
        assertThat(e.getMessage()).contains(unsupportedPart).endsWith("is not supported");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "[ipv4-addr:value = '1.2.3.4' | expected ']'",
                "[ipv4-addr:value = '1.2.3.4] | unterminated string literal",
                "[url:value = 'a\\qb'] | invalid escape",
                "ipv4-addr:value = '1.2.3.4' | expected '[' or '('",
                "[ipv4-addr:value = '1.2.3.4']] | expected the end of the pattern",
                "[] | expected an object path",
                "[ipv4-addr:value = '1.2.3.4'] OR | expected '[' or '('",
                "[ipv4-addr:value ! '1.2.3.4'] | stray '!'",
            })
    void reportsSyntaxErrorsAsMalformed(String pattern, String reason) {
        assertThatThrownBy(() -> StixPattern.parse(pattern))
                .isInstanceOf(StixPattern.PatternException.class)
                .hasMessageContaining(reason)
                .satisfies(e ->
                        assertThat(((StixPattern.PatternException) e).code()).isEqualTo("MALFORMED_PATTERN"));
    }
}
