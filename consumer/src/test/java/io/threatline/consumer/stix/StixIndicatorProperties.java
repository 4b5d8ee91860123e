package io.threatline.consumer.stix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For any deliverable partner indicator (any known type, action and TLP, any text in value, tags,
 * families and campaigns, any timestamps), the STIX indicator is schema-valid, modified is never
 * before created, valid_until is after valid_from when present, and the pattern's literal reads
 * back as the value.
 */
class StixIndicatorProperties {

    private final StixMapper mapper = new StixMapper();

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of("'", "\\", "\\'", "''", "]", "[", " = ", "é中😀", "\u0000")
                        .list()
                        .ofMaxSize(8)
                        .map(l -> String.join("", l)));
    }

    @Provide
    Arbitrary<Instant> instant() {
        return Arbitraries.longs().between(0, 4_102_444_800_000L).map(Instant::ofEpochMilli);
    }

    @Provide
    Arbitrary<PartnerIndicator> indicators() {
        Arbitrary<IndicatorType> type = Arbitraries.of(IndicatorType.class).filter(t -> t != IndicatorType.UNKNOWN);
        Arbitrary<LifecycleAction> action =
                Arbitraries.of(LifecycleAction.class).filter(a -> a != LifecycleAction.UNKNOWN);
        Arbitrary<Tlp> tlp = Arbitraries.of(Tlp.class).filter(t -> t != Tlp.UNKNOWN);
        Arbitrary<List<String>> words = text().list().ofMaxSize(4);
        Arbitrary<List<KillChainPhase>> phases =
                Arbitraries.of(KillChainPhase.class).list().ofMaxSize(3);
        Arbitrary<Integer> confidence = Arbitraries.integers().between(-5, 105);
        Arbitrary<List<Instant>> times =
                Combinators.combine(instant(), instant(), instant()).as(List::of);
        return Combinators.combine(type, text(), action, tlp, words, words, phases, times)
                .as((t, value, a, level, families, tags, kc, ts) -> StixIndicators.builder("p1", t, value)
                        .setAction(a)
                        .setTlp(level)
                        .setMalwareFamilies(families)
                        .setTags(tags)
                        .setKillChainPhases(kc)
                        .setFirstSeen(ts.get(0))
                        .setLastSeen(ts.get(0))
                        .setValidUntil(ts.get(1))
                        .setSharedAt(ts.get(2))
                        .build())
                .flatMap(pi -> confidence.map(c -> {
                    pi.setConfidence(c);
                    return pi;
                }));
    }

    @Property(tries = 300)
    void anyGeneratedIndicatorYieldsASchemaValidStixIndicator(@ForAll("indicators") PartnerIndicator in) {
        ObjectNode out = mapper.indicator(in).value();

        assertThat(StixSchemas.indicatorViolations(out)).as(out.toString()).isEmpty();
        assertThat(out.path("modified").asText())
                .isGreaterThanOrEqualTo(out.path("created").asText());
        if (out.has("valid_until")) {
            assertThat(out.path("valid_until").asText())
                    .isGreaterThan(out.path("valid_from").asText());
        }
        String pattern = out.path("pattern").asText();
        String literal = pattern.substring(pattern.indexOf(" = '") + 4, pattern.length() - 2);
        assertThat(literal.replaceAll("\\\\(.)", "$1")).isEqualTo(in.getValue());
        assertThat(literal.replaceAll("\\\\.", "")).doesNotContain("'").doesNotContain("\\");
    }
}
