package io.threatline.schemas.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.IndicatorType;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CanonicalMemoTest {

    /** Asked in any order, with repeats and evictions (a memory of 3), it answers what canonicalize answers. */
    @Property(tries = 200)
    void shouldAnswerWhatCanonicalizeAnswers(@ForAll("questions") List<String> values) {
        CanonicalMemo memo = new CanonicalMemo(3);
        for (String value : values) {
            for (IndicatorType type : List.of(IndicatorType.DOMAIN, IndicatorType.URL, IndicatorType.IPV4)) {
                assertThat(memo.canonicalize(type, value)).isEqualTo(IndicatorIdentity.canonicalize(type, value));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void shouldAnswerButNotRememberLongValuesSoThatASensorCannotFillItsMemory() {
        CanonicalMemo memo = new CanonicalMemo(4);
        String longUrl = "http://c2.example.com/" + "a".repeat(CanonicalMemo.MAX_REMEMBERED_LENGTH);
        for (int i = 0; i < 10; i++) {
            String value = longUrl + i;
            assertThat(memo.canonicalize(IndicatorType.URL, value))
                    .isEqualTo(IndicatorIdentity.canonicalize(IndicatorType.URL, value));
        }
        assertThat(memo.size()).isZero();
        memo.canonicalize(IndicatorType.DOMAIN, "example.com");
        memo.canonicalize(IndicatorType.DOMAIN, null);
        assertThat(memo.size()).isEqualTo(1);
    }

    @Provide
    Arbitrary<List<String>> questions() {
        return Arbitraries.of(
                        "Example.COM",
                        "example[.]com",
                        "hxxp://c2.example[.]net/gate.php",
                        "198.51.100.7",
                        "198[.]51[.]100[.]7",
                        "com",
                        "host.local",
                        "",
                        "bücher.example",
                        "http://[2001:db8::1]/x")
                .list()
                .ofMaxSize(30);
    }
}
