package io.threatline.streams.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.streams.HubConfig;
import io.threatline.streams.enrich.ReferenceEnrichment;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.HubSerdes;
import io.threatline.streams.topology.HubTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class StatisticsTopologyTest {

    @Test
    void shouldCountAnIndicatorOncePerDistinctFamilyAndByTypeAndCountry() {
        Indicator indicator = indicator(IndicatorType.IPV4, "de", "Shylock", "Emotet", "Shylock", " ");

        assertThat(StatisticsTopology.dimensionValues(indicator))
                .containsExactly(
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
        TopologyDescription description = HubTopology.build(
                        new HubConfig(Map.of()), serdes, new HubCounters(), ReferenceEnrichment.fromGlobalStores())
                .describe();

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
        assertThat(sinks)
                .filteredOn(t -> t.contains("statistics"))
                .containsExactly("statistics-counts-by-scope-repartition");
        assertThat(processors)
                .contains("statistics-precount", "statistics-windows", "statistics-trends", "statistics-agreements");
        assertThat(stores)
                .contains("statistics-pending-counts", "statistics-window-counts", "statistics-previous-counts");
    }

    private static Indicator indicator(IndicatorType type, String country, String... families) {
        Indicator indicator = new Indicator(); // only the fields counted by
        indicator.setType(type);
        indicator.setAction(LifecycleAction.NEW);
        indicator.setMalwareFamilies(List.of(families));
        indicator.setCountry(country);
        return indicator;
    }
}
