package io.threatline.streams.statistics;

import io.threatline.contract.Indicator;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.topology.HubSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The statistics branch of the hub (DESIGN §7): per statistics partner, the number of NEW
 * indicators its agreement's TLP ceiling and scope allow, per tumbling window (HOURLY and DAILY)
 * and dimension value, one final count per window once its grace has passed, with the previous
 * window's count as a trend, then as the agreement allows:
 * <pre>
 * changes → NEW only → per statistics scope that allows the indicator ({@link StatisticScopes}):
 *     counted per dimension value (MALWARE_FAMILY per family, INDICATOR_TYPE, COUNTRY if known)
 *     and hour inside the task, partial counts forwarded every second ({@link StatisticsPreCount}),
 *     then a tick of the task's stream time to every partition
 *   → [repartition by scope|DIMENSION|value]
 *   → hourly and daily sums, each window emitted once when it closes ({@link StatisticWindows})
 *   → trends (previous window's final count in the same scope, change ratio)
 *   → agreements of that scope ({@link StatisticsRouter}) → ti.partner.&lt;partner&gt;.statistics.v1
 * </pre>
 * Keys in the branch are {@code <scope id>|DIMENSION|value} before windowing and
 * {@code WINDOW|<scope id>|DIMENSION|value} after.
 */
public final class StatisticsTopology {

    /**
     * The repartition topic (suffix) of the partial counts per scope and dimension value. Named
     * anew when its keys gained the scope, so that an upgraded hub does not read the old keys.
     */
    public static final String BY_SCOPE = "statistics-counts-by-scope";

    private StatisticsTopology() {}

    /**
     * Adds the statistics branch fed by the hub's lifecycle changes.
     *
     * @param flushInterval how often each task forwards its partial counts ({@link StatisticsPreCount})
     */
    public static void build(
            KStream<String, Indicator> changes,
            Duration grace,
            Duration flushInterval,
            HubSerdes serdes,
            ThreatlineTopics topics,
            AgreementsSnapshot agreements) {
        changes.process(StatisticsPreCount.supplier(flushInterval, agreements), Named.as(StatisticsPreCount.NAME))
                .repartition(Repartitioned.<String, Long>as(BY_SCOPE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long())
                        .withStreamPartitioner(StatisticsPreCount.partitioner()))
                .process(StatisticWindows.supplier(grace), Named.as(StatisticWindows.NAME))
                .process(new StatisticTrends.Supplier(), Named.as(StatisticTrends.NAME))
                .process(() -> new StatisticsRouter(agreements), Named.as(StatisticsRouter.NAME))
                .to(
                        (key, value, context) -> topics.partnerStatistics(value.getPartnerId()),
                        Produced.<String, TrendStatistic>with(Serdes.String(), serdes.trendStatistic)
                                .withName("partner-statistics"));
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
            keys.add(StatisticDimension.INDICATOR_TYPE.name() + "|"
                    + indicator.getType().name());
        }
        String country = indicator.getCountry();
        if (country != null && !country.isBlank()) {
            keys.add(StatisticDimension.COUNTRY.name() + "|" + country.strip().toUpperCase(Locale.ROOT));
        }
        return keys;
    }
}
