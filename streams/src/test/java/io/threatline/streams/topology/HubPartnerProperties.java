package io.threatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Redaction;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * For random sensor events and random agreements, through the whole hub topology: no partner
 * record is above its TLP ceiling, outside its scope or period, before its embargo, of a kind it
 * was not granted, or unredacted where its agreement asks for redaction.
 */
class HubPartnerProperties {

    private static final Instant T0 = HubTestDriver.T0;
    private static final List<String> FAMILIES = List.of("Shylock", "Emotet", "Dridex");
    private static final List<String> PARTNERS = List.of("p1", "p2", "p3");
    private static final Map<IndicatorType, List<String>> VALUES = Map.of(
            IndicatorType.DOMAIN, List.of("a.example.com", "b[.]example[.]org", "c.example.net"),
            IndicatorType.IPV4, List.of("198.51.100.7", "203.0.113.9"),
            IndicatorType.URL, List.of("hxxp://evil.example.com/gate.php"),
            IndicatorType.SHA256, List.of("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));

    @Property(tries = 60)
    void partnersNeverReceiveWhatTheirAgreementDoesNotGrant(
            @ForAll("agreements") @Size(min = 1, max = 3) List<PartnerAgreement> agreements,
            @ForAll("events") @Size(min = 1, max = 40) List<ThreatEvent> events) {
        try (HubTestDriver hub = new HubTestDriver()) {
            Map<String, PartnerAgreement> byPartner = new HashMap<>();
            for (int i = 0; i < agreements.size(); i++) {
                PartnerAgreement a = PartnerAgreement.newBuilder(agreements.get(i))
                        .setPartnerId(PARTNERS.get(i))
                        .build();
                byPartner.put(a.getPartnerId(), a);
                hub.agreements.pipeInput(a.getPartnerId(), a, T0.minusSeconds(1));
            }
            Instant at = T0;
            for (ThreatEvent e : events) {
                at = at.plus(Duration.ofMinutes(20));
                e.setObservedAt(at);
                hub.send(null, e, at);
            }
            // Let the reconciler finish what the terms (an agreement that ended, or began) call for.
            for (int i = 0; i < 5; i++) {
                hub.advance(Duration.ofSeconds(1));
            }
            int delivered = 0;
            for (String partner : byPartner.keySet()) {
                PartnerAgreement a = byPartner.get(partner);
                Set<String> holds = new HashSet<>();
                for (PartnerIndicator r : hub.partner(partner).readValuesToList()) {
                    switch (r.getAction()) {
                        case NEW -> {
                            assertGranted(a, r);
                            assertThat(holds.add(r.getIndicatorId()))
                                    .as("NEW only for what %s does not hold", partner)
                                    .isTrue();
                            delivered++;
                        }
                        case UPDATE -> {
                            assertGranted(a, r);
                            assertThat(holds)
                                    .as("UPDATE only for what %s holds", partner)
                                    .contains(r.getIndicatorId());
                        }
                        default -> {
                            assertThat(holds.remove(r.getIndicatorId()))
                                    .as("%s only for what %s holds", r.getAction(), partner)
                                    .isTrue();
                            assertRetraction(a, r);
                        }
                    }
                }
                if (a.getValidUntil() != null && !hub.now().isBefore(a.getValidUntil())) {
                    assertThat(holds)
                            .as("%s's agreement ended: it holds nothing (on_end: revoke)", partner)
                            .isEmpty();
                }
            }
            Statistics.label("something delivered").collect(delivered > 0);
        }
        // The property must not hold vacuously: deliveries happen in a fair share of the tries.
        Statistics.label("something delivered").coverage(c -> c.check(true).percentage(p -> p >= 10));
    }

    /** A REVOKE or EXPIRE names the indicator and carries nothing the partner may not see (it may be out of scope now). */
    private static void assertRetraction(PartnerAgreement a, PartnerIndicator r) {
        List<Tlp> order = List.of(Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED);
        assertThat(order.indexOf(r.getTlp()))
                .as("%s under ceiling %s", r.getTlp(), a.getTlpCeiling())
                .isBetween(0, order.indexOf(a.getTlpCeiling()));
        if (a.getRedaction().getDropProviderAttribution()) {
            assertThat(r.getVendors()).isEmpty();
        }
        if (a.getRedaction().getDropSensorIds()) {
            assertThat(r.getSensors()).isEmpty();
        }
        assertThat(r.getAgreementId()).isEqualTo(a.getAgreementId());
    }

    private static void assertGranted(PartnerAgreement a, PartnerIndicator r) {
        assertThat(a.getDataKinds()).contains(DataKind.INDICATORS);
        // An oracle of its own, not the production TLP order: TLP 2.0 from least to most restrictive.
        List<Tlp> order = List.of(Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED);
        assertThat(order).as("known ceiling").contains(a.getTlpCeiling());
        assertThat(order.indexOf(r.getTlp()))
                .as("%s under ceiling %s", r.getTlp(), a.getTlpCeiling())
                .isBetween(0, order.indexOf(a.getTlpCeiling()));
        if (!a.getScope().getIndicatorTypes().isEmpty()) {
            assertThat(a.getScope().getIndicatorTypes()).contains(r.getType());
        }
        if (!a.getScope().getMalwareFamilies().isEmpty()) {
            assertThat(r.getMalwareFamilies())
                    .containsAnyElementsOf(a.getScope().getMalwareFamilies());
        }
        assertThat(r.getConfidence()).isGreaterThanOrEqualTo(a.getScope().getMinimumConfidence());
        assertThat(r.getSharedAt()).isAfterOrEqualTo(a.getValidFrom());
        if (a.getValidUntil() != null) {
            assertThat(r.getSharedAt()).isBefore(a.getValidUntil());
        }
        assertThat(r.getSharedAt()).isAfterOrEqualTo(r.getFirstSeen().plusMillis(a.getEmbargoMillis()));
        if (a.getRedaction().getDropProviderAttribution()) {
            assertThat(r.getVendors()).isEmpty();
        }
        if (a.getRedaction().getDropSensorIds()) {
            assertThat(r.getSensors()).isEmpty();
        }
        assertThat(r.getAgreementId()).isEqualTo(a.getAgreementId());
        assertThat(r.getAgreementVersion()).isEqualTo(a.getVersion());
    }

    @Provide
    Arbitrary<List<PartnerAgreement>> agreements() {
        // Biased towards agreements that grant something, so that the property is tested on real deliveries.
        Arbitrary<Tlp> ceiling = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(Tlp.class)), Tuple.of(3, Arbitraries.of(Tlp.AMBER, Tlp.RED)));
        Arbitrary<List<DataKind>> kinds = Arbitraries.frequencyOf(
                Tuple.of(
                        1,
                        Arbitraries.of(DataKind.INDICATORS, DataKind.STATISTICS, DataKind.TRENDS)
                                .set()
                                .map(List::copyOf)),
                Tuple.of(3, Arbitraries.just(List.of(DataKind.INDICATORS))));
        Arbitrary<List<IndicatorType>> types = Arbitraries.frequencyOf(
                Tuple.of(
                        1,
                        Arbitraries.of(VALUES.keySet().toArray(IndicatorType[]::new))
                                .set()
                                .ofMaxSize(2)
                                .map(List::copyOf)),
                Tuple.of(2, Arbitraries.just(List.of())));
        Arbitrary<List<String>> families = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(FAMILIES).set().ofMaxSize(2).map(List::copyOf)),
                Tuple.of(2, Arbitraries.just(List.of())));
        Arbitrary<Integer> minConfidence = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(0, 100)),
                Tuple.of(2, Arbitraries.integers().between(0, 30)));
        Arbitrary<Instant> from = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(T0.minus(Duration.ofDays(365)))),
                Tuple.of(1, Arbitraries.just(T0.plus(Duration.ofHours(3)))));
        Arbitrary<Instant> until = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(T0.plus(Duration.ofDays(365)))),
                Tuple.of(1, Arbitraries.of(T0.plus(Duration.ofHours(5)), T0.minus(Duration.ofDays(1)))));
        Arbitrary<Long> embargo = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(1, Arbitraries.just(Duration.ofHours(2).toMillis())));
        Arbitrary<Boolean> redact = Arbitraries.of(true, false);
        Arbitrary<PartnerAgreement> one = Combinators.combine(
                        ceiling, kinds, types, families, minConfidence, from, until, embargo)
                .as((c, k, t, f, m, vf, vu, e) -> PartnerAgreement.newBuilder()
                        .setPartnerId("x")
                        .setPartnerName("x")
                        .setAgreementId("mou-" + c + "-" + m)
                        .setVersion(1 + m % 3)
                        .setValidFrom(vf)
                        .setValidUntil(vu)
                        .setDataKinds(k)
                        .setTlpCeiling(c)
                        .setEmbargoMillis(e)
                        .setScope(AgreementScope.newBuilder()
                                .setIndicatorTypes(t)
                                .setMalwareFamilies(f)
                                .setMinimumConfidence(m)
                                .build())
                        .setRedaction(Redaction.newBuilder().build())
                        .build());
        return Combinators.combine(one, redact)
                .as((a, r) -> {
                    a.getRedaction().setDropProviderAttribution(r);
                    a.getRedaction().setDropSensorIds(!r);
                    return a;
                })
                .list();
    }

    @Provide
    Arbitrary<List<ThreatEvent>> events() {
        Arbitrary<IndicatorType> type = Arbitraries.of(VALUES.keySet().toArray(IndicatorType[]::new));
        Arbitrary<Tlp> tlp = Arbitraries.of(Tlp.class);
        Arbitrary<Integer> confidence = Arbitraries.integers().between(0, 100);
        Arbitrary<List<String>> families =
                Arbitraries.of(FAMILIES).set().ofMaxSize(2).map(List::copyOf);
        Arbitrary<String> vendor = Arbitraries.of("acme", "northwind", "blue-harbor");
        Arbitrary<Boolean> retraction = Arbitraries.integers().between(0, 9).map(i -> i == 0);
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 2);
        return Combinators.combine(type, tlp, confidence, families, vendor, retraction, pick)
                .as((ty, t, c, f, v, r, p) -> ThreatEvent.newBuilder()
                        .setEventId("e")
                        .setIndicatorType(ty)
                        .setIndicatorValue(VALUES.get(ty).get(p % VALUES.get(ty).size()))
                        .setObservedAt(T0)
                        .setVendor(v)
                        .setSensorId("s-" + p)
                        .setConfidence(c)
                        .setTlp(t)
                        .setMalwareFamilies(f)
                        .setRetraction(r)
                        .build())
                .list();
    }
}
