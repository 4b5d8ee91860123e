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
}
