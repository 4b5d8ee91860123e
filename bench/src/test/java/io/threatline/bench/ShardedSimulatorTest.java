package io.threatline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.ThreatEvent;
import io.threatline.producer.simulator.SimulatorSettings;
import io.threatline.schemas.validation.ThreatEventValidator;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardedSimulatorTest {

    @Test
    void shouldKeepTheDuplicateShareWithinOneShard() {
        // Given
        ShardedSimulator simulator = new ShardedSimulator(7, 20_000, 0.6);

        // When
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add(ThreatEventValidator.validate(simulator.get()).value().id());
        }

        // Then
        assertThat(simulator.shards()).isEqualTo(1);
        assertThat(ids.size())
                .isEqualTo((int) simulator.distinctIndicatorsEmitted())
                .isBetween(7_600, 8_400);
    }

    @Test
    void shouldSplitIntoShardsWhenOneUniverseIsTooSmall() {
        // Given: a universe of at most 2 M indicators, and 5 M distinct asked for
        ShardedSimulator simulator = new ShardedSimulator(
                SimulatorSettings.defaults().withDuplicateShare(0), 5_000_000, Instant.parse("2026-01-01T00:00:00Z"));

        // Then
        assertThat(simulator.shards()).isEqualTo(3);
    }

    @Test
    void shouldEmitEveryEventDistinctWithoutDuplicatesAndObservedInThePast() {
        // Given
        ShardedSimulator simulator = new ShardedSimulator(9, 5_000, 0);
        Instant now = Instant.now();

        // When
        Set<String> ids = new HashSet<>();
        ThreatEvent last = null;
        for (int i = 0; i < 5_000; i++) {
            last = simulator.get();
            ids.add(ThreatEventValidator.validate(last).value().id());
        }

        // Then
        assertThat(ids).hasSize(5_000);
        assertThat(last.getObservedAt()).isBefore(now);
    }
}
