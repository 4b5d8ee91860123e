package io.threatline.streams.enrich;

import io.threatline.contract.IndicatorType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Threat score 0..100 of an indicator from how much its sources are believed, how many
 * independent vendors report it and how long ago it was last seen.
 *
 * <h2>Formula</h2>
 *
 * <pre>
 *   p1     = (confidence / 100) * (sourceReliability / 100)      belief in one report, 0..1
 *   n      = max(1, independentVendors)
 *   belief = 1 - (1 - p1) ^ (1 + k * (n - 1))                    k = {@value #CORROBORATION_WEIGHT}
 *   decay  = 0.5 ^ (max(0, age) / halfLife(type))
 *   score  = round(100 * belief * decay), clamped to 0..100
 * </pre>
 *
 * <p>{@code belief} is a "noisy-or": each vendor is a chance to be right, so corroboration raises
 * the score with diminishing returns and never past 100. Vendors are not fully independent (they
 * share feeds), so each vendor beyond the first counts as {@code k} of an independent one: at
 * confidence 80, one vendor gives 80, two 91, three 96. A confidence of 0 gives 0 whatever the
 * vendors. {@code decay} halves the score every half-life since the last sighting; a negative
 * age (clock skew) counts as 0.
 *
 * <p>Default half-lives, after how long infrastructure of each kind usually stays malicious: IP
 * addresses 7 days (re-assigned fast), URLs 14 days, domains and e-mail addresses 30 days, file
 * hashes 180 days (a file never becomes benign, it only stops being relevant).
 *
 * <p>Properties (tested): the score is always in 0..100, non-decreasing in the number of vendors,
 * in confidence and in reliability, and non-increasing in age.
 */
public final class ThreatScore {

    /** Weight of each vendor beyond the first, as a fraction of an independent source. */
    public static final double CORROBORATION_WEIGHT = 0.5;

    private static final Map<IndicatorType, Duration> DEFAULT_HALF_LIVES = defaults();

    private final Map<IndicatorType, Duration> halfLives;

    /** A score with the default half-lives. */
    public ThreatScore() {
        this(DEFAULT_HALF_LIVES);
    }

    /** A score with the given half-lives; a type missing from the map uses its default. */
    public ThreatScore(Map<IndicatorType, Duration> halfLives) {
        EnumMap<IndicatorType, Duration> all = new EnumMap<>(DEFAULT_HALF_LIVES);
        halfLives.forEach((type, halfLife) -> {
            if (halfLife.isZero() || halfLife.isNegative()) {
                throw new IllegalArgumentException("half-life of " + type + " must be positive: " + halfLife);
            }
            all.put(type, halfLife);
        });
        this.halfLives = Map.copyOf(all);
    }

    /** The half-life of {@code type}'s score. */
    public Duration halfLife(IndicatorType type) {
        return halfLives.getOrDefault(
                Objects.requireNonNull(type, "type"), DEFAULT_HALF_LIVES.get(IndicatorType.UNKNOWN));
    }

    /** The score of an indicator of {@code type}; see the class comment. */
    public int score(IndicatorType type, int sourceReliability, int independentVendors, Duration age, int confidence) {
        return score(sourceReliability, independentVendors, age, confidence, halfLife(type));
    }

    /**
     * The score; pure function of its arguments.
     *
     * @param sourceReliability how far the best source is trusted, 0..100 (clamped)
     * @param independentVendors number of distinct vendors reporting it (below 1 counts as 1)
     * @param age time since the last sighting (negative counts as zero)
     * @param confidence highest confidence of any source, 0..100 (clamped)
     * @param halfLife time after which the score has halved
     */
    public static int score(
            int sourceReliability, int independentVendors, Duration age, int confidence, Duration halfLife) {
        double single = clampPercent(confidence) / 100.0 * (clampPercent(sourceReliability) / 100.0);
        int vendors = Math.max(1, independentVendors);
        double belief = 1.0 - Math.pow(1.0 - single, 1.0 + CORROBORATION_WEIGHT * (vendors - 1));
        double ageSeconds = Math.max(0.0, age == null ? 0.0 : age.toMillis() / 1000.0);
        double halfLifeSeconds = Math.max(1.0, halfLife.toMillis() / 1000.0);
        double decay = Math.pow(0.5, ageSeconds / halfLifeSeconds);
        long score = Math.round(100.0 * belief * decay);
        return (int) Math.max(0, Math.min(100, score));
    }

    private static int clampPercent(int value) {
        return Math.max(0, Math.min(100, value));
    }

    private static Map<IndicatorType, Duration> defaults() {
        EnumMap<IndicatorType, Duration> m = new EnumMap<>(IndicatorType.class);
        m.put(IndicatorType.IPV4, Duration.ofDays(7));
        m.put(IndicatorType.IPV6, Duration.ofDays(7));
        m.put(IndicatorType.URL, Duration.ofDays(14));
        m.put(IndicatorType.DOMAIN, Duration.ofDays(30));
        m.put(IndicatorType.EMAIL, Duration.ofDays(30));
        m.put(IndicatorType.MD5, Duration.ofDays(180));
        m.put(IndicatorType.SHA1, Duration.ofDays(180));
        m.put(IndicatorType.SHA256, Duration.ofDays(180));
        m.put(IndicatorType.UNKNOWN, Duration.ofDays(7));
        return Map.copyOf(m);
    }
}
