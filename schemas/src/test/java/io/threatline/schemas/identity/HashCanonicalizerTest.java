package io.threatline.schemas.identity;

import static io.threatline.schemas.identity.Assertions.assertCanonical;
import static io.threatline.schemas.identity.Assertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HashCanonicalizerTest {

    private static final String MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    private static final String SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    private static final String SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            MD5    | d41d8cd98f00b204e9800998ecf8427e
            MD5    | D41D8CD98F00B204E9800998ECF8427E
            MD5    | "  d41d8cd98f00B204e9800998ecf8427e  "
            SHA1   | DA39A3EE5E6B4B0D3255BFEF95601890AFD80709
            SHA256 | E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855
            """)
    void shouldLowerCaseAndTrimValidHashes(IndicatorType type, String raw) {
        String expected = switch (type) {
            case MD5 -> MD5;
            case SHA1 -> SHA1;
            default -> SHA256;
        };
        assertCanonical(type, raw, expected);
    }

    @ParameterizedTest(name = "{0} {1} rejected with {2}")
    @CsvSource(delimiter = '|', textBlock = """
            MD5    | d41d8cd98f00b204e9800998ecf8427      | BAD_HASH_LENGTH
            MD5    | d41d8cd98f00b204e9800998ecf8427e0    | BAD_HASH_LENGTH
            MD5    | da39a3ee5e6b4b0d3255bfef95601890afd80709 | BAD_HASH_LENGTH
            SHA1   | d41d8cd98f00b204e9800998ecf8427e     | BAD_HASH_LENGTH
            SHA256 | da39a3ee5e6b4b0d3255bfef95601890afd80709 | BAD_HASH_LENGTH
            MD5    | d41d8cd98f00b204e9800998ecf8427g     | NOT_HEX
            MD5    | 0xd41d8cd98f00b204e9800998ecf842     | NOT_HEX
            MD5    | d41d8cd98f00b204 e9800998ecf8427     | NOT_HEX
            """)
    void shouldRejectMalformedHashes(IndicatorType type, String raw, String code) {
        assertRejected(type, raw, code);
    }

    @Test
    void shouldSayWhichLengthAndCharacterWereFound() {
        var tooShort = HashCanonicalizer.canonicalizeSha256("abc");
        var notHex = HashCanonicalizer.canonicalizeMd5("z".repeat(32));

        assertThat(tooShort.rejection().message()).contains("3 characters").contains("64");
        assertThat(notHex.rejection().message()).contains("'z'").contains("index 0");
    }
}
