package io.threatline.agreements;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.agreements.files.AgreementFiles;
import io.threatline.agreements.files.InvalidAgreementException;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.InboundTerms;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.Redaction;
import io.threatline.contract.ReportKind;
import io.threatline.contract.Tlp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a partner may report back, and at which TLP it goes onwards (docs/sharing-back.md). */
class InboundPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void shouldAdmitAGrantedReportAtTheStricterOfItsMarkingAndTheAgreements() {
        PartnerAgreement a = agreement(new InboundTerms(List.of(ReportKind.SIGHTING), Tlp.AMBER, false));
        assertThat(InboundPolicy.decide(a, report(ReportKind.SIGHTING, Tlp.CLEAR), NOW))
                .isEqualTo(new InboundPolicy.Admit(ReportKind.SIGHTING, Tlp.AMBER, false));
        PartnerAgreement green = agreement(new InboundTerms(List.of(ReportKind.SIGHTING), Tlp.GREEN, false));
        assertThat(InboundPolicy.decide(green, report(ReportKind.SIGHTING, Tlp.AMBER), NOW))
                .as("never more widely than the partner marked it")
                .isEqualTo(new InboundPolicy.Admit(ReportKind.SIGHTING, Tlp.AMBER, false));
        // RED and AMBER+STRICT forbid passing a report on: a sighting or an indicator so marked is not taken,
        // a false positive (which stays with the operators) is
        assertThat(code(a, report(ReportKind.SIGHTING, Tlp.RED))).isEqualTo(InboundPolicy.NOT_SHAREABLE);
        assertThat(code(a, report(ReportKind.SIGHTING, Tlp.AMBER_STRICT))).isEqualTo(InboundPolicy.NOT_SHAREABLE);
        PartnerAgreement fps = agreement(new InboundTerms(List.of(ReportKind.FALSE_POSITIVE), Tlp.AMBER, false));
        assertThat(InboundPolicy.decide(fps, report(ReportKind.FALSE_POSITIVE, Tlp.RED), NOW))
                .isEqualTo(new InboundPolicy.Admit(ReportKind.FALSE_POSITIVE, Tlp.RED, false));
    }

    @Test
    void shouldFailClosed() {
        PartnerAgreement sightingsOnly = agreement(new InboundTerms(List.of(ReportKind.SIGHTING), Tlp.AMBER, true));
        assertThat(code(null, report(ReportKind.SIGHTING, Tlp.GREEN))).isEqualTo(InboundPolicy.NO_AGREEMENT);
        assertThat(code(agreement(null), report(ReportKind.SIGHTING, Tlp.GREEN)))
                .isEqualTo(InboundPolicy.NO_REPORTS);
        assertThat(code(
                        agreement(new InboundTerms(List.of(), Tlp.AMBER, false)),
                        report(ReportKind.SIGHTING, Tlp.GREEN)))
                .isEqualTo(InboundPolicy.NO_REPORTS);
        assertThat(code(sightingsOnly, report(ReportKind.INDICATOR, Tlp.GREEN)))
                .isEqualTo(InboundPolicy.REPORT_NOT_GRANTED);
        assertThat(code(sightingsOnly, report(ReportKind.UNKNOWN, Tlp.GREEN))).isEqualTo(InboundPolicy.UNKNOWN_KIND);
        assertThat(code(sightingsOnly, report(ReportKind.SIGHTING, Tlp.UNKNOWN)))
                .isEqualTo(InboundPolicy.UNMARKED);
        PartnerAgreement ended = agreement(new InboundTerms(List.of(ReportKind.SIGHTING), Tlp.AMBER, false));
        ended.setValidUntil(NOW.minusSeconds(1));
        assertThat(code(ended, report(ReportKind.SIGHTING, Tlp.GREEN))).isEqualTo(AgreementPolicy.OUTSIDE_PERIOD);

        PartnerReport zero = report(ReportKind.SIGHTING, Tlp.GREEN);
        zero.setCount(0);
        assertThat(code(sightingsOnly, zero)).isEqualTo(InboundPolicy.INVALID_REPORT);
        PartnerReport huge = report(ReportKind.SIGHTING, Tlp.GREEN);
        huge.setCount(InboundPolicy.MAX_COUNT + 1);
        assertThat(code(sightingsOnly, huge)).isEqualTo(InboundPolicy.INVALID_REPORT);
        PartnerReport longId = report(ReportKind.SIGHTING, Tlp.GREEN);
        longId.setReportId("x".repeat(257));
        assertThat(code(sightingsOnly, longId)).isEqualTo(InboundPolicy.INVALID_REPORT);
        PartnerReport longComment = report(ReportKind.SIGHTING, Tlp.GREEN);
        longComment.setComment("x".repeat(1025));
        assertThat(code(sightingsOnly, longComment)).isEqualTo(InboundPolicy.INVALID_REPORT);
        PartnerReport future = report(ReportKind.SIGHTING, Tlp.GREEN);
        future.setLastSeen(NOW.plus(InboundPolicy.MAX_AHEAD).plusSeconds(1));
        assertThat(code(sightingsOnly, future)).isEqualTo(InboundPolicy.INVALID_REPORT);
        PartnerReport backwards = report(ReportKind.SIGHTING, Tlp.GREEN);
        backwards.setFirstSeen(backwards.getLastSeen().plusSeconds(1));
        assertThat(code(sightingsOnly, backwards)).isEqualTo(InboundPolicy.INVALID_REPORT);
    }

    @Test
    void shouldSuppressAtOnceOnlyWhereTheAgreementTrustsThePartner() {
        PartnerReport fp = report(ReportKind.FALSE_POSITIVE, Tlp.GREEN);
        assertThat(InboundPolicy.decide(
                        agreement(new InboundTerms(List.of(ReportKind.FALSE_POSITIVE), Tlp.GREEN, true)), fp, NOW))
                .isEqualTo(new InboundPolicy.Admit(ReportKind.FALSE_POSITIVE, Tlp.GREEN, true));
        assertThat(InboundPolicy.decide(
                        agreement(new InboundTerms(List.of(ReportKind.FALSE_POSITIVE), Tlp.GREEN, false)), fp, NOW))
                .isEqualTo(new InboundPolicy.Admit(ReportKind.FALSE_POSITIVE, Tlp.GREEN, false));
    }

    @Test
    void shouldReadAndWriteTheInboundTermsOfAnAgreementFile() throws Exception {
        String head = """
                partner_id: interpol
                partner_name: INTERPOL
                agreement_id: MOU-1
                version: 1
                valid_from: 2026-01-01
                data_kinds: [indicators, sightings]
                tlp_ceiling: TLP:GREEN
                """;
        PartnerAgreement a = AgreementFiles.parse(
                head + "inbound:\n  reports: [sighting, false_positive]\n  share_as: TLP:AMBER\n", "a.yaml");
        assertThat(a.getInbound())
                .isEqualTo(new InboundTerms(List.of(ReportKind.SIGHTING, ReportKind.FALSE_POSITIVE), Tlp.AMBER, false));
        assertThat(a.getDataKinds()).containsExactly(DataKind.INDICATORS, DataKind.SIGHTINGS);
        assertThat(AgreementFiles.parse(AgreementFiles.toYaml(a), "again.yaml")).isEqualTo(a);
        assertThat(AgreementFiles.parse(head, "none.yaml").getInbound()).isNull();

        assertThat(problem(head + "inbound:\n  reports: [gossip]\n  share_as: TLP:AMBER\n"))
                .contains("inbound.reports[0]")
                .contains("'gossip' is not a kind of report");
        assertThat(problem(head + "inbound:\n  reports: [sighting]\n")).contains("share_as");
        assertThat(problem(head + "inbound:\n  reports: [sighting]\n  share_as: TLP:WHITE\n"))
                .contains("not a TLP 2.0 label");
        assertThat(problem(head + "inbound:\n  reports: [sighting]\n  share_as: TLP:RED\n"))
                .contains("TLP:RED forbids sharing reports onwards");
        assertThat(problem(head + "inbound:\n  reports: [sighting]\n  share_as: TLP:AMBER\n  sharre: x\n"))
                .contains("sharre");
        assertThat(problem(head.replace("[indicators, sightings]", "[sightings]")))
                .contains("grant indicators too");

        // The example agreements of the scenario: INTERPOL and the national agency report back, Europol EC3 does not.
        Path examples = Path.of("../examples/agreements");
        assertThat(examples).isDirectory();
        assertThat(AgreementFiles.parse(Files.readString(examples.resolve("interpol.yaml")), "interpol.yaml")
                        .getInbound()
                        .getReports())
                .containsExactly(ReportKind.SIGHTING, ReportKind.FALSE_POSITIVE);
        assertThat(AgreementFiles.parse(
                                Files.readString(examples.resolve("nca-operation-tovar.yaml")),
                                "nca-operation-tovar.yaml")
                        .getInbound()
                        .getReports())
                .containsExactly(ReportKind.SIGHTING, ReportKind.FALSE_POSITIVE);
        assertThat(AgreementFiles.parse(Files.readString(examples.resolve("europol-ec3.yaml")), "europol-ec3.yaml")
                        .getInbound())
                .isNull();
    }

    private static String problem(String yaml) {
        try {
            AgreementFiles.parse(yaml, "bad.yaml");
        } catch (InvalidAgreementException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    private static String code(PartnerAgreement a, PartnerReport r) {
        return ((InboundPolicy.Refuse) InboundPolicy.decide(a, r, NOW)).code();
    }

    private static PartnerReport report(ReportKind kind, Tlp tlp) {
        return PartnerReport.newBuilder()
                .setReportId("r-1")
                .setKind(kind)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue("c2.example.net")
                .setLastSeen(NOW.minusSeconds(60))
                .setTlp(tlp)
                .build();
    }

    private static PartnerAgreement agreement(InboundTerms inbound) {
        return PartnerAgreement.newBuilder()
                .setPartnerId("interpol")
                .setPartnerName("INTERPOL")
                .setAgreementId("MOU-1")
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(Tlp.GREEN)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .setInbound(inbound)
                .build();
    }
}
