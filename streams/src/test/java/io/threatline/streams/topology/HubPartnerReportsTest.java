package io.threatline.streams.topology;

import static io.threatline.streams.topology.HubTestDriver.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.agreements.InboundPolicy;
import io.threatline.contract.DataKind;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.FalsePositiveReport;
import io.threatline.contract.FalsePositiveStatus;
import io.threatline.contract.InboundTerms;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.PartnerSighting;
import io.threatline.contract.ReceiptDirection;
import io.threatline.contract.ReportKind;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.streams.inbound.Suppressions;
import io.threatline.streams.validate.ValidateProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Partners reporting back through their inbound topics (docs/sharing-back.md), through the whole hub
 * topology: what each kind of report does, what an agreement that grants nothing does, that every
 * report is receipted, that suppression holds against sensors, and that no sensor may pass itself
 * off as a partner.
 */
class HubPartnerReportsTest {

    private static final String C2 = "c2.example.net";
    private HubTestDriver hub;
    private TestOutputTopic<String, PartnerIndicator> interpol;
    private TestOutputTopic<String, PartnerIndicator> nca;
    private TestOutputTopic<String, DeliveryReceipt> receipts;
    private TestOutputTopic<String, FalsePositiveReport> falsePositives;
    private TestOutputTopic<String, Suppression> suppressions;

    @BeforeEach
    void start() {
        hub = new HubTestDriver();
        // INTERPOL may report sightings and false positives (shared onwards at AMBER at most widely), and sees
        // partners' sighting counts; the national agency may report sightings, indicators and trusted false
        // positives; Europol EC3 reports nothing.
        PartnerAgreement interpolTerms = HubTestDriver.agreement("interpol", Tlp.AMBER);
        interpolTerms.setDataKinds(List.of(DataKind.INDICATORS, DataKind.SIGHTINGS));
        interpolTerms.setInbound(
                new InboundTerms(List.of(ReportKind.SIGHTING, ReportKind.FALSE_POSITIVE), Tlp.AMBER, false));
        PartnerAgreement ncaTerms = HubTestDriver.agreement("nca", Tlp.RED);
        ncaTerms.setInbound(new InboundTerms(
                List.of(ReportKind.SIGHTING, ReportKind.INDICATOR, ReportKind.FALSE_POSITIVE), Tlp.GREEN, true));
        hub.agreements.pipeInput("interpol", interpolTerms, T0);
        hub.agreements.pipeInput("nca", ncaTerms, T0);
        // Europol EC3 reports nothing, and sees partners' sighting counts up to GREEN.
        PartnerAgreement europolTerms = HubTestDriver.agreement("europol-ec3", Tlp.GREEN);
        europolTerms.setDataKinds(List.of(DataKind.INDICATORS, DataKind.SIGHTINGS));
        hub.agreements.pipeInput("europol-ec3", europolTerms, T0);
        interpol = hub.partner("interpol");
        nca = hub.partner("nca");
        receipts =
                hub.output(HubTestDriver.TOPICS.deliveryReceiptRequests(), hub.serdes.deliveryReceipt.deserializer());
        falsePositives =
                hub.output(HubTestDriver.TOPICS.falsePositives(), hub.serdes.falsePositiveReport.deserializer());
        suppressions = hub.output(HubTestDriver.TOPICS.suppressions(), hub.serdes.suppression.deserializer());
        hub.send(null, HubTestDriver.event("e1", IndicatorType.DOMAIN, C2, Tlp.GREEN, 80, "acme"), T0);
        assertThat(interpol.readValuesToList())
                .extracting(PartnerIndicator::getAction)
                .containsExactly(LifecycleAction.NEW);
        assertThat(nca.readValuesToList())
                .extracting(PartnerIndicator::getAction)
                .containsExactly(LifecycleAction.NEW);
        hub.indicators.readValuesToList();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void shouldCountAPartnersSightingsApartAndShowTheTotalOnlyToPartnersGrantedSightings() {
        hub.report("nca", report("r-1", ReportKind.SIGHTING, "c2[.]example[.]net", 3), T0.plusSeconds(10));
        hub.report("nca", report("r-2", ReportKind.SIGHTING, C2, 2), T0.plusSeconds(20));

        List<Indicator> changes = hub.indicators.readValuesToList();
        assertThat(changes)
                .extracting(Indicator::getAction)
                .containsExactly(LifecycleAction.UPDATE, LifecycleAction.UPDATE);
        Indicator last = changes.get(1);
        assertThat(last.getPartnerSightings())
                .extracting(PartnerSighting::getPartnerId, PartnerSighting::getCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("nca", 5L));
        assertThat(last.getSightings()).as("vendors' sightings untouched").isEqualTo(1L);
        assertThat(last.getVendors()).containsExactly("acme");

        // INTERPOL's agreement grants SIGHTINGS: it sees the total, and not who reported it.
        List<PartnerIndicator> toInterpol = interpol.readValuesToList();
        assertThat(toInterpol).extracting(PartnerIndicator::getPartnerSightings).containsExactly(3L, 5L);
        // The national agency's does not: its records carry none.
        assertThat(nca.readValuesToList())
                .extracting(PartnerIndicator::getPartnerSightings)
                .containsOnly(0L);

        // Sightings the agency marks AMBER are counted apart: INTERPOL (ceiling AMBER) sees them added, Europol
        // EC3 (GREEN) keeps seeing the GREEN ones only, and its count never drops.
        europol().readValuesToList();
        PartnerReport amber = report("r-3", ReportKind.SIGHTING, C2, 10);
        amber.setTlp(Tlp.AMBER);
        hub.report("nca", amber, T0.plusSeconds(30));
        assertThat(hub.indicators.readValuesToList())
                .singleElement()
                .satisfies(i -> assertThat(i.getPartnerSightings())
                        .extracting(PartnerSighting::getCount, PartnerSighting::getTlp)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(5L, Tlp.GREEN),
                                org.assertj.core.groups.Tuple.tuple(10L, Tlp.AMBER)));
        assertThat(interpol.readValuesToList())
                .extracting(PartnerIndicator::getPartnerSightings)
                .containsExactly(15L);
        assertThat(europol().readValuesToList())
                .extracting(PartnerIndicator::getPartnerSightings)
                .containsExactly(5L);
        // and one marked RED is not taken at all: RED forbids passing it on
        PartnerReport red = report("r-4", ReportKind.SIGHTING, C2, 1);
        red.setTlp(Tlp.RED);
        hub.report("nca", red, T0.plusSeconds(40));
        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(InboundPolicy.NOT_SHAREABLE);
        assertThat(hub.indicators.readValuesToList()).isEmpty();

        List<DeliveryReceipt> requests = receipts.readValuesToList();
        assertThat(requests.subList(0, 3)).allSatisfy(r -> {
            assertThat(r.getDirection()).isEqualTo(ReceiptDirection.INBOUND);
            assertThat(r.getPartnerId()).isEqualTo("nca");
            // by its keyed hash, never by value (docs/data-protection.md)
            assertThat(r.getRecordIds()).containsExactly(HubTestDriver.KEY.ref("domain:" + C2));
            assertThat(r.getChannelTarget()).isEqualTo(HubTestDriver.TOPICS.partnerInbound("nca"));
            assertThat(r.getAgreementId()).isEqualTo("mou-nca");
        });
    }

