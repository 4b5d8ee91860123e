package io.threatline.streams.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.StatisticDimension;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.streams.HubConfig;
import io.threatline.streams.enrich.ReferenceEnrichment;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.HubSerdes;
import io.threatline.streams.topology.HubTopology;

class StatisticsTopologyTest {

    @Test
    void shouldCountAnIndicatorOncePerDistinctFamilyAndByTypeAndCountry() {
        Indicator indicator = indicator(IndicatorType.IPV4, "de", "Shylock", "Emotet", "Shylock", " ");

        assertThat(StatisticsTopology.dimensionValues(indicator)).containsExactly(
            "MALWARE_FAMILY|Shylock", "MALWARE_FAMILY|Emotet", "INDICATOR_TYPE|IPV4", "COUNTRY|DE");
    }

    @Test
    void shouldCountAnIndicatorWithoutFamilyOrCountryOnlyByType() {
        assertThat(StatisticsTopology.dimensionValues(indicator(IndicatorType.DOMAIN, null)))
            .containsExactly("INDICATOR_TYPE|DOMAIN");
    }

    @Test
    void shouldRepartitionOnceForBothWindowSizesWithStableNames() {
        HubSerdes serdes = new HubSerdes(new InMemorySchemaRegistryClient(), Map.of());
        TopologyDescription description = HubTopology.build(new HubConfig(Map.of()), serdes, new HubCounters(),
            ReferenceEnrichment.fromGlobalStores()).describe();

        List<String> sinks = new ArrayList<>();
        List<String> processors = new ArrayList<>();
        List<String> stores = new ArrayList<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    sinks.add(sink.topic());
                }
                if (node instanceof TopologyDescription.Processor p) {
                    processors.add(p.name());
                    stores.addAll(p.stores());
                }
            }
        }
        assertThat(sinks).filteredOn(t -> t.contains("statistics")).containsExactly("statistics-counts-by-dimension-repartition");
        assertThat(processors).contains("statistics-precount",
            "statistics-hourly-count", "statistics-hourly-final", "statistics-daily-count", "statistics-daily-final",
            "statistics-trends", "statistics-agreements");
        assertThat(stores).contains("statistics-pending-counts", "statistics-hourly-counts", "statistics-daily-counts",
            "statistics-previous-counts");
    }

    @Test
    void shouldOfferCountsOnlyToScopesThatRestrictNothingButTheCountedDimension() {
        AgreementScope open = AgreementScope.newBuilder().build();
        AgreementScope families = AgreementScope.newBuilder().setMalwareFamilies(List.of("Shylock")).build();
        AgreementScope types = AgreementScope.newBuilder().setIndicatorTypes(List.of(IndicatorType.DOMAIN)).build();
        AgreementScope countries = AgreementScope.newBuilder().setCountries(List.of("DE")).build();
        AgreementScope campaigns = AgreementScope.newBuilder().setCampaigns(List.of("op-x")).build();
        AgreementScope confidence = AgreementScope.newBuilder().setMinimumConfidence(50).build();

        for (StatisticDimension d : List.of(StatisticDimension.MALWARE_FAMILY, StatisticDimension.INDICATOR_TYPE, StatisticDimension.COUNTRY)) {
            assertThat(StatisticsRouter.countsFitScope(open, d)).isTrue();
            assertThat(StatisticsRouter.countsFitScope(campaigns, d)).isFalse();
            assertThat(StatisticsRouter.countsFitScope(confidence, d)).isFalse();
            assertThat(StatisticsRouter.countsFitScope(families, d)).isEqualTo(d == StatisticDimension.MALWARE_FAMILY);
            assertThat(StatisticsRouter.countsFitScope(types, d)).isEqualTo(d == StatisticDimension.INDICATOR_TYPE);
            assertThat(StatisticsRouter.countsFitScope(countries, d)).isEqualTo(d == StatisticDimension.COUNTRY);
        }
    }

    private static Indicator indicator(IndicatorType type, String country, String... families) {
        Indicator indicator = new Indicator();   // only the fields counted by
        indicator.setType(type);
        indicator.setAction(LifecycleAction.NEW);
        indicator.setMalwareFamilies(List.of(families));
        indicator.setCountry(country);
        return indicator;
    }
}
