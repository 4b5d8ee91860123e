package io.threatline.agreements;

import static io.threatline.agreements.Fixtures.FROM;
import static io.threatline.agreements.Fixtures.NOW;
import static io.threatline.agreements.Fixtures.UNTIL;
import static io.threatline.agreements.Fixtures.agreement;
import static io.threatline.agreements.Fixtures.indicator;
import static io.threatline.agreements.Fixtures.scope;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.agreements.files.AgreementFiles;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.PersonalDataHandling;
import io.threatline.contract.Redaction;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.Tlp;
import io.threatline.contract.TrendStatistic;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AgreementPolicyTest {

    private static Decision decide(PartnerAgreement a, Indicator i) {
        return AgreementPolicy.decide(a, i, NOW);
    }

    private static void assertWithheld(Decision d, String code) {
        assertThat(d).isInstanceOfSatisfying(Decision.Withhold.class, w -> {
            assertThat(w.reasonCode()).isEqualTo(code);
            assertThat(w.reason()).isNotBlank();
        });
    }

    private static PartnerIndicator delivered(Decision d) {
        assertThat(d).isInstanceOf(Decision.Deliver.class);
        return ((Decision.Deliver) d).record();
    }

    @Nested
    class Indicators {

        @Test
        void shouldDeliverAnInScopeIndicatorStampedWithTheAgreement() {
            PartnerIndicator r =
                    delivered(decide(agreement().build(), indicator().build()));

            assertThat(r.getPartnerId()).isEqualTo("cert-example");
            assertThat(r.getAgreementId()).isEqualTo("CERT-EX-1");
            assertThat(r.getAgreementVersion()).isEqualTo(4);
            assertThat(r.getIndicatorId()).isEqualTo("domain:shylock-c2.example");
            assertThat(r.getType()).isEqualTo(IndicatorType.DOMAIN);
            assertThat(r.getValue()).isEqualTo("shylock-c2.example");
            assertThat(r.getAction()).isEqualTo(LifecycleAction.NEW);
            assertThat(r.getTlp()).isEqualTo(Tlp.GREEN);
            assertThat(r.getValidUntil()).isEqualTo(indicator().getExpiresAt());
            assertThat(r.getSharedAt()).isEqualTo(NOW);
            assertThat(r.getRedistributionAllowed()).isTrue();
            assertThat(r.getRedistributionScope()).isEqualTo("national CSIRTs");
            assertThat(r.getCountry()).isEqualTo("DE");
            assertThat(r.getAsn()).isEqualTo(64500L);
            assertThat(r.getMalwareFamilies()).containsExactly("Shylock");
        }

        @Test
        void shouldWithholdOrMaskEmailAddressesAsTheAgreementAsksAndLeaveOtherTypesAlone() {
            Indicator email = indicator()
                    .setId("email:phisher@bank-example.org")
                    .setType(IndicatorType.EMAIL)
                    .setValue("phisher@bank-example.org")
                    .build();
            PartnerAgreement keep = agreement().build();
            PartnerAgreement withhold = agreement()
                    .setRedaction(Redaction.newBuilder()
                            .setPersonalData(PersonalDataHandling.WITHHOLD)
                            .build())
                    .build();
            PartnerAgreement mask = agreement()
                    .setRedaction(Redaction.newBuilder()
                            .setPersonalData(PersonalDataHandling.MASK)
                            .build())
                    .build();
            PartnerAgreement otherMask = agreement()
                    .setAgreementId("CERT-EX-2")
                    .setRedaction(Redaction.newBuilder()
                            .setPersonalData(PersonalDataHandling.MASK)
                            .build())
                    .build();

            assertThat(delivered(decide(keep, email)).getValue()).isEqualTo("phisher@bank-example.org");
            assertWithheld(decide(withhold, email), AgreementPolicy.PERSONAL_DATA_WITHHELD);
            PartnerIndicator masked = delivered(decide(mask, email));
            assertThat(masked.getValue()).matches("masked-[0-9a-f]{16}@bank-example\\.org");
            assertThat(masked.getIndicatorId()).isEqualTo("email:" + masked.getValue());
            assertThat(masked.toString()).doesNotContain("phisher");
            // the same pseudonym every time, also on the REVOKE, so the partner can match its records; another under
            // another agreement
            assertThat(delivered(decide(mask, email)).getIndicatorId()).isEqualTo(masked.getIndicatorId());
            assertThat(AgreementPolicy.retraction(mask, email, LifecycleAction.REVOKE, NOW)
                            .getIndicatorId())
                    .isEqualTo(masked.getIndicatorId());
            assertThat(delivered(decide(otherMask, email)).getValue()).isNotEqualTo(masked.getValue());
            // and a retraction under withhold (the terms changed from mask) never names the address in clear
            assertThat(AgreementPolicy.retraction(withhold, email, LifecycleAction.REVOKE, NOW)
                            .getValue())
                    .startsWith("masked-")
                    .doesNotContain("phisher");
            // a domain is not personal data here: delivered as it is
            assertThat(delivered(decide(withhold, indicator().build())).getValue())
                    .isEqualTo("shylock-c2.example");
            assertThat(delivered(decide(mask, indicator().build())).getValue()).isEqualTo("shylock-c2.example");
        }

        @Test
        void shouldWithholdWhenThereIsNoAgreement() {
            assertWithheld(decide(null, indicator().build()), AgreementPolicy.NO_AGREEMENT);
        }

        @ParameterizedTest(name = "now = {0} is outside [2026-01-01, 2029-01-01)")
        @ValueSource(strings = {"2025-12-31T23:59:59.999Z", "2029-01-01T00:00:00Z", "2030-06-01T00:00:00Z"})
        void shouldWithholdOutsideThePeriod(String now) {
            Decision d = AgreementPolicy.decide(agreement().build(), indicator().build(), Instant.parse(now));

            assertWithheld(d, AgreementPolicy.OUTSIDE_PERIOD);
        }

        @Test
        void shouldDeliverFromTheFirstMomentOfThePeriodAndUnderAnOpenEndedAgreement() {
            assertThat(AgreementPolicy.decide(
                            agreement().build(),
                            indicator()
                                    .setFirstSeen(FROM.minus(Duration.ofDays(3)))
                                    .build(),
                            FROM))
                    .isInstanceOf(Decision.Deliver.class);
            assertThat(AgreementPolicy.decide(
                            agreement().setValidUntil(null).build(),
                            indicator().build(),
                            Instant.parse("2099-01-01T00:00:00Z")))
                    .isInstanceOf(Decision.Deliver.class);
        }

        @Test
        void shouldWithholdIndicatorsFromAPartnerGrantedOnlyStatisticsAndTrends() {
            PartnerAgreement a = agreement()
                    .setDataKinds(new ArrayList<>(List.of(DataKind.STATISTICS, DataKind.TRENDS)))
                    .build();

            assertWithheld(decide(a, indicator().build()), AgreementPolicy.KIND_NOT_GRANTED);
        }

        @ParameterizedTest(name = "{0} under a {1} ceiling is {2}")
        @CsvSource(delimiter = '|', textBlock = """
                CLEAR        | GREEN        | DELIVER
                GREEN        | GREEN        | DELIVER
                AMBER        | GREEN        | ABOVE_TLP_CEILING
                AMBER_STRICT | AMBER        | ABOVE_TLP_CEILING
                AMBER_STRICT | AMBER_STRICT | DELIVER
                RED          | AMBER_STRICT | ABOVE_TLP_CEILING
                RED          | RED          | DELIVER
                UNKNOWN      | RED          | UNKNOWN_TLP
                GREEN        | UNKNOWN      | UNKNOWN_TLP
                """)
        void shouldDeliverOnlyAtOrBelowTheTlpCeiling(Tlp tlp, Tlp ceiling, String expected) {
            Decision d = decide(
                    agreement().setTlpCeiling(ceiling).build(),
                    indicator().setTlp(tlp).build());

            if (expected.equals("DELIVER")) {
                assertThat(delivered(d).getTlp()).isEqualTo(tlp);
            } else {
                assertWithheld(d, expected);
            }
        }

        @Test
        void shouldFailClosedOnAMissingTlp() {
            Indicator i = indicator().build();
            i.setTlp(null);

            assertWithheld(decide(agreement().setTlpCeiling(Tlp.RED).build(), i), AgreementPolicy.UNKNOWN_TLP);
        }

        @Test
        void shouldWithholdTypesOutsideTheScope() {
            PartnerAgreement a = agreement()
                    .setScope(scope().setIndicatorTypes(new ArrayList<>(List.of(IndicatorType.IPV4)))
                            .build())
                    .build();

            assertWithheld(decide(a, indicator().build()), AgreementPolicy.TYPE_OUT_OF_SCOPE);
            assertThat(decide(
                            a,
                            indicator()
                                    .setType(IndicatorType.IPV4)
                                    .setId("ipv4:192.0.2.1")
                                    .setValue("192.0.2.1")
                                    .build()))
                    .isInstanceOf(Decision.Deliver.class);
        }

        @Test
        void shouldNeverDeliverUnknownTypesEvenWithoutTypeScope() {
            assertWithheld(
                    decide(
                            agreement().build(),
                            indicator().setType(IndicatorType.UNKNOWN).build()),
                    AgreementPolicy.TYPE_OUT_OF_SCOPE);
        }

        @ParameterizedTest(name = "families {0} under scope {1}: {2}")
        @CsvSource(delimiter = '|', textBlock = """
                Shylock         | Shylock       | DELIVER
                shylock         | SHYLOCK       | DELIVER
                Zeus,Shylock    | Shylock       | DELIVER
                Zeus            | Shylock       | FAMILY_OUT_OF_SCOPE
                ''              | Shylock       | FAMILY_OUT_OF_SCOPE
                Zeus            | ''            | DELIVER
                """)
        void shouldDeliverOnlyFamiliesInScopeIgnoringCase(String families, String scoped, String expected) {
            PartnerAgreement a = agreement()
                    .setScope(scope().setMalwareFamilies(list(scoped)).build())
                    .build();

            Decision d =
                    decide(a, indicator().setMalwareFamilies(list(families)).build());

            if (expected.equals("DELIVER")) {
                assertThat(d).isInstanceOf(Decision.Deliver.class);
            } else {
                assertWithheld(d, expected);
            }
        }

        @Test
        void shouldDeliverOnlyCampaignsInScope() {
            PartnerAgreement a = agreement()
                    .setScope(scope().setCampaigns(list("tovar")).build())
                    .build();

            assertThat(decide(a, indicator().build())).isInstanceOf(Decision.Deliver.class);
            assertWithheld(
                    decide(a, indicator().setCampaigns(list("Other")).build()), AgreementPolicy.CAMPAIGN_OUT_OF_SCOPE);
            assertWithheld(
                    decide(a, indicator().setCampaigns(list("")).build()), AgreementPolicy.CAMPAIGN_OUT_OF_SCOPE);
        }

        @ParameterizedTest(name = "confidence {0} with minimum 60: {1}")
        @CsvSource({"59, BELOW_MINIMUM_CONFIDENCE", "60, DELIVER", "100, DELIVER", "0, BELOW_MINIMUM_CONFIDENCE"})
        void shouldWithholdBelowTheMinimumConfidence(int confidence, String expected) {
            PartnerAgreement a = agreement()
                    .setScope(scope().setMinimumConfidence(60).build())
                    .build();

            Decision d = decide(a, indicator().setConfidence(confidence).build());

            if (expected.equals("DELIVER")) {
                assertThat(d).isInstanceOf(Decision.Deliver.class);
            } else {
                assertWithheld(d, expected);
            }
        }

        @ParameterizedTest(name = "country {0} with scope [DE, FR]: {1}")
        @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
                DE | DELIVER
                fr | DELIVER
                US | COUNTRY_OUT_OF_SCOPE
                -  | COUNTRY_OUT_OF_SCOPE
                """)
        void shouldWithholdCountriesOutsideTheScopeAndIndicatorsWithoutCountry(String country, String expected) {
            PartnerAgreement a = agreement()
                    .setScope(scope().setCountries(list("DE,FR")).build())
                    .build();

            Decision d = decide(a, indicator().setCountry(country).build());

            if (expected.equals("DELIVER")) {
                assertThat(d).isInstanceOf(Decision.Deliver.class);
            } else {
                assertWithheld(d, expected);
            }
        }

        @Test
        void shouldDeliverIndicatorsWithoutCountryWhenTheScopeNamesNoCountries() {
            assertThat(decide(agreement().build(), indicator().setCountry(null).build()))
                    .isInstanceOf(Decision.Deliver.class);
        }

        @Test
        void shouldEmbargoUntilFirstSeenPlusTheEmbargo() {
            Instant firstSeen = NOW.minus(Duration.ofHours(2));
            PartnerAgreement a =
                    agreement().setEmbargoMillis(Duration.ofHours(6).toMillis()).build();
            Indicator i = indicator().setFirstSeen(firstSeen).build();

            assertThat(decide(a, i)).isEqualTo(new Decision.Embargoed(firstSeen.plus(Duration.ofHours(6))));
            assertThat(AgreementPolicy.decide(a, i, firstSeen.plus(Duration.ofHours(6))))
                    .isInstanceOf(Decision.Deliver.class);
        }

        @Test
        void shouldHoldBackAFirstSightingStampedAfterNowEvenWithoutEmbargo() {
            Instant ahead = NOW.plus(Duration.ofMinutes(2));

            assertThat(decide(
                            agreement().build(), indicator().setFirstSeen(ahead).build()))
                    .isEqualTo(new Decision.Embargoed(ahead));
        }

        @Test
        void shouldNotEmbargoWhatIsOutOfScopeAnyway() {
            PartnerAgreement a = agreement()
                    .setEmbargoMillis(Duration.ofHours(6).toMillis())
                    .setTlpCeiling(Tlp.CLEAR)
                    .build();

            assertWithheld(decide(a, indicator().setFirstSeen(NOW).build()), AgreementPolicy.ABOVE_TLP_CEILING);
        }

        @Test
        void shouldWithholdWhenTheEmbargoOutlastsTheAgreement() {
            PartnerAgreement a = agreement()
                    .setValidUntil(NOW.plus(Duration.ofHours(1)))
                    .setEmbargoMillis(Duration.ofHours(6).toMillis())
                    .build();

            assertWithheld(
                    decide(a, indicator().setFirstSeen(NOW).build()), AgreementPolicy.EMBARGO_OUTLASTS_AGREEMENT);
        }

        @Test
        void shouldWithholdUnderAMalformedAgreement() {
            assertWithheld(
                    decide(
                            agreement().setPartnerId("Not A Partner").build(),
                            indicator().build()),
                    AgreementPolicy.INVALID_AGREEMENT);
            assertWithheld(
                    decide(agreement().setEmbargoMillis(-1).build(), indicator().build()),
                    AgreementPolicy.INVALID_AGREEMENT);
        }

        @Test
        void shouldNeverDeliverAnUnknownLifecycleAction() {
            assertWithheld(
                    decide(
                            agreement().build(),
                            indicator().setAction(LifecycleAction.UNKNOWN).build()),
                    AgreementPolicy.UNKNOWN_ACTION);
        }

        @ParameterizedTest(name = "{0} is passed on as {0}")
        @ValueSource(strings = {"NEW", "UPDATE", "EXPIRE", "REVOKE"})
        void shouldPassTheLifecycleActionOn(LifecycleAction action) {
            assertThat(delivered(decide(
                                    agreement().build(),
                                    indicator().setAction(action).build()))
                            .getAction())
                    .isEqualTo(action);
        }
    }

    @Nested
    class Redacting {

        @Test
        void shouldDropVendorsSensorsAndVictimTagsByDefault() {
            PartnerIndicator r =
                    delivered(decide(agreement().build(), indicator().build()));

            assertThat(r.getVendors()).isEmpty();
            assertThat(r.getSensors()).isEmpty();
            assertThat(r.getTags()).containsExactly("banking-trojan", "c2");
        }

        @Test
        void shouldKeepAttributionSensorsAndTagsWhenTheAgreementAllows() {
            PartnerAgreement a = agreement()
                    .setRedaction(Redaction.newBuilder()
                            .setDropProviderAttribution(false)
                            .setDropSensorIds(false)
                            .setObfuscateAffectedParties(false)
                            .build())
                    .build();

            PartnerIndicator r = delivered(decide(a, indicator().build()));

            assertThat(r.getVendors()).containsExactly("acme-ids", "globex-sandbox");
            assertThat(r.getSensors()).containsExactly("acme-ids/fra-01", "globex-sandbox/sb-7");
            assertThat(r.getTags()).containsExactly("banking-trojan", "victim:Example Bank plc", "c2");
        }

        @Test
        void shouldRedactEachAspectIndependently() {
            PartnerAgreement a = agreement()
                    .setRedaction(Redaction.newBuilder()
                            .setDropProviderAttribution(false)
                            .setDropSensorIds(true)
                            .setObfuscateAffectedParties(true)
                            .build())
                    .build();

            PartnerIndicator r = delivered(decide(a, indicator().build()));

            assertThat(r.getVendors()).containsExactly("acme-ids", "globex-sandbox");
            assertThat(r.getSensors()).isEmpty();
        }

        @ParameterizedTest(name = "tag ''{0}'' names an affected party: {1}")
        @CsvSource(delimiter = '|', textBlock = """
                victim:Example Bank plc              | true
                Victim:someone                       | true
                affected:hospital-x                  | true
                target-org:Example AG                | true
                sector:finance                       | true
                misp-galaxy:sector="Finance"         | true
                banking-trojan                       | false
                misp-galaxy:threat-actor="X"         | false
                c2                                   | false
                victimology                          | false
                """)
        void shouldRecogniseTagsNamingAffectedParties(String tag, boolean expected) {
            assertThat(AgreementPolicy.namesAffectedParty(tag)).isEqualTo(expected);
        }

        @Test
        void shouldNotShareListsWithTheIndicator() {
            Indicator i = indicator().build();
            PartnerAgreement a = agreement()
                    .setRedaction(Redaction.newBuilder()
                            .setDropProviderAttribution(false)
                            .build())
                    .build();

            PartnerIndicator r = delivered(decide(a, i));
            r.getVendors().add("injected");
            r.getMalwareFamilies().add("injected");

            assertThat(i.getVendors()).doesNotContain("injected");
            assertThat(i.getMalwareFamilies()).doesNotContain("injected");
        }
    }

    @Nested
    class ScenarioAgreements {

        private final Path examples = Path.of("../examples/agreements");

        @Test
        void shouldDeliverShylockToOperationTovarWithoutProviderOrSensorNames() {
            PartnerAgreement nca = AgreementFiles.load(examples.resolve("nca-operation-tovar.yaml"));
            Instant during = Instant.parse("2027-01-15T10:00:00Z");

            PartnerIndicator r = delivered(AgreementPolicy.decide(
                    nca,
                    indicator()
                            .setTlp(Tlp.AMBER)
                            .setFirstSeen(during.minus(Duration.ofDays(1)))
                            .build(),
                    during));

            assertThat(r.getAgreementId()).isEqualTo("NCA-TOVAR-2026-11");
            assertThat(r.getVendors()).isEmpty();
            assertThat(r.getSensors()).isEmpty();
            assertWithheld(
                    AgreementPolicy.decide(
                            nca, indicator().setMalwareFamilies(list("Zeus")).build(), during),
                    AgreementPolicy.FAMILY_OUT_OF_SCOPE);
            assertWithheld(
                    AgreementPolicy.decide(nca, indicator().build(), Instant.parse("2027-05-01T00:00:00Z")),
                    AgreementPolicy.OUTSIDE_PERIOD);
        }

        @Test
        void shouldGiveInterpolGreenIndicatorsWithItsRedistributionRight() {
            PartnerAgreement interpol = AgreementFiles.load(examples.resolve("interpol.yaml"));

            PartnerIndicator r =
                    delivered(AgreementPolicy.decide(interpol, indicator().build(), NOW));

            assertThat(r.getRedistributionAllowed()).isTrue();
            assertThat(r.getRedistributionScope()).isEqualTo("INTERPOL member countries");
            assertWithheld(
                    AgreementPolicy.decide(
                            interpol, indicator().setTlp(Tlp.AMBER).build(), NOW),
                    AgreementPolicy.ABOVE_TLP_CEILING);
        }

        @Test
        void shouldGiveEuropolNoRawIndicatorsButCountsOfAtLeastFive() {
            PartnerAgreement ec3 = AgreementFiles.load(examples.resolve("europol-ec3.yaml"));

            assertWithheld(
                    AgreementPolicy.decide(ec3, indicator().setTlp(Tlp.CLEAR).build(), NOW),
                    AgreementPolicy.KIND_NOT_GRANTED);
            assertThat(AgreementPolicy.decideStatistic(ec3, family("Shylock", 5), NOW))
                    .isInstanceOf(StatisticDecision.Deliver.class);
            assertThat(AgreementPolicy.decideStatistic(ec3, family("Shylock", 4), NOW))
                    .isEqualTo(new StatisticDecision.Suppressed(4, 5));
        }
    }

    @Nested
    class InScope {

        @Test
        void shouldAllowWhatDecideWouldDeliverRegardlessOfDataKindPeriodAndEmbargo() {
            // Given an agreement granting only statistics, already ended, with a long embargo
            PartnerAgreement statisticsOnly = agreement()
                    .setDataKinds(new ArrayList<>(List.of(DataKind.STATISTICS)))
                    .setValidUntil(FROM.plusSeconds(1))
                    .setEmbargoMillis(Duration.ofDays(365).toMillis())
                    .build();

            // Then a GREEN indicator is in its scope, a RED one is not
            assertThat(AgreementPolicy.inScope(statisticsOnly, indicator().build()))
                    .isTrue();
            assertThat(AgreementPolicy.inScope(
                            statisticsOnly, indicator().setTlp(Tlp.RED).build()))
                    .isFalse();
        }

        @Test
        void shouldRefuseAnIndicatorOutsideTheScopesTypesFamiliesCampaignsConfidenceOrCountries() {
            Indicator shylock = indicator().build(); // DOMAIN, Shylock, Tovar, confidence 80, DE

            assertThat(AgreementPolicy.inScope(with(scope().setIndicatorTypes(List.of(IndicatorType.IPV4))), shylock))
                    .isFalse();
            assertThat(AgreementPolicy.inScope(with(scope().setMalwareFamilies(List.of("Emotet"))), shylock))
                    .isFalse();
            assertThat(AgreementPolicy.inScope(with(scope().setCampaigns(List.of("Other"))), shylock))
                    .isFalse();
            assertThat(AgreementPolicy.inScope(with(scope().setMinimumConfidence(90)), shylock))
                    .isFalse();
            assertThat(AgreementPolicy.inScope(with(scope().setCountries(List.of("FR"))), shylock))
                    .isFalse();
            assertThat(AgreementPolicy.inScope(
                            with(scope().setMalwareFamilies(List.of("shylock"))
                                    .setCampaigns(List.of("TOVAR"))
                                    .setCountries(List.of("de"))
                                    .setMinimumConfidence(80)),
                            shylock))
                    .isTrue();
        }

        @Test
        void shouldAllowNothingUnderAnAgreementWithoutScope() {
            PartnerAgreement noScope = agreement().build();
            noScope.setScope(null);
            assertThat(AgreementPolicy.inScope(noScope, indicator().build())).isFalse();
        }

        @Test
        void shouldGiveTheSameScopeKeyOnlyToAgreementsThatAllowTheSameIndicators() {
            PartnerAgreement a = with(scope().setMalwareFamilies(List.of("Shylock", "Emotet", "Shylock")));
            PartnerAgreement b = with(scope().setMalwareFamilies(List.of("Emotet", "Shylock")));
            b.setPartnerId("other-partner");
            b.setStatisticsMinimumCount(50);

            assertThat(AgreementPolicy.scopeKey(a))
                    .as("order, repeats and terms other than scope do not matter")
                    .isEqualTo(AgreementPolicy.scopeKey(b));
            PartnerAgreement red = with(scope().setMalwareFamilies(List.of("Emotet", "Shylock")));
            red.setTlpCeiling(Tlp.RED);
            assertThat(AgreementPolicy.scopeKey(red)).isNotEqualTo(AgreementPolicy.scopeKey(a));
            assertThat(AgreementPolicy.scopeKey(with(scope().setMinimumConfidence(1))))
                    .isNotEqualTo(AgreementPolicy.scopeKey(with(scope())));
        }

        private PartnerAgreement with(io.threatline.contract.AgreementScope.Builder scope) {
            return agreement().setScope(scope.build()).build();
        }
    }

    @Nested
    class Statistics {

        private final Instant start = Instant.parse("2026-05-31T00:00:00Z");
        private final Instant end = Instant.parse("2026-06-01T00:00:00Z");

        private PartnerAgreement granting(DataKind... kinds) {
            return agreement()
                    .setDataKinds(new ArrayList<>(List.of(kinds)))
                    .setStatisticsMinimumCount(5)
                    .build();
        }

        private StatisticInput trend(long count, long previous) {
            return new StatisticInput(
                    StatisticWindow.DAILY,
                    start,
                    end,
                    StatisticDimension.MALWARE_FAMILY,
                    "Shylock",
                    count,
                    previous,
                    (count - previous) / (double) previous);
        }

        @Test
        void shouldDeliverAPlainCountToAPartnerGrantedStatistics() {
            StatisticDecision d =
                    AgreementPolicy.decideStatistic(granting(DataKind.STATISTICS), family("Shylock", 7), NOW);

            assertThat(d).isInstanceOfSatisfying(StatisticDecision.Deliver.class, s -> {
                TrendStatistic t = s.statistic();
                assertThat(t.getPartnerId()).isEqualTo("cert-example");
                assertThat(t.getAgreementId()).isEqualTo("CERT-EX-1");
                assertThat(t.getAgreementVersion()).isEqualTo(4);
                assertThat(t.getCount()).isEqualTo(7);
                assertThat(t.getDimensionValue()).isEqualTo("Shylock");
                assertThat(t.getPreviousCount()).isNull();
            });
        }

        @Test
        void shouldSuppressCountsBelowTheMinimum() {
            assertThat(AgreementPolicy.decideStatistic(granting(DataKind.STATISTICS), family("Shylock", 4), NOW))
                    .isEqualTo(new StatisticDecision.Suppressed(4, 5));
        }

        @Test
        void shouldWithholdStatisticsFromAPartnerGrantedOnlyIndicators() {
            assertThat(AgreementPolicy.decideStatistic(granting(DataKind.INDICATORS), family("Shylock", 50), NOW))
                    .isInstanceOfSatisfying(
                            StatisticDecision.Withhold.class,
                            w -> assertThat(w.reasonCode()).isEqualTo(AgreementPolicy.KIND_NOT_GRANTED));
        }

        @Test
        void shouldDeliverTrendsToAPartnerGrantedTrends() {
            StatisticDecision d = AgreementPolicy.decideStatistic(granting(DataKind.TRENDS), trend(12, 6), NOW);

            assertThat(d).isInstanceOfSatisfying(StatisticDecision.Deliver.class, s -> {
                assertThat(s.statistic().getPreviousCount()).isEqualTo(6L);
                assertThat(s.statistic().getChangeRatio()).isEqualTo(1.0);
            });
        }

        @Test
        void shouldWithholdPlainCountsFromAPartnerGrantedOnlyTrends() {
            assertThat(AgreementPolicy.decideStatistic(granting(DataKind.TRENDS), family("Shylock", 50), NOW))
                    .isInstanceOfSatisfying(
                            StatisticDecision.Withhold.class,
                            w -> assertThat(w.reasonCode()).isEqualTo(AgreementPolicy.KIND_NOT_GRANTED));
        }

        @Test
        void shouldDeliverATrendAsAPlainCountToAPartnerGrantedOnlyStatistics() {
            StatisticDecision d = AgreementPolicy.decideStatistic(granting(DataKind.STATISTICS), trend(12, 6), NOW);

            assertThat(d).isInstanceOfSatisfying(StatisticDecision.Deliver.class, s -> {
                assertThat(s.statistic().getCount()).isEqualTo(12);
                assertThat(s.statistic().getPreviousCount()).isNull();
                assertThat(s.statistic().getChangeRatio()).isNull();
            });
        }

        @Test
        void shouldNotLeakAPreviousCountBelowTheMinimumThroughATrend() {
            StatisticDecision d =
                    AgreementPolicy.decideStatistic(granting(DataKind.STATISTICS, DataKind.TRENDS), trend(12, 2), NOW);

            assertThat(d).isInstanceOfSatisfying(StatisticDecision.Deliver.class, s -> {
                assertThat(s.statistic().getPreviousCount()).isNull();
                assertThat(s.statistic().getChangeRatio()).isNull();
            });
        }

        @Test
        void shouldWithholdStatisticsOutsideThePeriod() {
            assertThat(AgreementPolicy.decideStatistic(
                            granting(DataKind.STATISTICS), family("Shylock", 50), UNTIL.plusSeconds(1)))
                    .isInstanceOfSatisfying(
                            StatisticDecision.Withhold.class,
                            w -> assertThat(w.reasonCode()).isEqualTo(AgreementPolicy.OUTSIDE_PERIOD));
        }

        @ParameterizedTest(name = "{0} = {1} under the scope Shylock / [URL] / [DE]: {2}")
        @CsvSource(delimiter = '|', textBlock = """
                MALWARE_FAMILY | shylock | DELIVER
                MALWARE_FAMILY | Zeus    | FAMILY_OUT_OF_SCOPE
                INDICATOR_TYPE | URL     | DELIVER
                INDICATOR_TYPE | url     | DELIVER
                INDICATOR_TYPE | DOMAIN  | TYPE_OUT_OF_SCOPE
                INDICATOR_TYPE | bogus   | TYPE_OUT_OF_SCOPE
                COUNTRY        | DE      | DELIVER
                COUNTRY        | US      | COUNTRY_OUT_OF_SCOPE
                UNKNOWN        | x       | UNKNOWN_DIMENSION
                """)
        void shouldFilterDimensionValuesByScope(StatisticDimension dimension, String value, String expected) {
            PartnerAgreement a = agreement()
                    .setDataKinds(new ArrayList<>(List.of(DataKind.STATISTICS)))
                    .setScope(scope().setMalwareFamilies(list("Shylock"))
                            .setIndicatorTypes(new ArrayList<>(List.of(IndicatorType.URL)))
                            .setCountries(list("DE"))
                            .build())
                    .build();

            StatisticDecision d = AgreementPolicy.decideStatistic(
                    a, StatisticInput.count(StatisticWindow.HOURLY, start, end, dimension, value, 40), NOW);

            if (expected.equals("DELIVER")) {
                assertThat(d).isInstanceOf(StatisticDecision.Deliver.class);
            } else {
                assertThat(d)
                        .isInstanceOfSatisfying(
                                StatisticDecision.Withhold.class,
                                w -> assertThat(w.reasonCode()).isEqualTo(expected));
            }
        }

        @Test
        void shouldWithholdStatisticsWithoutAnAgreement() {
            assertThat(AgreementPolicy.decideStatistic(null, family("Shylock", 50), NOW))
                    .isInstanceOfSatisfying(
                            StatisticDecision.Withhold.class,
                            w -> assertThat(w.reasonCode()).isEqualTo(AgreementPolicy.NO_AGREEMENT));
        }
    }

    private static StatisticInput family(String family, long count) {
        return StatisticInput.count(
                StatisticWindow.DAILY,
                Instant.parse("2026-05-31T00:00:00Z"),
                Instant.parse("2026-06-01T00:00:00Z"),
                StatisticDimension.MALWARE_FAMILY,
                family,
                count);
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    @Test
    void shouldSayWhenAnAgreementsForceNextChanges() {
        PartnerAgreement a = Fixtures.agreement().build(); // 2026-01-01 to 2029-01-01
        assertThat(AgreementPolicy.nextChangeOfForce(a, Fixtures.FROM.minusSeconds(1)))
                .isEqualTo(Fixtures.FROM);
        assertThat(AgreementPolicy.nextChangeOfForce(a, Fixtures.NOW)).isEqualTo(Fixtures.UNTIL);
        assertThat(AgreementPolicy.nextChangeOfForce(a, Fixtures.UNTIL)).isNull();
        assertThat(AgreementPolicy.nextChangeOfForce(
                        Fixtures.agreement().setValidUntil(null).build(), Fixtures.NOW))
                .isNull();
        assertThat(AgreementPolicy.nextChangeOfForce(null, Fixtures.NOW)).isNull();
        // before the change the answer of inForce is the same all the way; at it, it differs
        assertThat(AgreementPolicy.inForce(a, Fixtures.UNTIL.minusMillis(1))).isTrue();
        assertThat(AgreementPolicy.inForce(a, Fixtures.UNTIL)).isFalse();
    }
}
