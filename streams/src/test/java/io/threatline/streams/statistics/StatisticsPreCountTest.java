package io.threatline.streams.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;

/** The map-side combine of the statistics branch: partial counts per dimension value and hour. */
class StatisticsPreCountTest {

    private static final Instant TEN = Instant.parse("2026-11-29T10:00:00Z");

    private final MockProcessorContext<String, Long> context = new MockProcessorContext<>();
    private final StatisticsPreCount processor = new StatisticsPreCount(Duration.ofSeconds(1));
    private KeyValueStore<String, String> store;

    @BeforeEach
    void setUp() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StatisticsPreCount.STORE), Serdes.String(), Serdes.String())
            .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        processor.init(context);
    }

    @Test
    void shouldForwardOnePartialCountPerDimensionValueAndHourWithTheLatestTimestampItCovers() {
        // Given five NEW Shylock domains in the 10:00 hour, two in the 11:00 hour, and changes that are not NEW
        for (int i = 0; i < 5; i++) {
            send(LifecycleAction.NEW, TEN.plusSeconds(60 + i), "Shylock");
        }
        send(LifecycleAction.UPDATE, TEN.plusSeconds(70), "Shylock");
        send(LifecycleAction.EXPIRE, TEN.plusSeconds(71), "Shylock");
        send(LifecycleAction.NEW, TEN.plusSeconds(3_600 + 5), "Shylock");
        send(LifecycleAction.NEW, TEN.plusSeconds(3_600 + 9), "Emotet");
        assertThat(context.forwarded()).as("nothing before the flush").isEmpty();

        // When the interval passes
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(TEN.plusSeconds(3_610).toEpochMilli());

        // Then one record per dimension value and hour, oldest hour first, each at the latest time it covers
        assertThat(context.forwarded()).extracting(f -> f.record().key(), f -> f.record().value(), f -> f.record().timestamp())
            .containsExactly(
                tuple("INDICATOR_TYPE|DOMAIN", 5L, TEN.plusSeconds(64).toEpochMilli()),
                tuple("MALWARE_FAMILY|Shylock", 5L, TEN.plusSeconds(64).toEpochMilli()),
                tuple("INDICATOR_TYPE|DOMAIN", 2L, TEN.plusSeconds(3_609).toEpochMilli()),
                tuple("MALWARE_FAMILY|Emotet", 1L, TEN.plusSeconds(3_609).toEpochMilli()),
                tuple("MALWARE_FAMILY|Shylock", 1L, TEN.plusSeconds(3_605).toEpochMilli()));
        // and forgets what it forwarded
        assertThat(store.approximateNumEntries()).isZero();
        context.resetForwards();
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(0);
        assertThat(context.forwarded()).isEmpty();
    }

    private void send(LifecycleAction action, Instant at, String family) {
        Indicator indicator = new Indicator();
        indicator.setId("domain:" + family + at.toEpochMilli());
        indicator.setType(IndicatorType.DOMAIN);
        indicator.setAction(action);
        indicator.setMalwareFamilies(List.of(family));
        processor.process(new Record<>(indicator.getId(), indicator, at.toEpochMilli()));
    }
}