    @Test
    void shouldNeverCreateAnIndicatorFromASighting() {
        hub.report("nca", report("r-1", ReportKind.SIGHTING, "unknown.example.org", 1), T0.plusSeconds(10));
        assertThat(hub.indicators.readValuesToList()).isEmpty();
        assertThat(receipts.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldRefuseWhatTheAgreementDoesNotGrantWithADeadLetterAndAReceipt() {
        hub.report("europol-ec3", report("r-9", ReportKind.SIGHTING, C2, 1), T0.plusSeconds(10));
        hub.report("interpol", report("r-10", ReportKind.INDICATOR, "new.example.org", 1), T0.plusSeconds(11));
        hub.report("unknown-partner", report("r-11", ReportKind.SIGHTING, C2, 1), T0.plusSeconds(12));
        hub.report("nca", report("r-12", ReportKind.SIGHTING, C2, 0), T0.plusSeconds(13));

        assertThat(hub.indicators.readValuesToList()).isEmpty();
        List<DeadLetter> letters = hub.deadLetters.readValuesToList();
        assertThat(letters)
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(
                        InboundPolicy.NO_REPORTS,
                        InboundPolicy.REPORT_NOT_GRANTED,
                        InboundPolicy.NO_AGREEMENT,
                        InboundPolicy.INVALID_REPORT);
        assertThat(letters).allSatisfy(l -> assertThat(l.getStage()).isEqualTo("inbound"));
        assertThat(letters.get(0).getSourceTopic()).isEqualTo(HubTestDriver.TOPICS.partnerInbound("europol-ec3"));
        assertThat(receipts.readValuesToList())
                .extracting(r -> r.getRecordIds().get(0))
                .containsExactly(
                        "refused:" + InboundPolicy.NO_REPORTS + ":r-9",
                        "refused:" + InboundPolicy.REPORT_NOT_GRANTED + ":r-10",
                        "refused:" + InboundPolicy.NO_AGREEMENT + ":r-11",
                        "refused:" + InboundPolicy.INVALID_REPORT + ":r-12");
    }

    @Test
    void shouldRecordAnUntrustedFalsePositiveForTheOperatorAndChangeNothing() {
        PartnerReport fp = report("fp-1", ReportKind.FALSE_POSITIVE, C2, 1);
        fp.setComment("our sinkhole");
        hub.report("interpol", fp, T0.plusSeconds(10));

        List<TestRecord<String, FalsePositiveReport>> reports = falsePositives.readRecordsToList();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).key()).isEqualTo("domain:" + C2 + " interpol fp-1");
        assertThat(reports.get(0).value().getStatus()).isEqualTo(FalsePositiveStatus.OPEN);
        assertThat(reports.get(0).value().getComment()).isEqualTo("our sinkhole");
        assertThat(suppressions.readValuesToList()).isEmpty();
        assertThat(hub.indicators.readValuesToList()).isEmpty();
        assertThat(nca.readValuesToList()).isEmpty();
    }

