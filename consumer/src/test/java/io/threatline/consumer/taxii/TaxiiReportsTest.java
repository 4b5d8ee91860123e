package io.threatline.consumer.taxii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.threatline.agreements.InboundPolicy;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.InboundTerms;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.Redaction;
import io.threatline.contract.ReportKind;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.StixTlpIds;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * How the TAXII server reads a partner's posted envelope (docs/sharing-back.md), with a mock producer
 * in place of the broker: what each object becomes, its TLP, what the agreement refuses, the limits.
 * The sighting and opinion objects, which need the partner's collection, are covered against a real
 * broker by {@code SharingBackIT} in the app module.
 */
class TaxiiReportsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final ThreatlineTopics TOPICS = ThreatlineTopics.defaults();

    private final MockProducer<String, PartnerReport> producer =
            new MockProducer<>(true, null, new StringSerializer(), (Serializer<PartnerReport>) (t, r) -> new byte[0]);
    private final TaxiiReports reports = new TaxiiReports(producer, TOPICS, null, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldWriteAGrantedIndicatorToThePartnersInboundTopicAtTheStricterTlp() throws Exception {
        JsonNode status =
                post(partner(List.of(ReportKind.INDICATOR), Tlp.GREEN), """
                {"objects": [
                  {"type": "indicator", "spec_version": "2.1", "id": "indicator--a", "modified": "2026-12-01T09:00:00Z",
                   "pattern": "[domain-name:value = 'c2.example.net']", "pattern_type": "stix", "confidence": 85,
                   "object_marking_refs": ["%s"]},
                  {"type": "indicator", "spec_version": "2.1", "id": "indicator--b",
                   "pattern": "[url:value = 'http://drop.example.org/x']", "pattern_type": "stix"}
                ]}""".formatted(StixTlpIds.TLP2.get(Tlp.AMBER)));

        assertThat(status.path("success_count").asInt()).as(status.toString()).isEqualTo(2);
        assertThat(status.path("failure_count").asInt()).isZero();
        assertThat(producer.history())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.topic()).isEqualTo(TOPICS.partnerInbound("nca")));
        PartnerReport marked = producer.history().get(0).value();
        assertThat(marked.getKind()).isEqualTo(ReportKind.INDICATOR);
        assertThat(marked.getIndicatorType()).isEqualTo(IndicatorType.DOMAIN);
        assertThat(marked.getIndicatorValue()).isEqualTo("c2.example.net");
        assertThat(marked.getConfidence()).isEqualTo(85);
        assertThat(marked.getTlp())
                .as("its own marking, stricter than share_as")
                .isEqualTo(Tlp.AMBER);
        assertThat(marked.getReportId()).isEqualTo("indicator--a");
        assertThat(marked.getLastSeen()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
        PartnerReport unmarked = producer.history().get(1).value();
        assertThat(unmarked.getTlp()).as("unmarked: the agreement's share_as").isEqualTo(Tlp.GREEN);
        assertThat(unmarked.getConfidence()).isEqualTo(50);
        assertThat(unmarked.getLastSeen()).isEqualTo(NOW);
    }

    @Test
    void shouldFailWhatCannotBeTakenAndGoOnWithTheRest() throws Exception {
        JsonNode status = post(partner(List.of(ReportKind.SIGHTING), Tlp.AMBER), """
                {"objects": [
                  {"type": "indicator", "id": "indicator--not-granted", "pattern": "[domain-name:value = 'a.example']"},
                  {"type": "malware", "id": "malware--x"},
                  {"type": "sighting", "id": "sighting--x", "sighting_of_ref": "malware--y"},
                  {"type": "opinion", "id": "opinion--x", "opinion": "agree", "object_refs": ["indicator--z"]},
                  {"id": "no-type"},
                  {"type": "indicator"}
                ]}""");

        assertThat(status.path("success_count").asInt()).isZero();
        assertThat(status.path("failure_count").asInt()).isEqualTo(6);
        assertThat(status.path("failures"))
                .extracting(f -> f.path("message").asText())
                .satisfiesExactly(
                        m -> assertThat(m).startsWith(InboundPolicy.REPORT_NOT_GRANTED),
                        m -> assertThat(m).contains("type 'malware' are not taken"),
                        m -> assertThat(m).contains("is not an indicator id"),
                        m -> assertThat(m).contains("only an opinion that disagrees"),
                        m -> assertThat(m).contains("type '' are not taken"),
                        m -> assertThat(m).contains("needs an id"));
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseAPatternOfMoreThanOneValueAndAPartnerWithoutReports() throws Exception {
        JsonNode status = post(partner(List.of(ReportKind.INDICATOR), Tlp.GREEN), """
                {"objects": [{"type": "indicator", "id": "indicator--c",
                  "pattern": "[domain-name:value = 'a.example'] OR [domain-name:value = 'b.example']"}]}""");
        assertThat(status.path("failures").get(0).path("message").asText()).contains("one value");

        JsonNode none = post(partner(List.of(), Tlp.GREEN), """
                {"objects": [{"type": "indicator", "id": "indicator--d", "pattern": "[domain-name:value = 'a.example']"}]}""");
        assertThat(none.path("failures").get(0).path("message").asText()).startsWith(InboundPolicy.NO_REPORTS);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldRefuseBodiesThatAreNotEnvelopesOrTooLarge() {
        TaxiiPartner nca = partner(List.of(ReportKind.INDICATOR), Tlp.GREEN);
        assertThatThrownBy(() -> reports.post(nca, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        TaxiiRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> reports.post(nca, "{\"objects\": {}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        TaxiiRequestException.class, e -> assertThat(e.status()).isEqualTo(400));
        String many = "{\"objects\": [" + "{},".repeat(TaxiiReports.MAX_OBJECTS) + "{}]}";
        assertThatThrownBy(() -> reports.post(nca, many.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        TaxiiRequestException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void shouldRefuseAMarkingItCannotReadAndKeepStatusesSmall() throws Exception {
        JsonNode status = post(
                partner(List.of(ReportKind.INDICATOR), Tlp.GREEN), """
                {"objects": [
                  {"type": "indicator", "id": "indicator--e", "pattern": "[domain-name:value = 'a.example']",
                   "object_marking_refs": ["marking-definition--00000000-0000-4000-8000-000000000000"]},
                  {"type": "indicator", "id": "indicator--f", "pattern": "[domain-name:value = 'b.example']",
                   "granular_markings": [{"selectors": ["pattern"], "marking_ref": "x"}]},
                  {"type": "%s", "id": "%s"}
                ]}""".formatted("x".repeat(5000), "y".repeat(5000)));
        assertThat(status.path("failures"))
                .extracting(f -> f.path("message").asText())
                .satisfiesExactly(
                        m -> assertThat(m).contains("is not a TLP marking this server knows"),
                        m -> assertThat(m).contains("granular markings are not taken"),
                        m -> assertThat(m).contains("needs an id"));
        assertThat(status.toString().length())
                .as("a status repeats little of what was posted")
                .isLessThan(2_000);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldKeepAtMostAHundredStatusesPerPartner() throws Exception {
        TaxiiPartner nca = partner(List.of(ReportKind.INDICATOR), Tlp.GREEN);
        String first = post(nca, "{\"objects\": []}").path("id").asText();
        for (int i = 0; i < TaxiiReports.MAX_STATUSES_PER_PARTNER; i++) {
            post(nca, "{\"objects\": []}");
        }
        assertThat(reports.status("nca", first)).as("the oldest gave way").isEmpty();
    }

    @Test
    void shouldShowAStatusOnlyToThePartnerThatPosted() throws Exception {
        JsonNode status = post(partner(List.of(ReportKind.INDICATOR), Tlp.GREEN), "{\"objects\": []}");
        String id = status.path("id").asText();
        assertThat(reports.status("nca", id)).isPresent();
        assertThat(reports.status("interpol", id)).isEmpty();
        assertThat(reports.status("nca", "no-such-status")).isEmpty();
    }

    private JsonNode post(TaxiiPartner partner, String body) throws Exception {
        return reports.post(partner, body.getBytes(StandardCharsets.UTF_8));
    }

    private static TaxiiPartner partner(List<ReportKind> kinds, Tlp shareAs) {
        PartnerAgreement agreement = PartnerAgreement.newBuilder()
                .setPartnerId("nca")
                .setPartnerName("NCA")
                .setAgreementId("MOU-NCA")
                .setVersion(1)
                .setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setDataKinds(List.of(DataKind.INDICATORS))
                .setTlpCeiling(Tlp.AMBER)
                .setScope(AgreementScope.newBuilder().build())
                .setRedaction(Redaction.newBuilder().build())
                .setInbound(new InboundTerms(kinds, shareAs, false))
                .build();
        return new TaxiiPartner(
                "nca",
                "NCA",
                Set.of(TaxiiCollection.INDICATORS, TaxiiCollection.REPORTS),
                PasswordVerifier.of("pw"),
                agreement);
    }
}
