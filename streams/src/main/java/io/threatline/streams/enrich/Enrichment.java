package io.threatline.streams.enrich;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import java.util.List;
import java.util.Optional;

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

    /**
     * A digest of the reference data that decides whether an indicator is shared at all: the benign
     * lists and the family aliases. When it changes, indicators already shared may have left a
     * partner's scope (a benign list loaded later, a family reassigned), so partners are reconciled.
     * The same data gives the same digest, also after a restart. Costs a pass over that data.
     */
    default long scopeDataDigest() {
        return 0;
    }
}
