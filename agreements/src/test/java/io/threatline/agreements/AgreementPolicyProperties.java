package io.threatline.agreements;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.Tlp2;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the indicator, agreement and time, a delivered record respects every rule of the
 * agreement, and a withheld or embargoed one really breaks a rule (DESIGN §7).
 */
class AgreementPolicyProperties {

    /** TLP 2.0 order written out independently of {@link Tlp2}. */
    private static final List<Tlp> ORDER =
            java.util.Arrays.asList(Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED); // null-tolerant

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> FAMILIES = List.of("Shylock", "shylock", "Zeus", "Emotet", "Dridex");
    private static final List<String> CAMPAIGNS = List.of("Tovar", "tovar", "Gameover", "Other");
    private static final List<String> COUNTRIES = List.of("DE", "FR", "US", "GB");
    private static final List<String> TAGS = List.of(
            "banking-trojan",
            "c2",
            "victim:Example Bank",
            "Affected:x",
            "target-org:Example AG",
            "sector:finance",
            "misp-galaxy:sector=\"Finance\"",
            "phishing");

    record Case(PartnerAgreement agreement, Indicator indicator, Instant now) {
        @Override
        public String toString() {
            return "now=" + now + "\nagreement=" + agreement + "\nindicator=" + indicator;
        }
    }

    /**
     * The index (issue 13) may leave an agreement out only where decide withholds: whatever it
     * skips, decide would have withheld — and it does skip (the statistics show how often).
     */
    @Property(tries = 2000)
    void shouldLeaveOutOfTheIndexOnlyAgreementsThatWithhold(@ForAll("cases") Case c) {
        Decision d = AgreementPolicy.decide(c.agreement(), c.indicator(), c.now());
        boolean candidate = AgreementIndex.of(List.of(c.agreement()))
                .candidates(c.indicator())
                .get(0);
        Statistics.label("candidate").collect(candidate);
        if (!(d instanceof Decision.Withhold)) {
            assertThat(candidate)
                    .as("%s for an agreement the index left out", d)
                    .isTrue();
        }
    }

    @Property(tries = 1000)
    void shouldDeliverOnlyWhatTheAgreementAllowsRedactedAndStamped(@ForAll("cases") Case c) {
        Decision d = AgreementPolicy.decide(c.agreement(), c.indicator(), c.now());
        Statistics.label("decision").collect(d.getClass().getSimpleName());
        Statistics.label("reason").collect(d instanceof Decision.Withhold w ? w.reasonCode() : "-");

        if (d instanceof Decision.Deliver deliver) {
            PartnerAgreement a = c.agreement();
            Indicator i = c.indicator();
            PartnerIndicator r = deliver.record();
            AgreementScope s = a.getScope();

            assertThat(a.getDataKinds()).contains(DataKind.INDICATORS);
            assertThat(c.now()).isAfterOrEqualTo(a.getValidFrom());
            if (a.getValidUntil() != null) {
                assertThat(c.now()).isBefore(a.getValidUntil());
            }
            assertThat(c.now()).isAfterOrEqualTo(i.getFirstSeen().plusMillis(a.getEmbargoMillis()));

            assertThat(r.getTlp()).isEqualTo(i.getTlp());
            assertThat(ORDER).contains(r.getTlp()).contains(a.getTlpCeiling());
            assertThat(ORDER.indexOf(r.getTlp())).isLessThanOrEqualTo(ORDER.indexOf(a.getTlpCeiling()));

            assertThat(r.getType()).isNotEqualTo(IndicatorType.UNKNOWN);
            if (!s.getIndicatorTypes().isEmpty()) {
                assertThat(s.getIndicatorTypes()).contains(r.getType());
            }
            if (!s.getMalwareFamilies().isEmpty()) {
                assertThat(lower(r.getMalwareFamilies())).containsAnyElementsOf(lower(s.getMalwareFamilies()));
            }
            if (!s.getCampaigns().isEmpty()) {
                assertThat(lower(r.getCampaigns())).containsAnyElementsOf(lower(s.getCampaigns()));
            }
            assertThat(r.getConfidence()).isGreaterThanOrEqualTo(s.getMinimumConfidence());
            if (!s.getCountries().isEmpty()) {
                assertThat(r.getCountry()).isNotNull().isIn(s.getCountries());
            }

            assertThat(r.getPartnerId()).isEqualTo(a.getPartnerId());
            assertThat(r.getAgreementId()).isEqualTo(a.getAgreementId());
            assertThat(r.getAgreementVersion()).isEqualTo(a.getVersion());
            assertThat(r.getIndicatorId()).isEqualTo(i.getId());
            assertThat(r.getAction()).isEqualTo(i.getAction());
            assertThat(r.getSharedAt()).isEqualTo(c.now());
            assertThat(r.getRedistributionAllowed()).isEqualTo(a.getRedistributionAllowed());
            if (a.getRedaction().getDropProviderAttribution()) {
                assertThat(r.getVendors()).isEmpty();
            } else {
                assertThat(r.getVendors()).isEqualTo(i.getVendors());
            }
            if (a.getRedaction().getDropSensorIds()) {
                assertThat(r.getSensors()).isEmpty();
            } else {
                assertThat(r.getSensors()).isEqualTo(i.getSensors());
            }
            if (a.getRedaction().getObfuscateAffectedParties()) {
                assertThat(r.getTags())
                        .noneMatch(t -> t.toLowerCase(Locale.ROOT)
                                .matches("(victim:|affected:|target-org:|sector:|misp-galaxy:sector=).*"));
            }
        }

        Statistics.label("decision").coverage(check -> {
            check.check("Deliver").percentage(p -> p >= 2.0);
            check.check("Withhold").percentage(p -> p >= 30.0);
            check.check("Embargoed").percentage(p -> p >= 0.5);
        });
    }

