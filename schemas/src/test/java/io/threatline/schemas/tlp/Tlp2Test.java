package io.threatline.schemas.tlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.Tlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class Tlp2Test {

    @ParameterizedTest(name = "{0} at or below {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            CLEAR        | CLEAR        | true
            CLEAR        | RED          | true
            GREEN        | AMBER        | true
            AMBER        | AMBER        | true
            AMBER        | GREEN        | false
            AMBER_STRICT | AMBER        | false
            AMBER        | AMBER_STRICT | true
            AMBER_STRICT | RED          | true
            RED          | AMBER_STRICT | false
            RED          | RED          | true
            """)
    void shouldOrderMarkingsByTlp2Restriction(Tlp marking, Tlp ceiling, boolean expected) {
        assertThat(Tlp2.atOrBelow(marking, ceiling)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} is never at or below anything, nor anything below it")
    @EnumSource(Tlp.class)
    void shouldFailClosedOnUnknownOrMissingMarkings(Tlp other) {
        assertThat(Tlp2.atOrBelow(Tlp.UNKNOWN, other)).isFalse();
        assertThat(Tlp2.atOrBelow(other, Tlp.UNKNOWN)).isFalse();
        assertThat(Tlp2.atOrBelow(null, other)).isFalse();
        assertThat(Tlp2.atOrBelow(other, null)).isFalse();
    }

    @Test
    void shouldCombineToTheMoreRestrictiveMarking() {
        assertThat(Tlp2.mostRestrictive(Tlp.GREEN, Tlp.AMBER)).isEqualTo(Tlp.AMBER);
        assertThat(Tlp2.mostRestrictive(Tlp.AMBER_STRICT, Tlp.AMBER)).isEqualTo(Tlp.AMBER_STRICT);
        assertThat(Tlp2.mostRestrictive(Tlp.RED, Tlp.CLEAR)).isEqualTo(Tlp.RED);
        assertThat(Tlp2.mostRestrictive(Tlp.CLEAR, Tlp.CLEAR)).isEqualTo(Tlp.CLEAR);
    }

    @ParameterizedTest(name = "UNKNOWN or null combined with {0} is UNKNOWN")
    @EnumSource(Tlp.class)
    void shouldTreatUnknownAsMostRestrictiveWhenCombining(Tlp other) {
        assertThat(Tlp2.mostRestrictive(Tlp.UNKNOWN, other)).isEqualTo(Tlp.UNKNOWN);
        assertThat(Tlp2.mostRestrictive(other, Tlp.UNKNOWN)).isEqualTo(Tlp.UNKNOWN);
        assertThat(Tlp2.mostRestrictive(null, other)).isEqualTo(Tlp.UNKNOWN);
    }

    @ParameterizedTest(name = "''{0}'' is not a TLP 2.0 marking")
    @ValueSource(strings = {"", "WHITE", "TLP:WHITE", "UNKNOWN", "AMBER STRICTLY", "TLP:", "orange"})
    void shouldNotParseAnythingElse(String text) {
        assertThat(Tlp2.parse(text)).isEmpty();
    }

    @ParameterizedTest(name = "{0} labelled and parsed back")
    @EnumSource(value = Tlp.class, names = "UNKNOWN", mode = EnumSource.Mode.EXCLUDE)
    void shouldParseItsOwnLabels(Tlp tlp) {
        assertThat(Tlp2.parse(Tlp2.label(tlp))).contains(tlp);
    }

    @Test
    void shouldLabelAmberStrictTheTlp2Way() {
        assertThat(Tlp2.label(Tlp.AMBER_STRICT)).isEqualTo("TLP:AMBER+STRICT");
    }
}
