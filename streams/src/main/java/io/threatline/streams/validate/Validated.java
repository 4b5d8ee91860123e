package io.threatline.streams.validate;

import io.threatline.contract.DeadLetter;
import io.threatline.contract.ThreatEvent;
import org.apache.avro.specific.SpecificRecord;

/**
 * What validation makes of one raw record, inside the hub only (never serialized as such): an event
 * with its canonical indicator id, a dead letter saying why not, or — for a partner's report — a
 * record for another topic (a receipt request, a false-positive report, a suppression).
 */
public sealed interface Validated permits Validated.Valid, Validated.Rejected, Validated.Side {

    /**
     * @param keyedByCanonicalId whether the record already arrived keyed by its canonical id (the
     *                           publisher's keys); if not it must be repartitioned before dedup
     */
    record Valid(ThreatEvent event, String indicatorId, boolean keyedByCanonicalId) implements Validated {}

    record Rejected(DeadLetter deadLetter) implements Validated {}

    /** A record for {@code topic}, keyed by {@code key} (docs/sharing-back.md). */
    record Side(String topic, String key, SpecificRecord value) implements Validated {}
}
