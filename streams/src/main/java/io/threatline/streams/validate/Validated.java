package io.threatline.streams.validate;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.ThreatEvent;

/**
 * What validation makes of one raw sensor record, inside the hub only (never serialized as such):
 * an event with its canonical indicator id, or a dead letter saying why not.
 */
public sealed interface Validated permits Validated.Valid, Validated.Rejected {

    /**
     * @param keyedByCanonicalId whether the record already arrived keyed by its canonical id (the
     *                           publisher's keys); if not it must be repartitioned before dedup
     */
    record Valid(ThreatEvent event, String indicatorId, boolean keyedByCanonicalId) implements Validated {}

    record Rejected(DeadLetter deadLetter) implements Validated {}
}
