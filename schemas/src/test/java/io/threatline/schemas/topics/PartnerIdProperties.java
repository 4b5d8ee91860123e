package io.threatline.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written partner id check says exactly what the documented pattern says. */
class PartnerIdProperties {

    @Property(tries = 2_000)
    void agreesWithThePattern(@ForAll("ids") String id) {
        assertThat(ThreatlineTopics.isPartnerId(id))
                .as("'%s'", id)
                .isEqualTo(ThreatlineTopics.PARTNER_ID.matcher(id).matches());
    }

    @Example
    void knowsTheEdges() {
        assertThat(ThreatlineTopics.isPartnerId("europol-ec3")).isTrue();
        assertThat(ThreatlineTopics.isPartnerId("a".repeat(63))).isTrue();
        assertThat(ThreatlineTopics.isPartnerId("a".repeat(64))).isFalse();
        assertThat(ThreatlineTopics.isPartnerId("-nca")).isFalse();
        assertThat(ThreatlineTopics.isPartnerId("NCA")).isFalse();
        assertThat(ThreatlineTopics.isPartnerId("")).isFalse();
        assertThat(ThreatlineTopics.isPartnerId(null)).isFalse();
    }

    /** Mostly near-valid ids: the allowed alphabet plus a few characters just outside it, of lengths around the limit. */
    @Provide
    Arbitrary<String> ids() {
        Arbitrary<String> near =
                Arbitraries.strings().withChars("abz09-_A.Z/ é").ofMinLength(0).ofMaxLength(66);
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(70);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, near),
                net.jqwik.api.Tuple.of(
                        1,
                        Arbitraries.strings().withChars("ab-").ofMinLength(60).ofMaxLength(66)),
                net.jqwik.api.Tuple.of(1, any));
    }
}
