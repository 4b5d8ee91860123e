package io.threatline.streams.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.schemas.serde.InMemorySchemaRegistryClient;
import io.threatline.streams.agreements.AgreementReconciler;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.agreements.PartnerRouter;
import io.threatline.streams.enrich.Enrichment;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.HubSerdes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dedup processor on its own, where a test can set up its stores as a task start finds them:
 * the expiry index rebuilt from the state, and the partners that hold an indicator read from its
 * state record (topology-level behaviour is in {@code topology/HubTopologyTest} and the recorded output).
 */
class DedupProcessorTest {

    private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");

    private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    private final HubSerdes serdes = new HubSerdes(new InMemorySchemaRegistryClient(), Map.of());
    private final AgreementsSnapshot snapshot = new AgreementsSnapshot();
    private KeyValueStore<String, IndicatorState> state;
    private KeyValueStore<String, String> expiry;
    private KeyValueStore<String, String> formerDelivered;
    private KeyValueStore<String, String> forget;
    private KeyValueStore<String, PartnerAgreement> agreements;

    @BeforeEach
    void setUp() {
        state = store(DedupProcessor.STATE_STORE, serdes.indicatorState);
        expiry = store(DedupProcessor.EXPIRY_STORE, Serdes.String());
        formerDelivered = store(DedupProcessor.FORMER_DELIVERED_STORE, Serdes.String());
        store(PartnerRouter.EMBARGO_STORE, Serdes.String());
        forget = store(DedupProcessor.FORGET_STORE, Serdes.String());
        store(AgreementReconciler.RECONCILE_STORE, Serdes.String());
        store(AgreementReconciler.TERMS_STORE, serdes.agreement);
        agreements = store(PartnerRouter.AGREEMENTS_STORE, serdes.agreement);
    }

