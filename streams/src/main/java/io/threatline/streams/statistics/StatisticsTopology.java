package io.threatline.streams.statistics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

import io.threatline.contract.Indicator;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.agreements.StatisticInput;
import io.threatline.streams.topology.HubSerdes;

/**
 * The statistics branch of the hub (DESIGN §7): the number of NEW indicators per tumbling window
 * (HOURLY and DAILY) and dimension value, one final count per window once its grace has passed,
 * with the previous window's count as a trend, then per partner as its agreement allows:
 * <pre>
 * changes → NEW only → counted per dimension value (MALWARE_FAMILY per family, INDICATOR_TYPE, COUNTRY if known)
 *     and hour inside the task, partial counts forwarded every second ({@link StatisticsPreCount})
 *   → [repartition by DIMENSION|value]
 *   → per window size: windowed sum → suppressed until the window closes
 *   → trends (previous window's final count, change ratio)
 *   → agreements → ti.partner.&lt;partner&gt;.statistics.v1
 * </pre>
 * Keys in the branch are {@code DIMENSION|value} before windowing and {@code WINDOW|DIMENSION|value} after.
 */
public final class StatisticsTopology {

    /** The repartition topic (suffix) of the partial counts per dimension value. */
    public static final String BY_DIMENSION = "statistics-counts-by-dimension";

    private StatisticsTopology() {
    }

    /**
     * Adds the statistics branch fed by the hub's lifecycle changes.
     *
     * @param flushInterval how often each task forwards its partial counts ({@link StatisticsPreCount})
     */
    public static void build(KStream<String, Indicator> changes, Duration grace, Duration flushInterval, HubSerdes serdes,
                             ThreatlineTopics topics, AgreementsSnapshot agreements) {
        KGroupedStream<String, Long> byDimension = changes
            .process(StatisticsPreCount.supplier(flushInterval), Named.as(StatisticsPreCount.NAME))
            .groupByKey(Grouped.with(BY_DIMENSION, Serdes.String(), Serdes.Long()));

        KStream<String, StatisticInput> hourly = finalCounts(byDimension, StatisticWindow.HOURLY, Duration.ofHours(1), grace);
        KStream<String, StatisticInput> daily = finalCounts(byDimension, StatisticWindow.DAILY, Duration.ofDays(1), grace);

        hourly.merge(daily, Named.as("statistics-final-counts"))
            .process(new StatisticTrends.Supplier(), Named.as(StatisticTrends.NAME), StatisticTrends.STORE)
            .process(() -> new StatisticsRouter(agreements), Named.as(StatisticsRouter.NAME))
            .to((key, value, context) -> topics.partnerStatistics(value.getPartnerId()),
                Produced.<String, TrendStatistic>with(Serdes.String(), serdes.trendStatistic).withName("partner-statistics"));
    }

    private static KStream<String, StatisticInput> finalCounts(KGroupedStream<String, Long> byDimension,
                                                               StatisticWindow window, Duration size, Duration grace) {
        String name = "statistics-" + window.name().toLowerCase(Locale.ROOT);
        return byDimension
            .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
            .reduce(Long::sum, Named.as(name + "-count"),
                Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(name + "-counts")
                    .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
            .suppress(Suppressed.<org.apache.kafka.streams.kstream.Windowed<String>>untilWindowCloses(
                Suppressed.BufferConfig.unbounded()).withName(name + "-final"))
            .toStream(Named.as(name + "-final-counts"))
            .map((windowed, count) -> {
                int bar = windowed.key().indexOf('|');
                StatisticDimension dimension = StatisticDimension.valueOf(windowed.key().substring(0, bar));
                StatisticInput input = StatisticInput.count(window, Instant.ofEpochMilli(windowed.window().start()),
                    Instant.ofEpochMilli(windowed.window().end()), dimension, windowed.key().substring(bar + 1), count);
                return KeyValue.pair(window.name() + "|" + windowed.key(), input);
            }, Named.as(name + "-inputs"));
    }

    /**
     * The {@code DIMENSION|value} keys an indicator counts for: each of its malware families once
     * (none if it has none), its type, and its country when it has one.
     */
    public static List<String> dimensionValues(Indicator indicator) {
        List<String> keys = new ArrayList<>();
        Set<String> families = new LinkedHashSet<>();
        if (indicator.getMalwareFamilies() != null) {
            for (String family : indicator.getMalwareFamilies()) {
                if (family != null && !family.isBlank()) {
                    families.add(family.strip());
                }
            }
        }
        for (String family : families) {
            keys.add(StatisticDimension.MALWARE_FAMILY.name() + "|" + family);
        }
        if (indicator.getType() != null) {
            keys.add(StatisticDimension.INDICATOR_TYPE.name() + "|" + indicator.getType().name());
        }
        String country = indicator.getCountry();
        if (country != null && !country.isBlank()) {
            keys.add(StatisticDimension.COUNTRY.name() + "|" + country.strip().toUpperCase(Locale.ROOT));
        }
        return keys;
    }
}
