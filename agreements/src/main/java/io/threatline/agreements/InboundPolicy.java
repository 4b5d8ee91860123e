package io.threatline.agreements;

import io.threatline.contract.InboundTerms;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerReport;
import io.threatline.contract.ReportKind;
import io.threatline.contract.Tlp;
import io.threatline.schemas.tlp.Tlp2;
import io.threatline.schemas.validation.ContractLimits;
import java.time.Instant;

/**
 * The pure decision of whether a partner's report back is admitted under its agreement, and how it
 * is shared onwards (docs/sharing-back.md). The one home of these rules: the hub applies them to
 * what it reads from inbound topics, the TAXII server to what a partner posts, so that a partner
 * hears the answer at once. No state, no I/O, no clock. Anything unknown fails closed.
 *
 * <p>In order: {@link #NO_AGREEMENT}; {@link AgreementPolicy#OUTSIDE_PERIOD}; {@link #NO_REPORTS} (the
 * agreement has no {@code inbound} terms, or grants no kind); {@link #UNKNOWN_KIND};
 * {@link #REPORT_NOT_GRANTED} (this kind is not among the agreement's {@code reports});
 * {@link #UNMARKED} (a report without a TLP cannot be shared); {@link #INVALID_REPORT} (a last
 * sighting more than {@link #MAX_AHEAD} ahead of the hub's clock, a report id empty or longer than
 * {@value ContractLimits#MAX_LABEL_LENGTH}, a sighting count outside 1 to {@value #MAX_COUNT}, a
 * confidence outside 0 to 100, a comment longer than {@value ContractLimits#MAX_REASON_LENGTH}, more
 * than {@value ContractLimits#MAX_FAMILIES} families or a family name empty or too long, a first
 * sighting after the last); {@link #NOT_SHAREABLE} (a sighting or indicator that would go onwards at
 * TLP:AMBER+STRICT or TLP:RED, which forbid passing it on). The value itself is the caller's to
 * canonicalise.
 *
 * <p>An admitted report is shared onwards at its own marking or the agreement's {@code shareAs},
 * whichever is more restrictive ({@link Tlp2#mostRestrictive}): never more widely than the partner
 * marked it. A false-positive report suppresses the indicator at once only when the agreement says
 * {@code falsePositivesSuppress}; otherwise an operator decides.
 */
public final class InboundPolicy {

    public static final String NO_AGREEMENT = "NO_AGREEMENT";
    public static final String NO_REPORTS = "NO_REPORTS_GRANTED";
    public static final String UNKNOWN_KIND = "UNKNOWN_REPORT_KIND";
    public static final String REPORT_NOT_GRANTED = "REPORT_NOT_GRANTED";
    public static final String UNMARKED = "REPORT_UNMARKED";
    public static final String INVALID_REPORT = "INVALID_REPORT";
    public static final String NOT_SHAREABLE = "REPORT_NOT_SHAREABLE";

    /** How far ahead of the hub's clock a report's times may be (clock skew); later is refused. */
    public static final java.time.Duration MAX_AHEAD = java.time.Duration.ofHours(1);

    /** Most sightings one report may stand for. */
    public static final int MAX_COUNT = 1_000_000;

    /** What becomes of one report. */
    public sealed interface Decision permits Admit, Refuse {}

    /**
     * Admitted.
     *
     * @param shareAs    the TLP the report is shared onwards at
     * @param suppresses a false positive that suppresses the indicator at once (the agreement trusts the partner)
     */
    public record Admit(ReportKind kind, Tlp shareAs, boolean suppresses) implements Decision {}

    /** Refused, with a code and a message for the partner. */
    public record Refuse(String code, String message) implements Decision {}

    private InboundPolicy() {}

