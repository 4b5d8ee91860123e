package io.threatline.consumer.stix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.contract.TrendStatistic;
import io.threatline.schemas.Result;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Maps what a partner may see to STIX 2.1: a {@link PartnerIndicator} to an {@code indicator}
 * and a {@link TrendStatistic} to the custom object {@value #TREND_STATISTIC_TYPE}.
 *
 * <h2>Indicator</h2>
 * <ul>
 * <li>{@code id}: {@code indicator--<UUIDv5 of the indicator id>} ({@link StixIds}); every
 *     NEW/UPDATE/EXPIRE/REVOKE of one indicator is a version of the same STIX object.</li>
 * <li>{@code created} = firstSeen, {@code modified} = sharedAt (never before created),
 *     {@code valid_from} = firstSeen, {@code valid_until} = validUntil when it is after
 *     valid_from (STIX requires that), else left out.</li>
 * <li>{@code pattern} ({@code pattern_type: stix}) from {@link StixPatterns}.</li>
 * <li>{@code indicator_types}: {@code malicious-activity} (the hub only shares indicators of
 *     compromise).</li>
 * <li>{@code labels}: malware families then tags, without duplicates.</li>
 * <li>{@code kill_chain_phases}: Lockheed Martin kill chain, {@code kill_chain_name}
 *     {@value #KILL_CHAIN}, phases in lower case with '-'.</li>
 * <li>{@code revoked: true} for REVOKE; EXPIRE is said by valid_until in the past.</li>
 * <li>{@code object_marking_refs}: the TLP 2.0 marking definition of the record's TLP
 *     ({@link TlpMarkings}).</li>
 * <li>The agreement: an {@code external_references} entry {@code source_name}
 *     {@value #AGREEMENT_SOURCE}, {@code external_id} the agreement id, {@code description}
 *     {@code "version <n>"}; and custom properties {@code x_threatline_agreement_id} and
 *     {@code x_threatline_agreement_version} for machines.</li>
 * <li>Other custom properties (STIX 2.1 section 11.1): {@code x_threatline_indicator_id},
 *     {@code x_threatline_action}, {@code x_threatline_score}, {@code x_threatline_last_seen},
 *     {@code x_threatline_campaigns}, {@code x_threatline_country}, {@code x_threatline_asn},
 *     {@code x_threatline_vendors}, {@code x_threatline_sensors},
 *     {@code x_threatline_redistribution_allowed}, {@code x_threatline_redistribution_scope},
 *     {@code x_threatline_partner_sightings} (when partners reported seeing it, docs/sharing-back.md);
 *     empty lists and absent values are left out.</li>
 * </ul>
 * A record that cannot be expressed — type or TLP UNKNOWN — is rejected, never guessed: unknown
 * fails closed.
 *
 * <h2>Trend statistic</h2>
 * A custom STIX Domain Object (STIX 2.1 section 11.2) of type {@value #TREND_STATISTIC_TYPE}:
 * a windowed count is neither an observation of cyber observables ({@code observed-data} needs
 * {@code object_refs} to SCOs) nor a comment on other objects ({@code note} needs
 * {@code object_refs}), so neither fits without inventing references. Its id is the UUIDv5 of
 * partner, window, window start, dimension and value; {@code created} = {@code modified} =
 * the window end. Properties: {@code window} ({@code hourly}/{@code daily}),
 * {@code window_start}, {@code window_end}, {@code dimension} ({@code malware-family},
 * {@code indicator-type}, {@code country}), {@code dimension_value}, {@code count},
 * {@code previous_count} and {@code change_ratio} when known, plus the agreement reference as
 * for indicators. It carries no TLP marking because TrendStatistic has no TLP field; statistics
 * are aggregates above the agreement's k-anonymity minimum.
 */
public final class StixMapper {

    public static final String AGREEMENT_SOURCE = "threatline-agreement";
    public static final String KILL_CHAIN = "lockheed-martin-cyber-kill-chain";
    public static final String TREND_STATISTIC_TYPE = "x-threatline-trend-statistic";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The STIX indicator of a partner indicator, or why it has none. */
    public Result<ObjectNode> indicator(PartnerIndicator in) {
        Optional<String> pattern = StixPatterns.of(in.getType(), in.getValue());
        if (pattern.isEmpty()) {
            return Result.rejected("STIX_UNKNOWN_TYPE", "indicator type " + in.getType() + " has no STIX pattern");
        }
        Optional<String> marking = TlpMarkings.id(in.getTlp());
        if (marking.isEmpty()) {
            return Result.rejected("STIX_UNKNOWN_TLP", "TLP " + in.getTlp() + " has no TLP 2.0 marking; not delivered");
        }
        if (in.getAction() == LifecycleAction.UNKNOWN) {
            return Result.rejected("STIX_UNKNOWN_ACTION", "lifecycle action UNKNOWN is never delivered");
        }
        Instant created = in.getFirstSeen();
        Instant modified = in.getSharedAt().isBefore(created) ? created : in.getSharedAt();

        ObjectNode o = JSON.objectNode();
        o.put("type", "indicator");
        o.put("spec_version", "2.1");
        o.put("id", StixIds.indicator(in.getIndicatorId()));
        o.put("created", StixIds.timestamp(created));
        o.put("modified", StixIds.timestamp(modified));
        o.put("name", in.getIndicatorId());
        o.putArray("indicator_types").add("malicious-activity");
        o.put("pattern", pattern.get());
        o.put("pattern_type", "stix");
        o.put("pattern_version", "2.1");
        o.put("valid_from", StixIds.timestamp(created));
        if (in.getValidUntil().isAfter(created)) {
            o.put("valid_until", StixIds.timestamp(in.getValidUntil()));
        }
        o.put("confidence", Math.max(0, Math.min(100, in.getConfidence())));
        Set<String> labels = new LinkedHashSet<>(in.getMalwareFamilies());
        labels.addAll(in.getTags());
        labels.removeIf(String::isEmpty);
        putArrayIfNotEmpty(o, "labels", labels);
        ArrayNode phases = JSON.arrayNode();
        for (KillChainPhase phase : new LinkedHashSet<>(in.getKillChainPhases())) {
            if (phase != KillChainPhase.UNKNOWN) {
                phases.addObject()
                        .put("kill_chain_name", KILL_CHAIN)
                        .put("phase_name", phase.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        if (!phases.isEmpty()) {
            o.set("kill_chain_phases", phases);
        }
        if (in.getAction() == LifecycleAction.REVOKE) {
            o.put("revoked", true);
            if (in.getErased()) {
                // Erased on request (docs/data-protection.md): the partner must delete every copy.
                o.put("x_threatline_erased", true);
            }
        }
        o.putArray("object_marking_refs").add(marking.get());
        agreement(o, in.getAgreementId(), in.getAgreementVersion());
        o.put("x_threatline_indicator_id", in.getIndicatorId());
        o.put("x_threatline_action", in.getAction().name().toLowerCase(Locale.ROOT));
        o.put("x_threatline_score", in.getScore());
        o.put("x_threatline_last_seen", StixIds.timestamp(in.getLastSeen()));
        putArrayIfNotEmpty(o, "x_threatline_campaigns", in.getCampaigns());
        if (in.getCountry() != null && !in.getCountry().isEmpty()) {
            o.put("x_threatline_country", in.getCountry());
        }
        if (in.getAsn() != null) {
            o.put("x_threatline_asn", in.getAsn());
        }
        putArrayIfNotEmpty(o, "x_threatline_vendors", in.getVendors());
        putArrayIfNotEmpty(o, "x_threatline_sensors", in.getSensors());
        o.put("x_threatline_redistribution_allowed", in.getRedistributionAllowed());
        if (in.getPartnerSightings() > 0) {
            o.put("x_threatline_partner_sightings", in.getPartnerSightings());
        }
        if (in.getRedistributionScope() != null && !in.getRedistributionScope().isEmpty()) {
            o.put("x_threatline_redistribution_scope", in.getRedistributionScope());
        }
        return Result.ok(o);
    }

    /** The STIX id {@link #trendStatistic} gives a statistic. */
    public static String trendStatisticId(TrendStatistic s) {
        return StixIds.of(
                TREND_STATISTIC_TYPE,
                String.join(
                        "|",
                        s.getPartnerId(),
                        s.getWindow().name(),
                        Long.toString(s.getWindowStart().toEpochMilli()),
                        s.getDimension().name(),
                        s.getDimensionValue()));
    }

    /** The custom STIX object of a trend statistic, or why it has none. */
    public Result<ObjectNode> trendStatistic(TrendStatistic s) {
        if (s.getWindow() == StatisticWindow.UNKNOWN || s.getDimension() == StatisticDimension.UNKNOWN) {
            return Result.rejected(
                    "STIX_UNKNOWN_STATISTIC",
                    "statistic window " + s.getWindow() + " / dimension " + s.getDimension() + " is never delivered");
        }
        String end = StixIds.timestamp(s.getWindowEnd());
        ObjectNode o = JSON.objectNode();
        o.put("type", TREND_STATISTIC_TYPE);
        o.put("spec_version", "2.1");
        o.put("id", trendStatisticId(s));
        o.put("created", end);
        o.put("modified", end);
        o.put("window", s.getWindow().name().toLowerCase(Locale.ROOT));
        o.put("window_start", StixIds.timestamp(s.getWindowStart()));
        o.put("window_end", end);
        o.put("dimension", s.getDimension().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.put("dimension_value", s.getDimensionValue());
        o.put("count", s.getCount());
        if (s.getPreviousCount() != null) {
            o.put("previous_count", s.getPreviousCount());
        }
        if (s.getChangeRatio() != null && Double.isFinite(s.getChangeRatio())) {
            o.put("change_ratio", s.getChangeRatio());
        }
        agreement(o, s.getAgreementId(), s.getAgreementVersion());
        return Result.ok(o);
    }

    private static void agreement(ObjectNode o, String agreementId, int version) {
        o.putArray("external_references")
                .addObject()
                .put("source_name", AGREEMENT_SOURCE)
                .put("external_id", agreementId)
                .put("description", "version " + version);
        o.put("x_threatline_agreement_id", agreementId);
        o.put("x_threatline_agreement_version", version);
    }

    private static void putArrayIfNotEmpty(ObjectNode o, String name, Iterable<String> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        if (!array.isEmpty()) {
            o.set(name, array);
        }
    }

    /** Convenience for callers that map a list and keep what maps. */
    public List<ObjectNode> indicators(List<PartnerIndicator> in) {
        return in.stream()
                .map(this::indicator)
                .filter(Result::isOk)
                .map(Result::value)
                .toList();
    }
}