    @Property(tries = 1000)
    void shouldWithholdOrEmbargoOnlyWhenARuleIsBroken(@ForAll("cases") Case c) {
        Decision d = AgreementPolicy.decide(c.agreement(), c.indicator(), c.now());
        boolean allowed = allowedIgnoringEmbargo(c.agreement(), c.indicator(), c.now());
        Instant embargoEnd =
                c.indicator().getFirstSeen().plusMillis(c.agreement().getEmbargoMillis());
        Instant until = c.agreement().getValidUntil();

        if (!allowed) {
            assertThat(d).isInstanceOf(Decision.Withhold.class);
        } else if (c.now().isBefore(embargoEnd)) {
            if (until != null && !embargoEnd.isBefore(until)) {
                assertThat(d)
                        .isInstanceOfSatisfying(
                                Decision.Withhold.class,
                                w -> assertThat(w.reasonCode()).isEqualTo(AgreementPolicy.EMBARGO_OUTLASTS_AGREEMENT));
            } else {
                assertThat(d).isEqualTo(new Decision.Embargoed(embargoEnd));
            }
        } else {
            assertThat(d).isInstanceOf(Decision.Deliver.class);
        }
    }

    /** The rules of DESIGN §7, written out independently of the policy. */
    private static boolean allowedIgnoringEmbargo(PartnerAgreement a, Indicator i, Instant now) {
        AgreementScope s = a.getScope();
        Set<String> families = lower(i.getMalwareFamilies());
        Set<String> campaigns = lower(i.getCampaigns());
        return !now.isBefore(a.getValidFrom())
                && (a.getValidUntil() == null || now.isBefore(a.getValidUntil()))
                && a.getDataKinds().contains(DataKind.INDICATORS)
                && i.getAction() != LifecycleAction.UNKNOWN
                && ORDER.contains(i.getTlp())
                && ORDER.contains(a.getTlpCeiling())
                && ORDER.indexOf(i.getTlp()) <= ORDER.indexOf(a.getTlpCeiling())
                && i.getType() != IndicatorType.UNKNOWN
                && (s.getIndicatorTypes().isEmpty() || s.getIndicatorTypes().contains(i.getType()))
                && (s.getMalwareFamilies().isEmpty()
                        || lower(s.getMalwareFamilies()).stream().anyMatch(families::contains))
                && (s.getCampaigns().isEmpty()
                        || lower(s.getCampaigns()).stream().anyMatch(campaigns::contains))
                && i.getConfidence() >= s.getMinimumConfidence()
                && (s.getCountries().isEmpty()
                        || (i.getCountry() != null && s.getCountries().contains(i.getCountry())));
    }

