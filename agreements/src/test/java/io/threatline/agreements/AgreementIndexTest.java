package io.threatline.agreements;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgreementIndexTest {

    private static final Instant NOW = Fixtures.NOW;

    @Test
    void shouldOfferOnlyTheAgreementsThatSelectTheIndicatorsTypeFamilyAndTlpInTheirOrder() {
        List<PartnerAgreement> agreements = List.of(
                agreement("any", Tlp.AMBER, List.of(), List.of(), DataKind.INDICATORS),
                agreement("shylock", Tlp.AMBER, List.of(), List.of("Shylock"), DataKind.INDICATORS),
                agreement("emotet", Tlp.AMBER, List.of(), List.of("Emotet"), DataKind.INDICATORS),
                agreement("domains", Tlp.RED, List.of(IndicatorType.DOMAIN), List.of(), DataKind.INDICATORS),
                agreement("green", Tlp.GREEN, List.of(), List.of(), DataKind.INDICATORS),
                agreement("statistics", Tlp.RED, List.of(), List.of(), DataKind.STATISTICS));
        AgreementIndex index = AgreementIndex.of(agreements);

        assertThat(partners(index, indicator(IndicatorType.IPV4, Tlp.AMBER, "SHYLOCK")))
                .containsExactly("any", "shylock");
        assertThat(partners(index, indicator(IndicatorType.DOMAIN, Tlp.GREEN, "emotet")))
                .containsExactly("any", "emotet", "domains", "green");
        assertThat(partners(index, indicator(IndicatorType.DOMAIN, Tlp.RED))).containsExactly("domains");
        assertThat(partners(index, indicator(IndicatorType.UNKNOWN, Tlp.CLEAR))).isEmpty();
    }

    @Test
    void shouldKeepEveryFamilyScopedAgreementWhenAFamilyNameIsNotPlainAscii() {
        // "\u212A" (KELVIN SIGN) equalsIgnoreCase "k": the index cannot tell by lower-casing, so it keeps them.
        AgreementIndex index = AgreementIndex.of(List.of(
                agreement("kelihos", Tlp.AMBER, List.of(), List.of("Kelihos"), DataKind.INDICATORS),
                agreement("kelvin", Tlp.AMBER, List.of(), List.of("\u212Aelihos"), DataKind.INDICATORS)));
        Indicator kelvin = indicator(IndicatorType.IPV4, Tlp.GREEN, "\u212Aelihos");
        assertThat(partners(index, kelvin)).containsExactly("kelihos", "kelvin");
        assertThat(AgreementPolicy.decide(index.all().get(0), kelvin, NOW)).isInstanceOf(Decision.Deliver.class);
        assertThat(partners(index, indicator(IndicatorType.IPV4, Tlp.GREEN, "kelihos")))
                .containsExactly("kelihos", "kelvin");
        assertThat(partners(index, indicator(IndicatorType.IPV4, Tlp.GREEN, "zeus")))
                .containsExactly("kelvin");
    }

    private static List<String> partners(AgreementIndex index, Indicator indicator) {
        return index.candidateAgreements(indicator).stream()
                .map(PartnerAgreement::getPartnerId)
                .toList();
    }

    private static PartnerAgreement agreement(
            String partner, Tlp ceiling, List<IndicatorType> types, List<String> families, DataKind kind) {
        return Fixtures.agreement()
                .setPartnerId(partner)
                .setTlpCeiling(ceiling)
                .setDataKinds(List.of(kind))
                .setScope(AgreementScope.newBuilder()
                        .setIndicatorTypes(types)
                        .setMalwareFamilies(families)
                        .build())
                .build();
    }

    private static Indicator indicator(IndicatorType type, Tlp tlp, String... families) {
        return Fixtures.indicator()
                .setType(type)
                .setTlp(tlp)
                .setMalwareFamilies(List.of(families))
                .build();
    }
}