    @Test
    void shouldSuppressAndRevokeOnATrustedFalsePositiveAndRefuseSensorsAfterwards() {
        hub.report("nca", report("fp-2", ReportKind.FALSE_POSITIVE, C2, 1), T0.plusSeconds(10));

        assertThat(falsePositives.readValuesToList()).singleElement().satisfies(f -> {
            assertThat(f.getStatus()).isEqualTo(FalsePositiveStatus.ACCEPTED);
            assertThat(f.getSuppressedByAgreement()).isTrue();
            assertThat(f.getDecidedBy()).isEqualTo("agreement:mou-nca");
        });
        assertThat(suppressions.readValuesToList())
                .singleElement()
                .satisfies(s -> assertThat(s.getIndicatorId()).isEqualTo("domain:" + C2));
        assertThat(interpol.readValuesToList())
                .extracting(PartnerIndicator::getAction)
                .containsExactly(LifecycleAction.REVOKE);
        assertThat(nca.readValuesToList())
                .extracting(PartnerIndicator::getAction)
                .containsExactly(LifecycleAction.REVOKE);
        assertThat(hub.indicators.readValuesToList())
                .extracting(Indicator::getAction)
                .containsExactly(LifecycleAction.REVOKE);

        // The suppression reaches the hub's global store as the topic does in a real deployment.
        hub.driver
                .createInputTopic(
                        HubTestDriver.TOPICS.suppressions(),
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        hub.serdes.suppression.serializer())
                .pipeInput("domain:" + C2, new Suppression("domain:" + C2, "fp", "agreement:mou-nca", T0), T0);
        hub.send(
                null,
                HubTestDriver.event("e2", IndicatorType.DOMAIN, C2, Tlp.GREEN, 90, "globex"),
                T0.plus(Duration.ofMinutes(1)));
        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(Suppressions.SUPPRESSED);
        assertThat(interpol.readValuesToList()).isEmpty();
        assertThat(hub.indicators.readValuesToList()).isEmpty();
    }

    @Test
    void shouldTakeNoSightingOrFalsePositiveAboutAnIndicatorThePartnerWasNotGiven() {
        // Only the national agency (ceiling RED) was given this one; INTERPOL (AMBER) was not.
        hub.send(null, HubTestDriver.event("e9", IndicatorType.DOMAIN, "secret.example.net", Tlp.RED, 90, "acme"), T0);
        assertThat(nca.readValuesToList()).hasSize(1);
        hub.indicators.readValuesToList();
        PartnerReport fp = report("fp-9", ReportKind.FALSE_POSITIVE, "secret.example.net", 1);
        hub.report("interpol", fp, T0.plusSeconds(10));
        hub.report("interpol", report("s-9", ReportKind.SIGHTING, "secret.example.net", 4), T0.plusSeconds(11));

        assertThat(falsePositives.readValuesToList()).isEmpty();
        assertThat(hub.indicators.readValuesToList()).isEmpty();
        assertThat(nca.readValuesToList()).isEmpty();
        assertThat(hub.counters.rejectedByReason())
                .containsEntry(io.threatline.streams.dedup.DedupProcessor.REPORT_NOT_HELD, 2L);
        // both still receipted: what the partner sent is on record
        assertThat(receipts.readValuesToList()).hasSize(2);
    }