    private static Set<String> lower(List<String> values) {
        return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    // ---- generators

    @Provide
    Arbitrary<Case> cases() {
        // now lands mostly inside the agreement's period, the first sighting mostly shortly before now
        // (sometimes after it: a sensor clock ahead), so that every outcome occurs often.
        Arbitrary<Integer> percentOfPeriod = Arbitraries.<Integer>frequencyOf(
                Tuple2Of.<Integer>of(8, Arbitraries.integers().between(0, 99)),
                Tuple2Of.<Integer>of(1, Arbitraries.integers().between(1, 15).map(p -> -p)),
                Tuple2Of.<Integer>of(1, Arbitraries.integers().between(100, 115)));
        Arbitrary<Long> ageHours = Arbitraries.longs().between(0, 24 * 20 + 12).map(h -> h - 12);
        return Combinators.combine(agreements(), indicators(), percentOfPeriod, ageHours)
                .as((a, i, pct, age) -> {
                    long periodMillis = a.getValidUntil() == null
                            ? Duration.ofDays(1600).toMillis()
                            : a.getValidUntil().toEpochMilli()
                                    - a.getValidFrom().toEpochMilli();
                    Instant now = a.getValidFrom().plusMillis(periodMillis / 100 * pct);
                    i.setFirstSeen(now.minus(Duration.ofHours(age)));
                    return new Case(a, i, now);
                });
    }

    private Arbitrary<PartnerAgreement> agreements() {
        Arbitrary<Instant> from = Arbitraries.integers().between(-400, 800).map(d -> EPOCH.plus(Duration.ofDays(d)));
        Arbitrary<Integer> lengthDays = Arbitraries.integers().between(1, 1500).injectNull(0.3);
        Arbitrary<List<DataKind>> kinds = Arbitraries.of(DataKind.values())
                .list()
                .uniqueElements()
                .ofMaxSize(4)
                .edgeCases(e -> e.add(List.of(DataKind.INDICATORS)))
                .map(l -> {
                    List<DataKind> copy = new ArrayList<>(l);
                    return copy;
                });
        Arbitrary<List<DataKind>> biasedKinds = Arbitraries.<List<DataKind>>frequencyOf(
                        Tuple2Of.<List<DataKind>>of(4, Arbitraries.just(List.of(DataKind.INDICATORS))),
                        Tuple2Of.<List<DataKind>>of(1, kinds))
                .map(ArrayList::new);
        Arbitrary<Tlp> ceiling = Arbitraries.<Tlp>frequencyOf(
                Tuple2Of.<Tlp>of(6, Arbitraries.of(Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)),
                Tuple2Of.<Tlp>of(3, Arbitraries.of(Tlp.CLEAR, Tlp.GREEN)),
                Tuple2Of.<Tlp>of(1, Arbitraries.of(Tlp.UNKNOWN, Tlp.RED)));
        Arbitrary<Long> embargo = Arbitraries.<Long>frequencyOf(
                Tuple2Of.<Long>of(2, Arbitraries.just(0L)),
                Tuple2Of.<Long>of(
                        3, Arbitraries.longs().between(1, Duration.ofDays(10).toMillis())),
                Tuple2Of.<Long>of(
                        1,
                        Arbitraries.longs()
                                .between(
                                        Duration.ofDays(10).toMillis(),
                                        Duration.ofDays(2000).toMillis())));
        Arbitrary<Redaction> redaction = Combinators.combine(
                        Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((p, s, o) -> Redaction.newBuilder()
                        .setDropProviderAttribution(p)
                        .setDropSensorIds(s)
                        .setObfuscateAffectedParties(o)
                        .build());
        Arbitrary<Integer> version = Arbitraries.integers().between(1, 20);
        return Combinators.combine(from, lengthDays, biasedKinds, ceiling, scopes(), redaction, embargo, version)
                .as((f, len, k, c, sc, r, e, v) -> PartnerAgreement.newBuilder()
                        .setPartnerId("partner-" + v)
                        .setPartnerName("Partner " + v)
                        .setAgreementId("MOU-" + (v * 7919 % 1000))
                        .setVersion(v)
                        .setValidFrom(f)
                        .setValidUntil(len == null ? null : f.plus(Duration.ofDays(len)))
                        .setDataKinds(k)
                        .setTlpCeiling(c)
                        .setScope(sc)
                        .setRedaction(r)
                        .setEmbargoMillis(e)
                        .setRedistributionAllowed(v % 2 == 0)
                        .setRedistributionScope(v % 2 == 0 ? "members" : null)
                        .build());
    }

    private Arbitrary<AgreementScope> scopes() {
        Arbitrary<List<IndicatorType>> types = mostlyEmpty(Arbitraries.of(IndicatorType.values())
                .list()
                .uniqueElements()
                .ofMinSize(1)
                .ofMaxSize(4));
        Arbitrary<List<String>> families = mostlyEmpty(
                Arbitraries.of(FAMILIES).list().uniqueElements().ofMinSize(1).ofMaxSize(2));
        Arbitrary<List<String>> campaigns = mostlyEmpty(
                Arbitraries.of(CAMPAIGNS).list().uniqueElements().ofMinSize(1).ofMaxSize(2));
        Arbitrary<Integer> minimum = Arbitraries.<Integer>frequencyOf(
                Tuple2Of.<Integer>of(3, Arbitraries.just(0)),
                Tuple2Of.<Integer>of(2, Arbitraries.integers().between(0, 100)));
        Arbitrary<List<String>> countries = mostlyEmpty(
                Arbitraries.of(COUNTRIES).list().uniqueElements().ofMinSize(1).ofMaxSize(3));
        return Combinators.combine(types, families, campaigns, minimum, countries)
                .as((t, f, c, m, co) -> AgreementScope.newBuilder()
                        .setIndicatorTypes(new ArrayList<>(t))
                        .setMalwareFamilies(new ArrayList<>(f))
                        .setCampaigns(new ArrayList<>(c))
                        .setMinimumConfidence(m)
                        .setCountries(new ArrayList<>(co))
                        .build());
    }

    private static <T> Arbitrary<List<T>> mostlyEmpty(Arbitrary<List<T>> nonEmpty) {
        return Arbitraries.<List<T>>frequencyOf(
                Tuple2Of.<List<T>>of(2, Arbitraries.just(List.<T>of())), Tuple2Of.<List<T>>of(1, nonEmpty));
    }

    private Arbitrary<Indicator> indicators() {
        Arbitrary<IndicatorType> type = Arbitraries.<IndicatorType>frequencyOf(
                        Tuple2Of.<IndicatorType>of(12, Arbitraries.of(IndicatorType.values())),
                        Tuple2Of.<IndicatorType>of(1, Arbitraries.just(IndicatorType.UNKNOWN)))
                .map(t -> t);
        Arbitrary<Tlp> tlp = Arbitraries.<Tlp>frequencyOf(
                        Tuple2Of.<Tlp>of(
                                10, Arbitraries.of(Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)),
                        Tuple2Of.<Tlp>of(1, Arbitraries.just(Tlp.UNKNOWN)))
                .injectNull(0.03);
        Arbitrary<List<String>> families =
                Arbitraries.of(FAMILIES).list().uniqueElements().ofMaxSize(3);
        Arbitrary<List<String>> campaigns =
                Arbitraries.of(CAMPAIGNS).list().uniqueElements().ofMaxSize(2);
        Arbitrary<Integer> confidence = Arbitraries.integers().between(0, 100);
        Arbitrary<String> country = Arbitraries.of(COUNTRIES).injectNull(0.25);
        Arbitrary<Instant> firstSeen =
                Arbitraries.integers().between(-500, 2500).map(h -> EPOCH.plus(Duration.ofHours(h * 13L)));
        Arbitrary<LifecycleAction> action = Arbitraries.<LifecycleAction>frequencyOf(
                Tuple2Of.<LifecycleAction>of(
                        12,
                        Arbitraries.of(
                                LifecycleAction.NEW,
                                LifecycleAction.UPDATE,
                                LifecycleAction.EXPIRE,
                                LifecycleAction.REVOKE)),
                Tuple2Of.<LifecycleAction>of(1, Arbitraries.just(LifecycleAction.UNKNOWN)));
        Arbitrary<List<String>> tags =
                Arbitraries.of(TAGS).list().uniqueElements().ofMaxSize(5);
        return Combinators.combine(type, tlp, families, campaigns, confidence, country, firstSeen, action)
                .flatAs((t, l, f, c, conf, co, fs, act) -> tags.map(tg -> {
                    Indicator i = Indicator.newBuilder()
                            .setId(t.name().toLowerCase(Locale.ROOT) + ":value-" + conf)
                            .setType(t)
                            .setValue("value-" + conf)
                            .setAction(act)
                            .setFirstSeen(fs)
                            .setLastSeen(fs.plus(Duration.ofHours(3)))
                            .setSightings(3)
                            .setVendors(new ArrayList<>(List.of("acme", "globex")))
                            .setSensors(new ArrayList<>(List.of("acme/s1", "globex/s2")))
                            .setConfidence(conf)
                            .setTlp(Tlp.CLEAR)
                            .setMalwareFamilies(new ArrayList<>(f))
                            .setCampaigns(new ArrayList<>(c))
                            .setTags(new ArrayList<>(tg))
                            .setCountry(co)
                            .setUpdatedAt(fs.plus(Duration.ofHours(3)))
                            .setExpiresAt(fs.plus(Duration.ofDays(30)))
                            .build();
                    i.setTlp(l); // may be null: a missing marking must fail closed too
                    return i;
                }));
    }

    /** Shorthand for jqwik's frequency pairs. */
    private static final class Tuple2Of {
        static <T> net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<? extends T>> of(
                int weight, Arbitrary<? extends T> a) {
            return net.jqwik.api.Tuple.of(weight, a);
        }
    }
}
