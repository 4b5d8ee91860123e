package io.threatline.streams.enrich;

import java.util.List;
import java.util.Optional;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;

/**
 * What the dedup stage asks of reference data: canonical family names, whether an indicator is on
 * a benign list, and the enrichment (country, AS, score) of an indicator about to be emitted.
 */
public interface Enrichment {

    /** Canonical family names for the names a sensor reported (aliases resolved, duplicates dropped). */
    List<String> canonicalFamilies(List<String> reported);

    /** The name of the benign list the indicator is on, if any: it is then suppressed. */
    Optional<String> benignList(IndicatorType type, String canonicalValue);

    /** The indicator with country, AS and score filled in. */
    Indicator enrich(Indicator indicator);

    /** No reference data: names kept as reported, nothing suppressed, nothing added. */
    static Enrichment none() {
        return new Enrichment() {
            @Override
            public List<String> canonicalFamilies(List<String> reported) {
                return reported.stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().sorted().toList();
            }

            @Override
            public Optional<String> benignList(IndicatorType type, String canonicalValue) {
                return Optional.empty();
            }

            @Override
            public Indicator enrich(Indicator indicator) {
                return indicator;
            }
        };
    }
}
