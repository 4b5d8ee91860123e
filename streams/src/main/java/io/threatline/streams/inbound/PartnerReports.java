package io.threatline.streams.inbound;

import io.threatline.agreements.InboundPolicy;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.FalsePositiveReport;
import io.threatline.contract.FalsePositiveStatus;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.OffsetRange;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.ReceiptDirection;
import io.threatline.contract.ReportKind;
import io.threatline.contract.ReportMark;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import io.threatline.schemas.Result;
import io.threatline.schemas.deadletter.DeadLetters;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.validation.ThreatEventValidator;
import io.threatline.streams.validate.Validated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the hub makes of one report a partner sent back (docs/sharing-back.md). Pure: the caller
 * reads the record and passes the partner's agreement, the suppressions and the time.
 *
 * <ul>
 *   <li>The partner is the inbound topic's; {@link InboundPolicy} decides whether its agreement lets
 *       it send this kind of report and at which TLP the report is shared onwards.</li>
 *   <li>Every admitted report becomes an event of vendor {@value #PARTNER_PREFIX}{@code <id>} marked
 *       with the report ({@code ThreatEvent.report}), checked by the same validator as a sensor's,
 *       and decided by the dedup ({@code DedupProcessor}), which holds the indicator's state: a
 *       SIGHTING adds to the indicator's partner sightings, and a FALSE_POSITIVE is recorded for an
 *       operator to decide ({@code ti.false-positives.v1}) or, where the agreement trusts the partner,
 *       suppresses the indicator and revokes it for every partner that holds it; both only for an
 *       indicator the partner holds. An INDICATOR is merged like a vendor's, the partner as its
 *       source.</li>
 *   <li>Nothing about a suppressed indicator is taken.</li>
 *   <li>Every report, admitted or refused, gets a receipt request (direction INBOUND) that the audit
 *       sequencer chains into the partner's chain; a refused one is dead-lettered with its reason
 *       and its receipt names it {@code refused:<code>:<report id>}.</li>
 * </ul>
 */
public final class PartnerReports {

    /** Vendor names the hub gives a partner's reports; no sensor may claim one. */
    public static final String PARTNER_PREFIX = "partner:";

    /** The dead-letter stage of a refused report. */
    public static final String STAGE = "inbound";

    private final ThreatlineTopics topics;
    private final BiFunction<IndicatorType, String, Result<CanonicalIndicator>> canonicalizer;

    private final io.threatline.schemas.privacy.IndicatorKey indicatorKey;

    /** @param indicatorKey the deployment's key: receipts name an indicator by its reference, never its value */
    public PartnerReports(
            ThreatlineTopics topics,
            BiFunction<IndicatorType, String, Result<CanonicalIndicator>> canonicalizer,
            io.threatline.schemas.privacy.IndicatorKey indicatorKey) {
        this.topics = topics;
        this.indicatorKey = indicatorKey;
        this.canonicalizer = canonicalizer;
    }

    public static boolean isPartner(String vendor) {
        return vendor != null && vendor.startsWith(PARTNER_PREFIX);
    }

    /**
     * @param source      where the report was read (its receipt covers that offset)
     * @param key         the record's key, for a dead letter
     * @param value       the record's bytes, for a dead letter
     * @param suppression the suppression of an indicator id, if any
     * @param erasure     the standing erasure of an indicator id, if any (docs/data-protection.md): the report is
     *                    refused and its dead letter keeps neither key nor value
     */
    public List<Validated> handle(
            String partnerId,
            PartnerAgreement agreement,
            PartnerReport report,
            DeadLetters.Source source,
            byte[] key,
            byte[] value,
            Function<String, Optional<Suppression>> suppression,
            Function<String, Optional<io.threatline.contract.Erasure>> erasure,
            Instant now) {
        InboundPolicy.Decision decision = InboundPolicy.decide(agreement, report, now);
        ThreatEvent event = null;
        String id = null;
        Optional<Suppression> suppressed = Optional.empty();
        String refusedCode = null;
        String refusedWhy = null;
        if (decision instanceof InboundPolicy.Refuse refuse) {
            refusedCode = refuse.code();
            refusedWhy = refuse.message();
        } else {
            event = event(partnerId, report, (InboundPolicy.Admit) decision, source);
            Result<CanonicalIndicator> valid = ThreatEventValidator.validate(event, canonicalizer);
            if (!valid.isOk()) {
                refusedCode = valid.rejection().code();
                refusedWhy = valid.rejection().message();
            } else {
                id = valid.value().id();
                suppressed = suppression.apply(id);
                Optional<io.threatline.contract.Erasure> erased = erasure.apply(id);
                if (erased.isPresent()) {
                    return refused(
                            partnerId,
                            agreement,
                            report,
                            source,
                            null,
                            null,
                            io.threatline.streams.privacy.Erasures.ERASED,
                            io.threatline.streams.privacy.Erasures.reason(erased.get()),
                            now);
                }
                if (suppressed.isPresent()) {
                    refusedCode = Suppressions.SUPPRESSED;
                    refusedWhy = Suppressions.reason(suppressed.get());
                }
            }
        }
        if (refusedCode != null) {
            return refused(partnerId, agreement, report, source, key, value, refusedCode, refusedWhy, now);
        }
        InboundPolicy.Admit admit = (InboundPolicy.Admit) decision;
        if (report.getKind() == ReportKind.FALSE_POSITIVE) {
            // Decided by the dedup, which knows whether the partner holds the indicator: a trusted partner's report
            // revokes it there, anyone's is recorded there for the operator (falsePositive).
            event.setRetraction(admit.suppresses());
            event.setRetractionReason(
                    report.getComment() == null || report.getComment().isBlank()
                            ? "false positive reported by " + partnerId
                            : report.getComment());
        }
        return List.of(
                receipt(partnerId, agreement, List.of(indicatorKey.ref(id)), source, now),
                new Validated.Valid(event, id, false));
    }

    /**
     * A partner's false-positive report as the operator's queue keeps it: open, or accepted at once
     * where the partner's agreement trusts it ({@code suppressedBy} = {@code agreement:<id>}).
     */
    public static FalsePositiveReport falsePositive(
            String indicatorId, ReportMark mark, String comment, boolean accepted, String agreementId, Instant now) {
        return FalsePositiveReport.newBuilder()
                .setIndicatorId(indicatorId)
                .setPartnerId(mark.getPartnerId())
                .setReportId(mark.getReportId())
                .setReportedAt(now)
                .setComment(comment)
                .setStatus(accepted ? FalsePositiveStatus.ACCEPTED : FalsePositiveStatus.OPEN)
                .setSuppressedByAgreement(accepted)
                .setDecidedBy(accepted ? "agreement:" + agreementId : null)
                .setDecidedAt(accepted ? now : null)
                .setDecisionReason(accepted ? "the agreement trusts this partner's false-positive reports" : null)
                .build();
    }

    /** The suppression a trusted partner's false-positive report makes. */
    public static Suppression suppression(
            String indicatorId, ReportMark mark, String comment, String agreementId, Instant now) {
        return new Suppression(
                indicatorId,
                "false positive reported by " + mark.getPartnerId() + (comment == null ? "" : ": " + comment),
                "agreement:" + agreementId,
                now);
    }

    /**
     * The key of a false-positive report in its compacted topic: one per report, so that a partner's
     * new report never overwrites an operator's decision on an earlier one.
     */
    public static String falsePositiveKey(String indicatorId, String partnerId, String reportId) {
        return indicatorId + " " + partnerId + " " + reportId;
    }

    private List<Validated> refused(
            String partnerId,
            PartnerAgreement agreement,
            PartnerReport report,
            DeadLetters.Source source,
            byte[] key,
            byte[] value,
            String code,
            String message,
            Instant now) {
        DeadLetter letter = DeadLetters.of(
                code, "report from partner " + partnerId + ": " + message, STAGE, source, key, value, now, partnerId);
        String reportId = report == null || report.getReportId() == null ? "?" : report.getReportId();
        if (reportId.length() > 256) {
            reportId = reportId.substring(0, 256);
        }
        return List.of(
                receipt(partnerId, agreement, List.of("refused:" + code + ":" + reportId), source, now),
                new Validated.Rejected(letter));
    }

    /** An unreadable record on a partner's inbound topic: dead-lettered, and receipted as refused. */
    public List<Validated> unreadable(
            String partnerId,
            PartnerAgreement agreement,
            DeadLetters.Source source,
            byte[] key,
            byte[] value,
            String code,
            String message,
            Instant now) {
        return refused(partnerId, agreement, null, source, key, value, code, message, now);
    }

    private Validated receipt(
            String partnerId,
            PartnerAgreement agreement,
            List<String> recordIds,
            DeadLetters.Source source,
            Instant now) {
        DeliveryReceipt receipt = DeliveryReceipt.newBuilder()
                .setReceiptId(UUID.nameUUIDFromBytes((source.topic() + "-" + source.partition() + "@" + source.offset())
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString())
                .setPartnerId(partnerId)
                .setChannel(DeliveryChannel.KAFKA)
                .setChannelTarget(source.topic())
                .setAgreementId(agreement == null ? "" : agreement.getAgreementId())
                .setAgreementVersion(agreement == null ? 0 : agreement.getVersion())
                .setRecordIds(recordIds)
                .setOffsets(
                        List.of(new OffsetRange(source.topic(), source.partition(), source.offset(), source.offset())))
                .setDeliveredAt(now)
                .setSequence(0)
                .setPreviousHash("")
                .setHash("")
                .setDirection(ReceiptDirection.INBOUND)
                .build();
        return new Validated.Side(topics.deliveryReceiptRequests(), partnerId, receipt);
    }

    private static ThreatEvent event(
            String partnerId, PartnerReport report, InboundPolicy.Admit admit, DeadLetters.Source source) {
        return ThreatEvent.newBuilder()
                .setEventId("partner-" + partnerId + "-" + source.partition() + "-" + source.offset())
                .setIndicatorType(report.getIndicatorType())
                .setIndicatorValue(report.getIndicatorValue())
                .setObservedAt(report.getLastSeen())
                .setVendor(PARTNER_PREFIX + partnerId)
                .setSensorId("inbound")
                .setConfidence(report.getKind() == ReportKind.INDICATOR ? report.getConfidence() : 0)
                .setTlp(admit.shareAs())
                .setMalwareFamilies(new ArrayList<>(report.getMalwareFamilies()))
                .setCampaign(null)
                .setTags(new ArrayList<>())
                .setKillChainPhase(null)
                .setRetraction(false)
                .setRetractionReason(null)
                .setReport(new ReportMark(report.getKind(), partnerId, report.getReportId(), report.getCount()))
                .build();
    }
}
