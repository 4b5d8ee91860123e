package io.threatline.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.IndicatorType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreatScoreTest {

    private static final Duration WEEK = Duration.ofDays(7);

    @Test
    void shouldEqualTheConfidenceForOneFullyReliableFreshReport() {
        assertThat(ThreatScore.score(100, 1, Duration.ZERO, 80, WEEK)).isEqualTo(80);
        assertThat(ThreatScore.score(100, 1, Duration.ZERO, 100, WEEK)).isEqualTo(100);
    }

    @Test
    void shouldRiseWithDiminishingReturnsForMoreVendors() {
        assertThat(ThreatScore.score(100, 2, Duration.ZERO, 80, WEEK)).isEqualTo(91);
        assertThat(ThreatScore.score(100, 3, Duration.ZERO, 80, WEEK)).isEqualTo(96);
        assertThat(ThreatScore.score(100, 10, Duration.ZERO, 80, WEEK)).isEqualTo(100);
    }

    @Test
    void shouldHalveAfterEachHalfLife() {
        assertThat(ThreatScore.score(100, 1, WEEK, 80, WEEK)).isEqualTo(40);
        assertThat(ThreatScore.score(100, 1, WEEK.multipliedBy(2), 80, WEEK)).isEqualTo(20);
    }

    @Test
    void shouldScaleByTheSourceReliability() {
        assertThat(ThreatScore.score(50, 1, Duration.ZERO, 80, WEEK)).isEqualTo(40);
        assertThat(ThreatScore.score(0, 5, Duration.ZERO, 80, WEEK)).isZero();
    }

    @Test
    void shouldTreatOutOfRangeInputsAsTheirBounds() {
        assertThat(ThreatScore.score(100, 0, Duration.ZERO, 80, WEEK)).isEqualTo(80); // no vendors: as one
        assertThat(ThreatScore.score(100, 1, Duration.ofDays(-3), 80, WEEK)).isEqualTo(80); // clock skew
        assertThat(ThreatScore.score(250, 1, Duration.ZERO, 250, WEEK)).isEqualTo(100);
        assertThat(ThreatScore.score(-5, 1, Duration.ZERO, -5, WEEK)).isZero();
    }

    @Test
    void shouldUseTheTypesHalfLife() {
        ThreatScore score = new ThreatScore();

        assertThat(score.score(IndicatorType.IPV4, 100, 1, Duration.ofDays(7), 80))
                .isEqualTo(40);
        assertThat(score.score(IndicatorType.SHA256, 100, 1, Duration.ofDays(7), 80))
                .isEqualTo(78);
        assertThat(score.halfLife(IndicatorType.DOMAIN)).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void shouldAcceptOverriddenHalfLivesAndRejectNonPositiveOnes() {
        ThreatScore score = new ThreatScore(Map.of(IndicatorType.DOMAIN, Duration.ofDays(1)));

        assertThat(score.halfLife(IndicatorType.DOMAIN)).isEqualTo(Duration.ofDays(1));
        assertThat(score.halfLife(IndicatorType.URL)).isEqualTo(Duration.ofDays(14));
        assertThatThrownBy(() -> new ThreatScore(Map.of(IndicatorType.URL, Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
