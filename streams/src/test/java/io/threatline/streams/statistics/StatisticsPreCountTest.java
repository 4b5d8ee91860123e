package io.threatline.streams.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.agreements.PartnerRouter;
import io.threatline.streams.topology.HubSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The map-side combine of the statistics branch: partial counts per scope, dimension value and hour. */
class StatisticsPreCountTest {

    private static final Instant TEN = Instant.parse("2026-11-29T10:00:00Z");

    private final MockProcessorContext<String, Long> context = new MockProcessorContext<>();
    private final AgreementsSnapshot snapshot = new AgreementsSnapshot();
    private final StatisticsPreCount processor = new StatisticsPreCount(Duration.ofSeconds(1), snapshot);
    private final PartnerAgreement statistics = agreement("europol-ec3", Tlp.GREEN, DataKind.STATISTICS);
    private final String scope = StatisticScopes.id(statistics);
    private KeyValueStore<String, String> store;
    private KeyValueStore<String, PartnerAgreement> agreements;

    @BeforeEach
    void setUp() {
        store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StatisticsPreCount.STORE), Serdes.String(), Serdes.String())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        agreements = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(PartnerRouter.AGREEMENTS_STORE),
                        Serdes.String(),
                        new HubSerdes(new InMemorySchemaRegistryClient(), Map.of()).agreement)
                .withLoggingDisabled()
                .build();
        agreements.init(context.getStateStoreContext(), agreements);
        context.addStateStore(agreements);
        agreements.put(statistics.getPartnerId(), statistics);
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
        context.setCurrentStreamTimeMs(TEN.plusSeconds(3_609).toEpochMilli());
        context.scheduledPunctuators()
                .get(0)
                .getPunctuator()
                .punctuate(TEN.plusSeconds(3_610).toEpochMilli());

        // Then one record per dimension value and hour, oldest hour first, each at the latest time it covers,
        // then the task's stream time as a tick
        assertThat(context.forwarded())
                .extracting(
                        f -> f.record().key(),
                        f -> f.record().value(),
                        f -> f.record().timestamp())
                .containsExactly(
                        tuple(
                                scope + "|INDICATOR_TYPE|DOMAIN",
                                5L,
                                TEN.plusSeconds(64).toEpochMilli()),
                        tuple(
                                scope + "|MALWARE_FAMILY|Shylock",
                                5L,
                                TEN.plusSeconds(64).toEpochMilli()),
                        tuple(
                                scope + "|INDICATOR_TYPE|DOMAIN",
                                2L,
                                TEN.plusSeconds(3_609).toEpochMilli()),
                        tuple(
                                scope + "|MALWARE_FAMILY|Emotet",
                                1L,
                                TEN.plusSeconds(3_609).toEpochMilli()),
                        tuple(
                                scope + "|MALWARE_FAMILY|Shylock",
                                1L,
                                TEN.plusSeconds(3_605).toEpochMilli()),
                        tuple(
                                StatisticsPreCount.TICK,
                                0L,
                                TEN.plusSeconds(3_609).toEpochMilli()));
        // and forgets what it forwarded, and sends no tick while the stream time stands still
        assertThat(store.approximateNumEntries()).isZero();
        context.resetForwards();
        context.scheduledPunctuators().get(1).getPunctuator().punctuate(0);
        assertThat(context.forwarded()).isEmpty();
    }

    @Test
    void shouldCountOnceUnderEachDistinctScopeOnlyWhatThatScopeAllows() {
        // Given a second statistics partner with the same terms, one up to AMBER limited to Shylock,
        // and a partner granted only indicators
        PartnerAgreement amberShylock = agreement("nca", Tlp.AMBER, DataKind.STATISTICS);
        amberShylock.getScope().setMalwareFamilies(List.of("Shylock"));
        apply(
                agreement("cert-eu", Tlp.GREEN, DataKind.TRENDS),
                amberShylock,
                agreement("interpol", Tlp.RED, DataKind.INDICATORS));
        String amber = StatisticScopes.id(amberShylock);

        // When a GREEN Shylock, an AMBER Shylock and a GREEN Emotet domain are new
        send(LifecycleAction.NEW, TEN.plusSeconds(1), Tlp.GREEN, "Shylock");
        send(LifecycleAction.NEW, TEN.plusSeconds(2), Tlp.AMBER, "Shylock");
        send(LifecycleAction.NEW, TEN.plusSeconds(3), Tlp.GREEN, "Emotet");
        context.setCurrentStreamTimeMs(TEN.plusSeconds(3).toEpochMilli());
        context.scheduledPunctuators()
                .get(0)
                .getPunctuator()
                .punctuate(TEN.plusSeconds(4).toEpochMilli());

        // Then the GREEN scope (shared by two partners) counts the GREEN ones once, the AMBER Shylock
        // scope the Shylock ones, and the indicators-only partner has no count
        assertThat(context.forwarded())
                .extracting(f -> f.record().key(), f -> f.record().value())
                .filteredOn(t -> !t.toList().contains(StatisticsPreCount.TICK))
                .containsExactlyInAnyOrder(
                        tuple(scope + "|INDICATOR_TYPE|DOMAIN", 2L),
                        tuple(scope + "|MALWARE_FAMILY|Shylock", 1L),
                        tuple(scope + "|MALWARE_FAMILY|Emotet", 1L),
                        tuple(amber + "|INDICATOR_TYPE|DOMAIN", 2L),
                        tuple(amber + "|MALWARE_FAMILY|Shylock", 2L));
    }

    /** Applies agreements as the global store's updater does, so the processor sees them on its next record. */
    private void apply(PartnerAgreement... applied) {
        MockProcessorContext<Void, Void> global = new MockProcessorContext<>();
        global.addStateStore(agreements);
        var updater = snapshot.updater();
        updater.init(global);
        for (PartnerAgreement agreement : applied) {
            updater.process(new Record<>(agreement.getPartnerId(), agreement, 0L));
        }
    }

    private void send(LifecycleAction action, Instant at, String family) {
        send(action, at, Tlp.GREEN, family);
    }

    private void send(LifecycleAction action, Instant at, Tlp tlp, String family) {
        Indicator indicator = new Indicator();
        indicator.setId("domain:" + family + at.toEpochMilli());
        indicator.setType(IndicatorType.DOMAIN);
        indicator.setAction(action);
        indicator.setTlp(tlp);
        indicator.setConfidence(80);
        indicator.setMalwareFamilies(List.of(family));
        indicator.setCampaigns(List.of());
        processor.process(new Record<>(indicator.getId(), indicator, at.toEpochMilli()));
    }

    private static PartnerAgreement agreement(String partner, Tlp ceiling, DataKind kind) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partner)
                .setPartnerName(partner)
                .setAgreementId("mou-" + partner)
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(kind))
                .setTlpCeiling(ceiling)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .build();
    }
}