    public static Decision decide(PartnerAgreement agreement, PartnerReport report, Instant now) {
        if (agreement == null) {
            return new Refuse(NO_AGREEMENT, "no agreement is in force for this partner");
        }
        if (!AgreementPolicy.inForce(agreement, now)) {
            return new Refuse(
                    AgreementPolicy.OUTSIDE_PERIOD,
                    "agreement " + agreement.getAgreementId() + " is not in force at " + now);
        }
        InboundTerms terms = agreement.getInbound();
        if (terms == null || terms.getReports().isEmpty()) {
            return new Refuse(
                    NO_REPORTS, "agreement " + agreement.getAgreementId() + " lets this partner report nothing back");
        }
        ReportKind kind = report.getKind();
        if (kind == null || kind == ReportKind.UNKNOWN) {
            return new Refuse(UNKNOWN_KIND, "the report's kind is not one of SIGHTING, FALSE_POSITIVE, INDICATOR");
        }
        if (!terms.getReports().contains(kind)) {
            return new Refuse(
                    REPORT_NOT_GRANTED,
                    "agreement " + agreement.getAgreementId() + " does not let this partner report a "
                            + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " (it grants "
                            + terms.getReports() + ")");
        }
        if (!Tlp2.isKnown(report.getTlp()) || !Tlp2.isKnown(terms.getShareAs())) {
            return new Refuse(UNMARKED, "the report has no TLP marking, so it cannot be shared");
        }
        String invalid = invalid(report, now);
        if (invalid != null) {
            return new Refuse(INVALID_REPORT, invalid);
        }
        Tlp shareAs = Tlp2.mostRestrictive(report.getTlp(), terms.getShareAs());
        if (kind != ReportKind.FALSE_POSITIVE && !Tlp2.atOrBelow(shareAs, Tlp.AMBER)) {
            // TLP:AMBER+STRICT and TLP:RED forbid passing the report on, and a sighting or an indicator is taken
            // only to be passed on. A false positive stays with the operators, so any marking will do.
            return new Refuse(
                    NOT_SHAREABLE,
                    "the report is marked " + Tlp2.label(shareAs) + ", which forbids sharing it onwards; Threatline"
                            + " takes sightings and indicators only to share them (at most TLP:AMBER)");
        }
        return new Admit(kind, shareAs, kind == ReportKind.FALSE_POSITIVE && terms.getFalsePositivesSuppress());
    }

    private static String invalid(PartnerReport report, Instant now) {
        if (report.getLastSeen() == null || report.getLastSeen().isAfter(now.plus(MAX_AHEAD))) {
            return "lastSeen " + report.getLastSeen() + " is in the future (the hub's clock says " + now + ")";
        }
        String id = report.getReportId();
        if (id == null || id.isBlank() || id.length() > ContractLimits.MAX_LABEL_LENGTH) {
            return "the report id must be 1 to " + ContractLimits.MAX_LABEL_LENGTH + " characters";
        }
        if (report.getKind() == ReportKind.SIGHTING && (report.getCount() < 1 || report.getCount() > MAX_COUNT)) {
            return "a sighting's count must be 1 to " + MAX_COUNT + ", was " + report.getCount();
        }
        if (report.getConfidence() < 0 || report.getConfidence() > 100) {
            return "confidence must be 0 to 100, was " + report.getConfidence();
        }
        if (report.getComment() != null && report.getComment().length() > ContractLimits.MAX_REASON_LENGTH) {
            return "the comment has " + report.getComment().length() + " characters; at most "
                    + ContractLimits.MAX_REASON_LENGTH;
        }
        if (report.getMalwareFamilies().size() > ContractLimits.MAX_FAMILIES) {
            return "at most " + ContractLimits.MAX_FAMILIES + " malware families";
        }
        for (String family : report.getMalwareFamilies()) {
            if (family == null || family.isBlank() || family.length() > ContractLimits.MAX_LABEL_LENGTH) {
                return "a malware family name must be 1 to " + ContractLimits.MAX_LABEL_LENGTH + " characters";
            }
        }
        if (report.getFirstSeen() != null && report.getFirstSeen().isAfter(report.getLastSeen())) {
            return "firstSeen " + report.getFirstSeen() + " is after lastSeen " + report.getLastSeen();
        }
        return null;
    }
}
