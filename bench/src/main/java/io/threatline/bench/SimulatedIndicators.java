package io.threatline.bench;

import io.threatline.contract.Indicator;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.ThreatEvent;
import io.threatline.producer.simulator.SensorSimulator;
import io.threatline.producer.simulator.SimulatorSettings;
import io.threatline.schemas.Result;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.validation.ThreatEventValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Indicator changes as the hub's agreement step sees them, made from the simulator's first
 * sightings (type, family, TLP and confidence as a sensor reported them), without running the
 * hub: for benchmarking and checking the agreement decisions on a realistic mix.
 */
public final class SimulatedIndicators {

    private SimulatedIndicators() {}

    /** NEW changes of the first {@code count} distinct indicators of a simulator with {@code seed}. */
    public static List<Indicator> firstSightings(long seed, int count, Instant now) {
        SensorSimulator simulator = new SensorSimulator(SimulatorSettings.defaults()
                .withSeed(seed)
                .withDuplicateShare(0)
                .withDistinctIndicators(count)
                .withStartTime(now.minus(Duration.ofHours(1))));
        List<Indicator> changes = new ArrayList<>(count);
        while (changes.size() < count) {
            ThreatEvent e = simulator.next();
            Result<CanonicalIndicator> valid = ThreatEventValidator.validate(e);
            if (!valid.isOk()) {
                continue;
            }
            changes.add(Indicator.newBuilder()
                    .setId(valid.value().id())
                    .setType(e.getIndicatorType())
                    .setValue(valid.value().value())
                    .setAction(LifecycleAction.NEW)
                    .setFirstSeen(e.getObservedAt())
                    .setLastSeen(e.getObservedAt())
                    .setSightings(1)
                    .setVendors(List.of(e.getVendor()))
                    .setSensors(List.of(e.getSensorId()))
                    .setConfidence(e.getConfidence())
                    .setTlp(e.getTlp())
                    .setMalwareFamilies(new ArrayList<>(e.getMalwareFamilies()))
                    .setCampaigns(e.getCampaign() == null ? List.of() : List.of(e.getCampaign()))
                    .setTags(new ArrayList<>(e.getTags()))
                    .setUpdatedAt(now)
                    .setExpiresAt(now.plus(Duration.ofDays(30)))
                    .build());
        }
        return changes;
    }
}
