package io.threatline.agreements;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test data: a permissive agreement and a typical Shylock indicator, to be narrowed per test. */
final class Fixtures {

    static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2029-01-01T00:00:00Z");
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private Fixtures() {}

    static PartnerAgreement.Builder agreement() {
        return PartnerAgreement.newBuilder()
                .setPartnerId("cert-example")
                .setPartnerName("CERT Example")
                .setAgreementId("CERT-EX-1")
                .setVersion(4)
                .setValidFrom(FROM)
                .setValidUntil(UNTIL)
                .setDataKinds(new ArrayList<>(List.of(DataKind.INDICATORS)))
                .setTlpCeiling(Tlp.AMBER)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .setRedistributionAllowed(true)
                .setRedistributionScope("national CSIRTs");
    }

    static AgreementScope.Builder scope() {
        return AgreementScope.newBuilder();
    }

    static Indicator.Builder indicator() {
        Instant firstSeen = NOW.minus(Duration.ofDays(2));
        return Indicator.newBuilder()
                .setId("domain:shylock-c2.example")
                .setType(IndicatorType.DOMAIN)
                .setValue("shylock-c2.example")
                .setAction(LifecycleAction.NEW)
                .setFirstSeen(firstSeen)
                .setLastSeen(NOW.minus(Duration.ofHours(1)))
                .setSightings(12)
                .setVendors(new ArrayList<>(List.of("acme-ids", "globex-sandbox")))
                .setSensors(new ArrayList<>(List.of("acme-ids/fra-01", "globex-sandbox/sb-7")))
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .setMalwareFamilies(new ArrayList<>(List.of("Shylock")))
                .setCampaigns(new ArrayList<>(List.of("Tovar")))
                .setTags(new ArrayList<>(List.of("banking-trojan", "victim:Example Bank plc", "c2")))
                .setKillChainPhases(new ArrayList<>(List.of(KillChainPhase.COMMAND_AND_CONTROL)))
                .setCountry("DE")
                .setAsn(64500L)
                .setAsOrganization("Example Hosting GmbH")
                .setScore(70)
                .setUpdatedAt(NOW.minus(Duration.ofMinutes(5)))
                .setExpiresAt(NOW.plus(Duration.ofDays(30)));
    }
}