    @Test
    void shouldMergeAPartnersIndicatorWithThePartnerAsSourceAtTheStricterTlp() {
        PartnerReport indicator = report("i-1", ReportKind.INDICATOR, "hxxp://drop.example.org/x", 1);
        indicator.setIndicatorType(IndicatorType.URL);
        indicator.setTlp(Tlp.CLEAR);
        indicator.setConfidence(90);
        hub.report("nca", indicator, T0.plusSeconds(10));

        Indicator made = hub.indicators.readValuesToList().get(0);
        assertThat(made.getAction()).isEqualTo(LifecycleAction.NEW);
        assertThat(made.getVendors()).containsExactly("partner:nca");
        assertThat(made.getTlp())
                .as("shared onwards at the agreement's share_as, stricter than CLEAR")
                .isEqualTo(Tlp.GREEN);
        assertThat(made.getConfidence()).isEqualTo(90);
    }

    @Test
    void shouldRefuseASensorThatPassesItselfOffAsAPartner() {
        ThreatEvent forged =
                HubTestDriver.event("e3", IndicatorType.DOMAIN, "x.example.org", Tlp.GREEN, 80, "partner:nca");
        hub.send(null, forged, T0.plusSeconds(5));
        ThreatEvent marked = HubTestDriver.event("e4", IndicatorType.DOMAIN, "y.example.org", Tlp.GREEN, 80, "acme");
        marked.setReport(new io.threatline.contract.ReportMark(ReportKind.SIGHTING, "nca", "r", 1000));
        hub.send(null, marked, T0.plusSeconds(6));
        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(ValidateProcessor.REPORT_MARK_FORBIDDEN, ValidateProcessor.REPORT_MARK_FORBIDDEN);
        assertThat(hub.indicators.readValuesToList()).isEmpty();
    }

    @Test
    void shouldDeadLetterAndReceiptAnEmptyAndAnOversizedReportUnread() {
        var inbound = hub.driver.createInputTopic(
                HubTestDriver.TOPICS.partnerInbound("nca"),
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        inbound.pipeInput(null, null, T0.plusSeconds(5));
        inbound.pipeInput(null, new byte[1024 * 1024], T0.plusSeconds(6));
        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(ValidateProcessor.EMPTY_RECORD, ValidateProcessor.RECORD_TOO_LARGE);
        assertThat(receipts.readValuesToList())
                .extracting(r -> r.getRecordIds().get(0))
                .containsExactly(
                        "refused:" + ValidateProcessor.EMPTY_RECORD + ":?",
                        "refused:" + ValidateProcessor.RECORD_TOO_LARGE + ":?");
        assertThat(hub.indicators.readValuesToList()).isEmpty();
    }

    @Test
    void shouldDeadLetterAndReceiptAnUnreadableReport() {
        String topic = HubTestDriver.TOPICS.partnerInbound("nca");
        hub.driver
                .createInputTopic(
                        topic,
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())
                .pipeInput(null, new byte[] {0, 0, 0, 0, 42, 1, 2}, T0.plusSeconds(5));
        assertThat(hub.deadLetters.readValuesToList())
                .extracting(DeadLetter::getReasonCode)
                .containsExactly(ValidateProcessor.DESERIALIZATION_FAILED);
        assertThat(receipts.readValuesToList())
                .singleElement()
                .satisfies(r -> assertThat(r.getRecordIds())
                        .containsExactly("refused:" + ValidateProcessor.DESERIALIZATION_FAILED + ":?"));
    }

    private TestOutputTopic<String, PartnerIndicator> europol() {
        return hub.partner("europol-ec3");
    }

    private static PartnerReport report(String id, ReportKind kind, String value, int count) {
        return PartnerReport.newBuilder()
                .setReportId(id)
                .setKind(kind)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue(value)
                .setCount(count)
                .setLastSeen(Instant.parse("2026-11-29T09:00:00Z"))
                .setTlp(Tlp.GREEN)
                .build();
    }
}
