package io.threatline.streams.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class ThreatScoreProperties {

    @Property
    void shouldAlwaysBeBetweenZeroAndHundred(
            @ForAll int reliability,
            @ForAll int vendors,
            @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long ageSeconds,
            @ForAll int confidence,
            @ForAll @LongRange(min = 1, max = 100_000_000L) long halfLifeSeconds) {
        int score = ThreatScore.score(
                reliability, vendors, Duration.ofSeconds(ageSeconds), confidence, Duration.ofSeconds(halfLifeSeconds));

        assertThat(score).isBetween(0, 100);
    }

    @Property
    void shouldNeverDropWhenMoreVendorsReport(
            @ForAll @IntRange(min = 0, max = 100) int reliability,
            @ForAll @IntRange(min = 0, max = 1000) int vendors,
            @ForAll @IntRange(min = 1, max = 50) int more,
            @ForAll @LongRange(min = 0, max = 100_000_000L) long ageSeconds,
            @ForAll @IntRange(min = 0, max = 100) int confidence) {
        Duration age = Duration.ofSeconds(ageSeconds);
        Duration halfLife = Duration.ofDays(7);

        assertThat(ThreatScore.score(reliability, vendors + more, age, confidence, halfLife))
                .isGreaterThanOrEqualTo(ThreatScore.score(reliability, vendors, age, confidence, halfLife));
    }

    @Property
    void shouldNeverRiseWithAge(
            @ForAll @IntRange(min = 0, max = 100) int reliability,
            @ForAll @IntRange(min = 0, max = 1000) int vendors,
            @ForAll @IntRange(min = 0, max = 100) int confidence,
            @ForAll @LongRange(min = -1_000_000L, max = 100_000_000L) long ageSeconds,
            @ForAll @LongRange(min = 0, max = 100_000_000L) long olderBySeconds) {
        Duration halfLife = Duration.ofDays(30);
        Duration age = Duration.ofSeconds(ageSeconds);

        assertThat(ThreatScore.score(reliability, vendors, age.plusSeconds(olderBySeconds), confidence, halfLife))
                .isLessThanOrEqualTo(ThreatScore.score(reliability, vendors, age, confidence, halfLife));
    }

    @Property
    void shouldNeverDropWithMoreConfidence(
            @ForAll @IntRange(min = 0, max = 100) int reliability,
            @ForAll @IntRange(min = 0, max = 1000) int vendors,
            @ForAll @IntRange(min = 0, max = 99) int confidence,
            @ForAll @IntRange(min = 1, max = 100) int more,
            @ForAll @LongRange(min = 0, max = 100_000_000L) long ageSeconds) {
        Duration age = Duration.ofSeconds(ageSeconds);
        Duration halfLife = Duration.ofDays(7);

        assertThat(ThreatScore.score(reliability, vendors, age, confidence + more, halfLife))
                .isGreaterThanOrEqualTo(ThreatScore.score(reliability, vendors, age, confidence, halfLife));
    }
}
