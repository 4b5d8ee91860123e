package io.threatline.producer.adapters;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.UUID;

/**
 * Everything about an event except its indicator, filled from {@link AdapterDefaults} first and then
 * overwritten by what the input says. One draft can yield several events (a STIX pattern with OR, a
 * MISP {@code domain|ip} attribute), which is why type and value are given to {@link #toEvent}.
 */
final class EventDraft {

    Instant observedAt;
    String vendor;
    String sensorId;
    int confidence;
    Tlp tlp;
    final LinkedHashSet<String> families = new LinkedHashSet<>();
    String campaign;
    final LinkedHashSet<String> tags = new LinkedHashSet<>();
    KillChainPhase killChainPhase;
    boolean retraction;
    String retractionReason;
    /** An id the input chose itself (JSON Lines); null means "derive one". */
    String eventId;

    EventDraft(AdapterDefaults defaults) {
        observedAt = defaults.observedAt();
        vendor = defaults.vendor();
        sensorId = defaults.sensorId();
        confidence = defaults.confidence();
        tlp = defaults.tlp();
    }

    ParsedRecord.Event toEvent(String sourceName, String location, IndicatorType type, String value) {
        String id = eventId != null ? eventId : eventId(vendor, sourceName, location, type, value);
        ThreatEvent event = ThreatEvent.newBuilder()
                .setEventId(id)
                .setIndicatorType(type)
                .setIndicatorValue(value)
                .setObservedAt(observedAt)
                .setVendor(vendor)
                .setSensorId(sensorId)
                .setConfidence(confidence)
                .setTlp(tlp)
                .setMalwareFamilies(new ArrayList<>(families))
                .setCampaign(campaign)
                .setTags(new ArrayList<>(tags))
                .setKillChainPhase(killChainPhase)
                .setRetraction(retraction)
                .setRetractionReason(retractionReason)
                .build();
        return new ParsedRecord.Event(event, location);
    }

    /**
     * The deterministic event id: re-reading the same file yields the same ids, so a re-run after a
     * crash publishes duplicates the hub can recognise rather than new sightings.
     */
    static String eventId(String vendor, String sourceName, String location, IndicatorType type, String value) {
        String name = vendor + "|" + sourceName + "|" + location + "|" + type + "|" + value;
        return UUID.nameUUIDFromBytes(name.getBytes(UTF_8)).toString();
    }
}