    @Test
    void shouldRebuildTheExpiryIndexFromTheStateWhenATaskStartsAndTellTheHoldersOfTheExpiry() {
        // Given a task whose state was restored (an indicator held by interpol, expiring at T) but whose
        // expiry index, which has no changelog, is empty; and interpol's agreement in force
        agreements.put("interpol", agreement("interpol"));
        agreements.put("nca", agreement("nca"));
        state.put("domain:c2.example.com", new IndicatorState(indicator("domain:c2.example.com", T), "interpol"));
        state.put(
                "domain:later.example.com",
                new IndicatorState(indicator("domain:later.example.com", T.plusSeconds(3600)), ""));
        assertThat(expiry.approximateNumEntries()).isZero();

        // When the task starts and its stream time passes T
        DedupProcessor processor = processor();
        processor.init(context);
        expiryScan().punctuate(T.plusSeconds(1).toEpochMilli());

        // Then the indicator due expires: on the indicators topic and to interpol, which held it, not to nca;
        // the other stays, with its entry in the index
        assertThat(context.forwarded())
                .extracting(
                        f -> f.childName().orElse("all"),
                        f -> f.record().key(),
                        f -> action(f.record().value()))
                .containsExactly(
                        tuple("all", "domain:c2.example.com", LifecycleAction.EXPIRE),
                        tuple(DedupProcessor.OUTPUT_SINK, "domain:c2.example.com", LifecycleAction.EXPIRE));
        assertThat(((PartnerIndicator) context.forwarded().get(1).record().value()).getPartnerId())
                .isEqualTo("interpol");
        assertThat(state.get("domain:c2.example.com")).isNull();
        assertThat(state.get("domain:later.example.com")).isNotNull();
        assertThat(expiry.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void shouldWriteTheTombstoneOfAnExpiredIndicatorAGracePeriodLaterUnlessItCameBack() {
        // Given two indicators held by nobody, both expiring at T
        agreements.put("interpol", agreement("interpol"));
        state.put("domain:gone.example.com", new IndicatorState(indicator("domain:gone.example.com", T), ""));
        state.put("domain:back.example.com", new IndicatorState(indicator("domain:back.example.com", T), ""));
        DedupProcessor processor = processor();
        processor.init(context);

        // When stream time passes T, one comes back within the grace, and stream time passes T + 7 days
        expiryScan().punctuate(T.plusSeconds(1).toEpochMilli());
        assertThat(forget.approximateNumEntries()).isEqualTo(2);
        state.put(
                "domain:back.example.com",
                new IndicatorState(indicator("domain:back.example.com", T.plus(Duration.ofDays(30))), ""));
        context.resetForwards();
        expiryScan().punctuate(T.plus(Duration.ofDays(7)).plusSeconds(2).toEpochMilli());

        // Then only the one still gone gets its tombstone, on the indicators topic only; the index is empty
        assertThat(context.forwarded())
                .extracting(
                        f -> f.childName().orElse("all"),
                        f -> f.record().key(),
                        f -> f.record().value())
                .containsExactly(tuple(DedupProcessor.OUTPUT_SINK, "domain:gone.example.com", null));
        assertThat(forget.approximateNumEntries()).isZero();
    }

    @Test
    void shouldMoveTheHoldersAHubBeforeTheStateRecordKeptApartIntoTheStateWhenATaskStarts() {
        // Given a hub upgraded in place: the state restored in an older format (held by none) and the
        // holders in the store it kept them in, one of them for an indicator no longer live
        agreements.put("interpol", agreement("interpol"));
        agreements.put("nca", agreement("nca"));
        state.put("domain:c2.example.com", new IndicatorState(indicator("domain:c2.example.com", T), ""));
        formerDelivered.put("domain:c2.example.com", "interpol,nca");
        formerDelivered.put("domain:gone.example.com", "interpol");

        // When the task starts
        processor().init(context);

        // Then the holders are in the state record, and the former store is empty
        assertThat(state.get("domain:c2.example.com").holders()).isEqualTo("interpol,nca");
        assertThat(state.get("domain:gone.example.com")).isNull();
        assertThat(formerDelivered.approximateNumEntries()).isZero();
        // and both holders hear of the expiry
        expiryScan().punctuate(T.plusSeconds(1).toEpochMilli());
        assertThat(context.forwarded())
                .filteredOn(f -> f.record().value() instanceof PartnerIndicator)
                .extracting(f -> ((PartnerIndicator) f.record().value()).getPartnerId())
                .containsExactly("interpol", "nca");
    }

    private DedupProcessor processor() {
        Enrichment none = new Enrichment() {
            @Override
            public List<String> canonicalFamilies(List<String> reported) {
                return reported;
            }

            @Override
            public Optional<String> benignList(IndicatorType type, String canonicalValue) {
                return Optional.empty();
            }

            @Override
            public Indicator enrich(Indicator indicator) {
                return indicator;
            }
        };
        Clock clock = Clock.fixed(T, ZoneOffset.UTC);
        return new DedupProcessor(
                e -> new IndicatorMerger(Lifetimes.defaults(), 100, e::canonicalFamilies),
                c -> none,
                Duration.ofMinutes(1),
                new HubCounters(),
                new PartnerRouter(Duration.ofMinutes(1), new HubCounters(), snapshot, 1000, clock),
                io.threatline.schemas.privacy.IndicatorKey.of(new byte[32]),
                Duration.ofDays(7));
    }

    private org.apache.kafka.streams.processor.Punctuator expiryScan() {
        return context.scheduledPunctuators().stream()
                .filter(p -> p.getType() == PunctuationType.STREAM_TIME)
                .findFirst()
                .orElseThrow()
                .getPunctuator();
    }

    private static LifecycleAction action(Object value) {
        return value instanceof Indicator i ? i.getAction() : ((PartnerIndicator) value).getAction();
    }

    private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private static Indicator indicator(String id, Instant expiresAt) {
        Instant seen = expiresAt.minus(Duration.ofDays(1));
        return new Indicator(
                id,
                IndicatorType.DOMAIN,
                id.substring(id.indexOf(':') + 1),
                LifecycleAction.NEW,
                seen,
                seen,
                1L,
                List.of("acme"),
                List.of("acme/s1"),
                80,
                Tlp.GREEN,
                List.of(),
                List.of(),
                List.of(),
                List.<KillChainPhase>of(),
                null,
                null,
                null,
                0,
                seen,
                expiresAt,
                seen,
                List.of(),
                false);
    }

    private static PartnerAgreement agreement(String partner) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partner)
                .setPartnerName(partner)
                .setAgreementId("mou-" + partner)
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(Tlp.GREEN)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .build();
    }
}
