package io.threatline.producer.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.Tlp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

    private final SimulatorSettings defaults = SimulatorSettings.defaults();

    @Test
    void defaultsMatchTheDocumentedFleetAndShares() {
        assertThat(defaults.vendors()).isEqualTo(3);
        assertThat(defaults.sensorsPerVendor()).isEqualTo(8);
        assertThat(defaults.sensors()).isEqualTo(24);
        assertThat(defaults.distinctIndicators()).isEqualTo(50_000);
        assertThat(defaults.zipfExponent()).isEqualTo(1.1);
        assertThat(defaults.duplicateShare()).isEqualTo(0.6);
        assertThat(defaults.defangShare()).isEqualTo(0.2);
        assertThat(defaults.malformedShare()).isZero();
        assertThat(defaults.retractionShare()).isEqualTo(0.001);
        assertThat(defaults.eventSpacing()).isEqualTo(Duration.ofMillis(1));
        assertThat(defaults.tlpMix())
                .containsEntry(Tlp.GREEN, 0.40)
                .containsEntry(Tlp.RED, 0.05)
                .doesNotContainKey(Tlp.UNKNOWN);
        assertThat(defaults.tlpMix().values().stream()
                        .mapToDouble(Double::doubleValue)
                        .sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void withCopiersChangeOnlyTheirComponent() {
        SimulatorSettings changed = defaults.withDuplicateShare(0.3)
                .withSeed(7)
                .withVendors(5)
                .withStartTime(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(changed.duplicateShare()).isEqualTo(0.3);
        assertThat(changed.seed()).isEqualTo(7);
        assertThat(changed.vendors()).isEqualTo(5);
        assertThat(changed.sensorsPerVendor()).isEqualTo(defaults.sensorsPerVendor());
        assertThat(changed.defangShare()).isEqualTo(defaults.defangShare());
        assertThat(changed.withSeed(1).withVendors(3).withDuplicateShare(0.6).withStartTime(defaults.startTime()))
                .isEqualTo(defaults);
    }

    @Test
    void forWorkerKeepsTheUniverseSeedButDerivesADifferentStreamSeed() {
        SimulatorSettings w1 = defaults.forWorker(1);
        SimulatorSettings w2 = defaults.forWorker(2);
        assertThat(w1.seed()).isEqualTo(defaults.seed()).isEqualTo(w2.seed());
        assertThat(w1.worker()).isEqualTo(1);
        assertThat(w1.streamSeed()).isNotEqualTo(defaults.streamSeed()).isNotEqualTo(w2.streamSeed());
        assertThat(defaults.forWorker(1).streamSeed()).isEqualTo(w1.streamSeed());
    }

    @Test
    void sharesOutsideZeroToOneAreRejectedNamingTheField() {
        assertThatThrownBy(() -> defaults.withDuplicateShare(1.5)).hasMessageContaining("duplicateShare");
        assertThatThrownBy(() -> defaults.withDefangShare(-0.1)).hasMessageContaining("defangShare");
        assertThatThrownBy(() -> defaults.withMalformedShare(Double.NaN)).hasMessageContaining("malformedShare");
        assertThatThrownBy(() -> defaults.withRetractionShare(2)).hasMessageContaining("retractionShare");
    }

    @Test
    void fleetUniverseAndClockBoundsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> defaults.withVendors(0)).hasMessageContaining("vendors");
        assertThatThrownBy(() -> defaults.withSensorsPerVendor(0)).hasMessageContaining("sensorsPerVendor");
        assertThatThrownBy(() -> defaults.withVendors(1000).withSensorsPerVendor(1000))
                .hasMessageContaining("sensorsPerVendor");
        assertThatThrownBy(() -> defaults.withDistinctIndicators(0)).hasMessageContaining("distinctIndicators");
        assertThatThrownBy(() -> defaults.withZipfExponent(-1)).hasMessageContaining("zipfExponent");
        assertThatThrownBy(() -> defaults.withWorker(-1)).hasMessageContaining("worker");
        assertThatThrownBy(() -> defaults.withEventSpacing(Duration.ofMillis(-1)))
                .hasMessageContaining("eventSpacing");
        assertThatThrownBy(() -> defaults.withEventSpacing(null)).hasMessageContaining("eventSpacing");
        assertThatThrownBy(() -> defaults.withStartTime(null)).hasMessageContaining("startTime");
    }

    @Test
    void tlpMixMustWeighOnlyKnownMarkingsWithAPositiveTotal() {
        Map<Tlp, Double> unknown = new EnumMap<>(Tlp.class);
        unknown.put(Tlp.UNKNOWN, 1.0);
        assertThatThrownBy(() -> defaults.withTlpMix(unknown)).hasMessageContaining("tlpMix");
        Map<Tlp, Double> zero = new EnumMap<>(Tlp.class);
        zero.put(Tlp.GREEN, 0.0);
        assertThatThrownBy(() -> defaults.withTlpMix(zero)).hasMessageContaining("tlpMix");
        Map<Tlp, Double> negative = new EnumMap<>(Tlp.class);
        negative.put(Tlp.GREEN, -1.0);
        assertThatThrownBy(() -> defaults.withTlpMix(negative)).hasMessageContaining("tlpMix");
        assertThatThrownBy(() -> defaults.withTlpMix(null)).hasMessageContaining("tlpMix");
    }

    @Test
    void tlpMixIsCopiedSoLaterChangesToTheCallersMapDoNotLeakIn() {
        Map<Tlp, Double> mix = new EnumMap<>(Tlp.class);
        mix.put(Tlp.RED, 1.0);
        SimulatorSettings settings = defaults.withTlpMix(mix);
        mix.put(Tlp.GREEN, 5.0);
        assertThat(settings.tlpMix()).containsOnlyKeys(Tlp.RED);
    }
}
