package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgreementVersionsTest {

    static PartnerAgreement agreement(String partner, int version, Tlp ceiling) {
        return PartnerAgreement.newBuilder()
                .setPartnerId(partner)
                .setPartnerName(partner.toUpperCase())
                .setAgreementId(partner + "-MOU")
                .setVersion(version)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(ceiling)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .build();
    }

    private static AgreementHistory.Entry applied(PartnerAgreement a, String at) {
        return new AgreementHistory.Entry(Instant.parse(at), 0, AgreementHistory.applied(a, "alice"));
    }

    private static AgreementHistory.Entry ended(String partner, String at) {
        return new AgreementHistory.Entry(Instant.parse(at), 0, AgreementHistory.ended(partner, "bob"));
    }

    @Test
    void shouldApplyTheFirstVersionAndAGreaterOne() {
        // Given a partner without history, and one whose latest is version 1
        List<AgreementHistory.Entry> v1 = List.of(applied(agreement("acme", 1, Tlp.GREEN), "2026-02-01T00:00:00Z"));

        // When version 1, then version 2 with another ceiling, are decided
        // Then both are applied
        assertThat(AgreementVersions.decide(List.of(), agreement("acme", 1, Tlp.GREEN))
                        .outcome())
                .isEqualTo(AgreementVersions.Outcome.APPLY);
        assertThat(AgreementVersions.decide(v1, agreement("acme", 2, Tlp.AMBER)).outcome())
                .isEqualTo(AgreementVersions.Outcome.APPLY);
    }

    @Test
    void shouldCallTheLatestVersionWithTheSameTermsUnchanged() {
        // Given a partner whose latest version is 2
        List<AgreementHistory.Entry> history = List.of(
                applied(agreement("acme", 1, Tlp.GREEN), "2026-02-01T00:00:00Z"),
                applied(agreement("acme", 2, Tlp.AMBER), "2026-03-01T00:00:00Z"));

        // When version 2 is applied again with the same terms, its valid-from given finer than a millisecond
        PartnerAgreement again = PartnerAgreement.newBuilder(agreement("acme", 2, Tlp.AMBER))
                .setValidFrom(Instant.parse("2026-01-01T00:00:00.000000300Z"))
                .build();
        AgreementVersions.Decision decision = AgreementVersions.decide(history, again);

        // Then nothing changes, and the decision names when those terms took effect
        assertThat(decision.outcome()).isEqualTo(AgreementVersions.Outcome.UNCHANGED);
        assertThat(decision.latest())
                .get()
                .extracting(AgreementHistory.Entry::at)
                .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void shouldRefuseTheLatestVersionWithOtherTermsNamingThePartnerAndBothVersions() {
        // Given a partner whose latest version is 2 with ceiling AMBER
        List<AgreementHistory.Entry> history =
                List.of(applied(agreement("acme", 2, Tlp.AMBER), "2026-03-01T00:00:00Z"));

        // When version 2 comes with ceiling RED
        AgreementVersions.Decision decision = AgreementVersions.decide(history, agreement("acme", 2, Tlp.RED));

        // Then it is refused, saying which version to give instead
        assertThat(decision.outcome()).isEqualTo(AgreementVersions.Outcome.REFUSED);
        assertThat(decision.reason())
                .contains(
                        "partner acme", "version 2 has other terms than version 2", "give the changed terms version 3");
    }

    @Test
    void shouldRefuseAnOlderVersionEvenWithItsOwnTerms() {
        // Given a partner whose versions 1 and 2 are in the history
        PartnerAgreement v1 = agreement("acme", 1, Tlp.GREEN);
        List<AgreementHistory.Entry> history = List.of(
                applied(v1, "2026-02-01T00:00:00Z"), applied(agreement("acme", 2, Tlp.AMBER), "2026-03-01T00:00:00Z"));

        // When version 1 is applied again, identical to what it was
        AgreementVersions.Decision decision = AgreementVersions.decide(history, v1);

        // Then it is refused: it would put old terms back in force under no new version
        assertThat(decision.outcome()).isEqualTo(AgreementVersions.Outcome.REFUSED);
        assertThat(decision.reason()).contains("partner acme", "version 1 is older than version 2", "version 3");
    }

    @Test
    void shouldApplyTheLatestVersionAgainAfterAnEndWhenItsTermsAreTheSame() {
        // Given a partner whose version 2 was ended
        PartnerAgreement v2 = agreement("acme", 2, Tlp.AMBER);
        List<AgreementHistory.Entry> history =
                List.of(applied(v2, "2026-03-01T00:00:00Z"), ended("acme", "2026-04-01T00:00:00Z"));

        // When version 2 is applied again, same terms, and when version 2 comes with other terms
        // Then the first is in force again (a new entry) and the second is refused
        assertThat(AgreementVersions.decide(history, v2).outcome()).isEqualTo(AgreementVersions.Outcome.APPLY_AGAIN);
        assertThat(AgreementVersions.decide(history, agreement("acme", 2, Tlp.RED))
                        .outcome())
                .isEqualTo(AgreementVersions.Outcome.REFUSED);
    }

    @Test
    void shouldJudgeTwoAgreementsOfOnePartnerInOneApplyOneAfterTheOtherAndRefuseAllWhenOneIsRefused() throws Exception {
        // Given an empty history
        // When one apply carries acme v1 and then acme v1 with another ceiling, and another carries v1 then v2
        List<PartnerAgreement> conflicting = List.of(agreement("acme", 1, Tlp.GREEN), agreement("acme", 1, Tlp.RED));
        List<PartnerAgreement> growing =
                new ArrayList<>(List.of(agreement("acme", 1, Tlp.GREEN), agreement("acme", 2, Tlp.RED)));

        // Then the first is refused as a whole, naming the partner, and the second applies both
        assertThatThrownBy(() -> AgreementVersions.decideAll(Map.of(), Map.of(), conflicting))
                .isInstanceOf(AgreementVersions.RefusedException.class)
                .hasMessageContaining("partner acme: version 1 has other terms");
        assertThat(AgreementVersions.decideAll(Map.of(), Map.of(), growing))
                .extracting(AgreementVersions.Decision::outcome)
                .containsExactly(AgreementVersions.Outcome.APPLY, AgreementVersions.Outcome.APPLY);
    }

    @Test
    void shouldHoldAnAgreementAppliedBeforeTheHistoryExistedToTheSameRule() throws Exception {
        // Given no history, and acme's version 3 with ceiling AMBER in the agreements topic (applied before the history
        // was kept)
        Map<String, PartnerAgreement> inForce = Map.of("acme", agreement("acme", 3, Tlp.AMBER));

        // When version 3 comes with ceiling RED, version 2, version 3 as it is, and version 4
        // Then the first two are refused naming the partner and both versions; the same terms and a greater version are
        // applied
        assertThatThrownBy(() -> AgreementVersions.decideAll(Map.of(), inForce, List.of(agreement("acme", 3, Tlp.RED))))
                .isInstanceOf(AgreementVersions.RefusedException.class)
                .hasMessageContaining("partner acme: version 3 has other terms than version 3, the one in force");
        assertThatThrownBy(
                        () -> AgreementVersions.decideAll(Map.of(), inForce, List.of(agreement("acme", 2, Tlp.AMBER))))
                .isInstanceOf(AgreementVersions.RefusedException.class)
                .hasMessageContaining("version 2 is older than version 3");
        assertThat(AgreementVersions.decideAll(
                        Map.of(), inForce, List.of(agreement("acme", 3, Tlp.AMBER), agreement("acme", 4, Tlp.RED))))
                .extracting(AgreementVersions.Decision::outcome)
                .containsExactly(AgreementVersions.Outcome.APPLY, AgreementVersions.Outcome.APPLY);
    }
}
