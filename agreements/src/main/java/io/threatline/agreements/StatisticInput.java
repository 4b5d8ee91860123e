package io.threatline.agreements;

import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import java.time.Instant;
import java.util.Objects;

/**
 * A windowed count as the hub computed it, before it is addressed to a partner: the fields of
 * {@link io.threatline.contract.TrendStatistic} without partner and agreement.
 *
 * @param previousCount count of the previous window, or {@code null}
 * @param changeRatio   {@code (count - previousCount) / previousCount}, or {@code null}
 */
public record StatisticInput(
        StatisticWindow window,
        Instant windowStart,
        Instant windowEnd,
        StatisticDimension dimension,
        String dimensionValue,
        long count,
        Long previousCount,
        Double changeRatio) {

    public StatisticInput {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(dimensionValue, "dimensionValue");
    }

    /** A plain count: no previous window. */
    public static StatisticInput count(
            StatisticWindow window,
            Instant windowStart,
            Instant windowEnd,
            StatisticDimension dimension,
            String dimensionValue,
            long count) {
        return new StatisticInput(window, windowStart, windowEnd, dimension, dimensionValue, count, null, null);
    }

    /** Whether this is a trend: it says something about change, not only the count. */
    public boolean isTrend() {
        return previousCount != null || changeRatio != null;
    }

    /** The same count without the trend fields. */
    public StatisticInput withoutTrend() {
        return new StatisticInput(window, windowStart, windowEnd, dimension, dimensionValue, count, null, null);
    }
}
