package io.threatline.producer.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.validation.ThreatEventValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SensorSimulatorProperties {

    @Property(tries = 60)
    void neverThrowsAndNeverLeavesARequiredFieldNull(@ForAll("settings") SimulatorSettings settings) {
        SensorSimulator sim = new SensorSimulator(settings);
        for (int i = 0; i < 2_000; i++) {
            ThreatEvent e = sim.next();
            assertThat(e.getEventId()).isNotBlank();
            assertThat(e.getIndicatorType()).isNotNull();
            assertThat(e.getIndicatorValue()).isNotNull();
            assertThat(e.getObservedAt()).isNotNull();
            assertThat(e.getVendor()).isNotNull();
            assertThat(e.getSensorId()).isNotBlank();
            assertThat(e.getConfidence()).isNotNull();
            assertThat(e.getTlp()).isNotNull();
            assertThat(e.getMalwareFamilies()).isNotNull().doesNotContainNull();
            assertThat(e.getTags()).isNotNull().doesNotContainNull();
            assertThat(e.getRetraction()).isNotNull();
            boolean ok = ThreatEventValidator.validate(e).isOk();
            assertThat(ok)
                    .as("valid exactly when not deliberately malformed: %s", e)
                    .isEqualTo(sim.lastMalformedKind() == null);
        }
        assertThat(sim.emitted()).isEqualTo(2_000);
        assertThat(sim.duplicates() + sim.distinctIndicatorsEmitted()).isEqualTo(sim.wellFormed());
        assertThat(sim.distinctIndicatorsEmitted()).isLessThanOrEqualTo(settings.distinctIndicators());
        assertThat(sim.retractions()).isLessThanOrEqualTo(sim.duplicates());
    }

    @Provide
    Arbitrary<SimulatorSettings> settings() {
        Arbitrary<Double> share = Arbitraries.doubles().between(0.0, 1.0);
        Arbitrary<Map<Tlp, Double>> mix = Arbitraries.doubles()
                .between(0.0, 5.0)
                .list()
                .ofSize(5)
                .map(weights -> {
                    Map<Tlp, Double> m = new EnumMap<>(Tlp.class);
                    Tlp[] known = {Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED};
                    for (int k = 0; k < known.length; k++) {
                        m.put(known[k], weights.get(k));
                    }
                    m.merge(Tlp.GREEN, 0.01, Double::sum); // keep the total positive
                    return m;
                });
        Arbitrary<SimulatorSettings> base = Combinators.combine(
                        Arbitraries.longs(),
                        Arbitraries.integers().between(0, 8),
                        Arbitraries.integers().between(1, 20),
                        Arbitraries.integers().between(1, 12),
                        Arbitraries.integers().between(1, 3_000),
                        Arbitraries.doubles().between(0.0, 3.0),
                        share,
                        share)
                .as((seed, worker, vendors, sensors, distinct, zipf, dup, defang) -> SimulatorSettings.defaults()
                        .withSeed(seed)
                        .withWorker(worker)
                        .withVendors(vendors)
                        .withSensorsPerVendor(sensors)
                        .withDistinctIndicators(distinct)
                        .withZipfExponent(zipf)
                        .withDuplicateShare(dup)
                        .withDefangShare(defang));
        return Combinators.combine(base, share, share, mix, Arbitraries.longs().between(0, 1_000_000_000L))
                .as((s, malformed, retraction, tlpMix, spacingNanos) -> s.withMalformedShare(malformed)
                        .withRetractionShare(retraction)
                        .withTlpMix(tlpMix)
                        .withStartTime(Instant.parse("2026-01-01T00:00:00Z"))
                        .withEventSpacing(Duration.ofNanos(spacingNanos)));
    }
}
