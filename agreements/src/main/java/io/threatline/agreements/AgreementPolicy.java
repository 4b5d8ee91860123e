package io.threatline.agreements;

import io.threatline.contract.AgreementScope;
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
import io.threatline.schemas.tlp.Tlp2;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pure decision of what one partner may receive under its agreement (DESIGN §7). No state, no
 * I/O, no clock: the caller passes {@code now}, so the same inputs always give the same answer.
 *
 * <h2>Indicators: {@link #decide}</h2>
 *
 * <p>The checks run in this order; the first that fails gives the {@link Decision.Withhold}
 * reason. Anything unknown fails closed.
 * <ol>
 *   <li>{@link #NO_AGREEMENT}: no agreement (or no indicator: {@link #NO_INDICATOR}); an agreement
 *       whose identity fields are missing or whose partner id is malformed:
 *       {@link #INVALID_AGREEMENT}.</li>
 *   <li>{@link #OUTSIDE_PERIOD}: {@code now} is not in {@code [validFrom, validUntil)}
 *       ({@code validUntil} null is open-ended).</li>
 *   <li>{@link #KIND_NOT_GRANTED}: INDICATORS is not among the data kinds.</li>
 *   <li>{@link #UNKNOWN_ACTION}: the lifecycle action is null or UNKNOWN.</li>
 *   <li>{@link #UNKNOWN_TLP}: the indicator's TLP or the agreement's ceiling is null or UNKNOWN;
 *       {@link #ABOVE_TLP_CEILING}: the TLP is above the ceiling (TLP 2.0 order, {@link Tlp2}).</li>
 *   <li>{@link #TYPE_OUT_OF_SCOPE}: the type is null or UNKNOWN, or the scope lists types and not this one.</li>
 *   <li>{@link #FAMILY_OUT_OF_SCOPE}: the scope lists families and the indicator has none of them
 *       (case-insensitive).</li>
 *   <li>{@link #CAMPAIGN_OUT_OF_SCOPE}: likewise for campaigns.</li>
 *   <li>{@link #BELOW_MINIMUM_CONFIDENCE}: confidence below the scope's minimum.</li>
 *   <li>{@link #COUNTRY_OUT_OF_SCOPE}: the scope lists countries and the indicator has no country
 *       or another one (case-insensitive).</li>
 *   <li>Embargo: when {@code now < firstSeen + embargo} the answer is
 *       {@link Decision.Embargoed}{@code (firstSeen + embargo)} — also with no embargo, when the
 *       first sighting lies after {@code now} (a sensor clock ahead) — unless that moment is not before
 *       {@code validUntil}, in which case the indicator can never be delivered under this agreement:
 *       {@link #EMBARGO_OUTLASTS_AGREEMENT}. A negative embargo (which the file format refuses)
 *       counts as {@link #INVALID_AGREEMENT}.</li>
 * </ol>
 *
 * <p>Otherwise the answer is {@link Decision.Deliver} with a {@link PartnerIndicator} built by
 * {@link #redact}: the indicator's fields, the partner id, agreement id and version, the
 * agreement's redistribution right and scope, {@code validUntil = indicator.expiresAt},
 * {@code sharedAt = now} and the action as given; the partners' sightings summed, none named, when the
 * agreement grants SIGHTINGS (0 otherwise), only those reported at a TLP within its ceiling; vendors emptied when the agreement drops provider
 * attribution, sensors emptied when it drops sensor ids, and, when it obfuscates affected parties,
 * every tag naming a victim removed. A victim tag is one that starts, ignoring case, with
 * {@code victim:}, {@code affected:}, {@code target-org:}, {@code sector:} or
 * {@code misp-galaxy:sector=} (MISP's sector galaxy), see {@link #AFFECTED_PARTY_TAG_PREFIXES}.
 * Lists are copied, never shared with the input.
 *
 * <h2>Statistics: {@link #decideStatistic}</h2>
 *
 * <p>A statistic with a {@code previousCount} or {@code changeRatio} is a trend and needs TRENDS;
 * a plain count needs STATISTICS. A trend for a partner with STATISTICS but not TRENDS is delivered
 * as a plain count (the trend fields removed); a plain count for a partner with only TRENDS is
 * withheld ({@link #KIND_NOT_GRANTED}). The trend fields are also removed when the previous count
 * is below the minimum count, since it was never delivered and would otherwise leak. Then, in
 * order: period ({@link #OUTSIDE_PERIOD}); window or dimension UNKNOWN ({@link #UNKNOWN_DIMENSION});
 * the dimension value in scope — a MALWARE_FAMILY value must be in {@code scope.malwareFamilies},
 * an INDICATOR_TYPE value in {@code scope.indicatorTypes}, a COUNTRY value in
 * {@code scope.countries}, each when that list is non-empty ({@link #FAMILY_OUT_OF_SCOPE},
 * {@link #TYPE_OUT_OF_SCOPE}, {@link #COUNTRY_OUT_OF_SCOPE}); finally a count below
 * {@code statisticsMinimumCount} is {@link StatisticDecision.Suppressed} (k-anonymity). Only the
 * dimension value is checked here: what a count includes is the caller's part, and the hub counts
 * for a partner only the NEW indicators that {@link #inScope} allows under its agreement (TLP
 * ceiling, types, families, campaigns, minimum confidence, countries). Embargo and the INDICATORS
 * data kind concern sending an indicator and do not apply to counts.
 */
public final class AgreementPolicy {

    public static final String NO_AGREEMENT = "NO_AGREEMENT";
    public static final String NO_INDICATOR = "NO_INDICATOR";
    public static final String INVALID_AGREEMENT = "INVALID_AGREEMENT";
    public static final String OUTSIDE_PERIOD = "OUTSIDE_PERIOD";
    public static final String KIND_NOT_GRANTED = "KIND_NOT_GRANTED";
    public static final String UNKNOWN_ACTION = "UNKNOWN_ACTION";
    public static final String UNKNOWN_TLP = "UNKNOWN_TLP";
    public static final String ABOVE_TLP_CEILING = "ABOVE_TLP_CEILING";
    public static final String TYPE_OUT_OF_SCOPE = "TYPE_OUT_OF_SCOPE";
    public static final String FAMILY_OUT_OF_SCOPE = "FAMILY_OUT_OF_SCOPE";
    public static final String CAMPAIGN_OUT_OF_SCOPE = "CAMPAIGN_OUT_OF_SCOPE";
    public static final String BELOW_MINIMUM_CONFIDENCE = "BELOW_MINIMUM_CONFIDENCE";
    public static final String COUNTRY_OUT_OF_SCOPE = "COUNTRY_OUT_OF_SCOPE";
    public static final String EMBARGO_OUTLASTS_AGREEMENT = "EMBARGO_OUTLASTS_AGREEMENT";
    /** The indicator is personal data (an e-mail address) and the agreement withholds it (docs/data-protection.md). */
    public static final String PERSONAL_DATA_WITHHELD = "PERSONAL_DATA_WITHHELD";

    public static final String UNKNOWN_DIMENSION = "UNKNOWN_DIMENSION";

    /** Tag prefixes (compared ignoring case) that name an affected party and are removed when obfuscating. */
    public static final List<String> AFFECTED_PARTY_TAG_PREFIXES =
            List.of("victim:", "affected:", "target-org:", "sector:", "misp-galaxy:sector=");

    private AgreementPolicy() {}

    /** Whether {@code indicator} may go to the agreement's partner at {@code now}, and as what. */
    public static Decision decide(PartnerAgreement agreement, Indicator indicator, Instant now) {
        if (agreement == null) {
            return withhold(NO_AGREEMENT, () -> "no agreement with this partner");
        }
        if (indicator == null) {
            return withhold(NO_INDICATOR, () -> "no indicator");
        }
        String invalid = invalid(agreement);
        if (invalid != null) {
            return withhold(INVALID_AGREEMENT, () -> invalid);
        }
        String period = period(agreement, now);
        if (period != null) {
            return withhold(OUTSIDE_PERIOD, () -> period);
        }
        if (!agreement.getDataKinds().contains(DataKind.INDICATORS)) {
            return withhold(
                    KIND_NOT_GRANTED, () -> "agreement grants " + agreement.getDataKinds() + ", not INDICATORS");
        }
        if (indicator.getAction() == null || indicator.getAction() == LifecycleAction.UNKNOWN) {
            return withhold(UNKNOWN_ACTION, () -> "lifecycle action " + indicator.getAction() + " is never delivered");
        }
        Decision.Withhold outside = outsideScope(agreement, indicator);
        if (outside != null) {
            return outside;
        }
        if (isPersonalData(indicator.getType())
                && agreement.getRedaction().getPersonalData() == PersonalDataHandling.WITHHOLD) {
            return withhold(
                    PERSONAL_DATA_WITHHELD,
                    () -> "the indicator is personal data (" + indicator.getType()
                            + ") and the agreement withholds it (redaction.personal_data: withhold)");
        }
        Instant until = embargoStart(indicator).plusMillis(agreement.getEmbargoMillis());
        if (now.isBefore(until)) {
            Instant end = agreement.getValidUntil();
            if (end != null && !until.isBefore(end)) {
                return withhold(
                        EMBARGO_OUTLASTS_AGREEMENT,
                        () -> "embargo ends at " + until + ", when the agreement (until " + end
                                + ") no longer applies");
            }
            return new Decision.Embargoed(until);
        }
        return new Decision.Deliver(redact(agreement, indicator, now));
    }

    /**
     * Whether the agreement's TLP ceiling and scope allow {@code indicator}: the TLP, type, family,
     * campaign, confidence and country checks of {@link #decide}, without the period, data kind,
     * action and embargo. The one rule for "may this partner's data include this indicator", used by
     * {@link #decide} and by the statistics, which count for a partner only indicators it passes.
     * Reads only {@code tlpCeiling} and {@code scope} of the agreement (see {@link #scopeKey}).
     */
    public static boolean inScope(PartnerAgreement agreement, Indicator indicator) {
        return agreement != null
                && indicator != null
                && agreement.getScope() != null
                && outsideScope(agreement, indicator) == null;
    }

    /** Why the agreement's TLP ceiling and scope do not allow {@code indicator}, or null when they do. */
    private static Decision.Withhold outsideScope(PartnerAgreement agreement, Indicator indicator) {
        Tlp tlp = indicator.getTlp();
        Tlp ceiling = agreement.getTlpCeiling();
        if (!Tlp2.isKnown(tlp)) {
            return withhold(UNKNOWN_TLP, () -> "indicator's TLP is " + tlp + "; unknown markings are never delivered");
        }
        if (!Tlp2.isKnown(ceiling)) {
            return withhold(UNKNOWN_TLP, () -> "agreement's TLP ceiling is " + ceiling + ", which grants nothing");
        }
        if (!Tlp2.atOrBelow(tlp, ceiling)) {
            return withhold(ABOVE_TLP_CEILING, () -> Tlp2.label(tlp) + " is above the ceiling " + Tlp2.label(ceiling));
        }
        AgreementScope scope = agreement.getScope();
        IndicatorType type = indicator.getType();
        if (type == null || type == IndicatorType.UNKNOWN) {
            return withhold(TYPE_OUT_OF_SCOPE, () -> "indicator type " + type + " is never delivered");
        }
        if (!scope.getIndicatorTypes().isEmpty() && !scope.getIndicatorTypes().contains(type)) {
            return withhold(TYPE_OUT_OF_SCOPE, () -> type + " is not among " + scope.getIndicatorTypes());
        }
        if (!scope.getMalwareFamilies().isEmpty()
                && !anyIgnoringCase(indicator.getMalwareFamilies(), scope.getMalwareFamilies())) {
            return withhold(
                    FAMILY_OUT_OF_SCOPE,
                    () -> "families " + indicator.getMalwareFamilies() + " include none of "
                            + scope.getMalwareFamilies());
        }
        if (!scope.getCampaigns().isEmpty() && !anyIgnoringCase(indicator.getCampaigns(), scope.getCampaigns())) {
            return withhold(
                    CAMPAIGN_OUT_OF_SCOPE,
                    () -> "campaigns " + indicator.getCampaigns() + " include none of " + scope.getCampaigns());
        }
        if (indicator.getConfidence() < scope.getMinimumConfidence()) {
            return withhold(
                    BELOW_MINIMUM_CONFIDENCE,
                    () -> "confidence " + indicator.getConfidence() + " is below the minimum "
                            + scope.getMinimumConfidence());
        }
        if (!scope.getCountries().isEmpty()) {
            String country = indicator.getCountry();
            if (country == null) {
                return withhold(
                        COUNTRY_OUT_OF_SCOPE,
                        () -> "indicator has no country; the agreement is limited to " + scope.getCountries());
            }
            if (!containsIgnoringCase(scope.getCountries(), country)) {
                return withhold(COUNTRY_OUT_OF_SCOPE, () -> country + " is not among " + scope.getCountries());
            }
        }
        return null;
    }

    /**
     * A canonical text of everything {@link #inScope} reads from an agreement (the TLP ceiling and
     * the scope, each list sorted without repeats): two agreements with the same key allow exactly
     * the same indicators. Case is kept, so two scopes differing only in case have two keys, which
     * costs a second count but never mixes scopes.
     */
    public static String scopeKey(PartnerAgreement agreement) {
        AgreementScope scope = agreement.getScope();
        StringBuilder key = new StringBuilder().append("tlp=").append(agreement.getTlpCeiling());
        if (scope == null) {
            return key.append(";no scope").toString();
        }
        key.append(";types=")
                .append(scope.getIndicatorTypes().stream()
                        .map(String::valueOf)
                        .sorted()
                        .distinct()
                        .toList())
                .append(";families=")
                .append(sorted(scope.getMalwareFamilies()))
                .append(";campaigns=")
                .append(sorted(scope.getCampaigns()))
                .append(";min-confidence=")
                .append(scope.getMinimumConfidence())
                .append(";countries=")
                .append(sorted(scope.getCountries()));
        return key.toString();
    }

    private static List<String> sorted(List<String> values) {
        return values.stream()
                .filter(java.util.Objects::nonNull)
                .sorted()
                .distinct()
                .toList();
    }

    /**
     * The record the partner receives: {@code indicator} stamped with the agreement and redacted as
     * it says (see the class comment). Does not check whether delivery is allowed; {@link #decide} does.
     */
    public static PartnerIndicator redact(PartnerAgreement agreement, Indicator indicator, Instant now) {
        Redaction r = agreement.getRedaction();
        List<String> tags = new ArrayList<>();
        for (String tag : indicator.getTags()) {
            if (!r.getObfuscateAffectedParties() || !namesAffectedParty(tag)) {
                tags.add(tag);
            }
        }
        return PartnerIndicator.newBuilder()
                .setPartnerId(agreement.getPartnerId())
                .setAgreementId(agreement.getAgreementId())
                .setAgreementVersion(agreement.getVersion())
                .setIndicatorId(minimisedId(agreement, indicator))
                .setType(indicator.getType())
                .setValue(minimisedValue(agreement, indicator))
                .setAction(indicator.getAction())
                .setFirstSeen(indicator.getFirstSeen())
                .setLastSeen(indicator.getLastSeen())
                .setValidUntil(indicator.getExpiresAt())
                .setConfidence(indicator.getConfidence())
                .setScore(indicator.getScore())
                .setTlp(indicator.getTlp())
                .setMalwareFamilies(new ArrayList<>(indicator.getMalwareFamilies()))
                .setCampaigns(new ArrayList<>(indicator.getCampaigns()))
                .setTags(tags)
                .setKillChainPhases(new ArrayList<>(indicator.getKillChainPhases()))
                .setCountry(indicator.getCountry())
                .setAsn(indicator.getAsn())
                .setVendors(
                        r.getDropProviderAttribution() ? new ArrayList<>() : new ArrayList<>(indicator.getVendors()))
                .setSensors(r.getDropSensorIds() ? new ArrayList<>() : new ArrayList<>(indicator.getSensors()))
                .setRedistributionAllowed(agreement.getRedistributionAllowed())
                .setRedistributionScope(agreement.getRedistributionScope())
                .setSharedAt(now)
                .setPartnerSightings(
                        agreement.getDataKinds().contains(DataKind.SIGHTINGS)
                                ? partnerSightings(indicator, agreement.getTlpCeiling())
                                : 0L)
                .setErased(indicator.getErased())
                .build();
    }

    /** Whether indicators of this type are personal data (docs/data-protection.md): e-mail addresses. */
    public static boolean isPersonalData(IndicatorType type) {
        return type == IndicatorType.EMAIL;
    }

    /**
     * The value as the agreement lets the partner see it (docs/data-protection.md, "Minimisation"): with
     * {@code personal_data: mask} (or {@code withhold}, whose only records are retractions), an e-mail address's local part becomes a pseudonym of this agreement's
     * own, {@code masked-<16 hex>}, the same every time (so updates and revocations still match) and
     * different under every other agreement (so two partners cannot join their feeds on it). A partner
     * that already knows an address and the agreement id can still test for it: a pseudonym, not
     * anonymity.
     */
    public static String minimisedValue(PartnerAgreement agreement, Indicator indicator) {
        String value = indicator.getValue();
        // Under withhold too: a retraction must not name in clear what the partner may only have had masked.
        if (!isPersonalData(indicator.getType())
                || agreement.getRedaction() == null
                || agreement.getRedaction().getPersonalData() == PersonalDataHandling.KEEP) {
            return value;
        }
        int at = value.lastIndexOf('@');
        String domain = at < 0 ? "" : value.substring(at);
        return "masked-" + pseudonym(agreement.getAgreementId() + "|" + value) + domain;
    }

    /** The indicator id matching {@link #minimisedValue}. */
    public static String minimisedId(PartnerAgreement agreement, Indicator indicator) {
        String value = minimisedValue(agreement, indicator);
        if (value.equals(indicator.getValue())) {
            return indicator.getId();
        }
        return indicator.getId().substring(0, indicator.getId().indexOf(':') + 1) + value;
    }

    private static String pseudonym(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * How often partners reported seeing the indicator, all together, counting only sightings reported
     * at a TLP the receiving partner's {@code ceiling} allows (docs/sharing-back.md): a partner's report
     * is never shared more widely than it was marked.
     */
    public static long partnerSightings(Indicator indicator, Tlp ceiling) {
        long total = 0;
        for (var sighting : indicator.getPartnerSightings()) {
            if (Tlp2.atOrBelow(sighting.getTlp(), ceiling)) {
                total += sighting.getCount();
            }
        }
        return total;
    }

    /**
     * When an indicator's embargo starts: its first sighting, but never before the hub itself first
     * received it ({@code receivedAt}, the hub's clock). A sensor chooses {@code firstSeen}; a back-dated
     * sighting from another vendor must not end an embargo early (docs/agreements.md, "Time").
     */
    public static Instant embargoStart(Indicator indicator) {
        Instant received = indicator.getReceivedAt();
        Instant first = indicator.getFirstSeen();
        return received != null && received.isAfter(first) ? received : first;
    }

    /**
     * Whether the agreement applies at {@code now}: well-formed and {@code now} within its period. An
     * agreement that does not is treated like an ended one: nothing more goes to its partner, and what
     * the partner holds is revoked or kept as {@code onEnd} says ({@link AgreementReconciler}).
     */
    public static boolean inForce(PartnerAgreement agreement, Instant now) {
        return agreement != null && invalid(agreement) == null && period(agreement, now) == null;
    }

    /**
     * The next moment after {@code now} at which {@link #inForce} may answer otherwise for this
     * agreement (its period begins or ends), or null when it never will: what stays the same until
     * then need not be asked again (the hub's reconciler, issue 13).
     */
    public static Instant nextChangeOfForce(PartnerAgreement agreement, Instant now) {
        if (agreement == null || invalid(agreement) != null) {
            return null;
        }
        if (now.isBefore(agreement.getValidFrom())) {
            return agreement.getValidFrom();
        }
        Instant until = agreement.getValidUntil();
        return until != null && now.isBefore(until) ? until : null;
    }

    /**
     * The record that takes an indicator back from a partner ({@code action} REVOKE, or EXPIRE when
     * the indicator itself expired) when the partner may no longer hold it. It names the indicator
     * the partner already has and nothing it may not see now: no families, campaigns, tags, sources,
     * country or score from the current state (which may be above the partner's ceiling or out of
     * its scope), the TLP marking of the partner's ceiling, and {@code validUntil = now}. It keeps
     * the agreement's redistribution right, so that whoever the partner passed the indicator on to
     * hears of its retraction too.
     */
    public static PartnerIndicator retraction(
            PartnerAgreement terms, Indicator indicator, LifecycleAction action, Instant now) {
        Tlp marking = Tlp2.isKnown(terms.getTlpCeiling()) ? terms.getTlpCeiling() : Tlp.CLEAR;
        return PartnerIndicator.newBuilder()
                .setPartnerId(terms.getPartnerId())
                .setAgreementId(terms.getAgreementId())
                .setAgreementVersion(terms.getVersion())
                .setIndicatorId(minimisedId(terms, indicator))
                .setType(indicator.getType())
                .setValue(minimisedValue(terms, indicator))
                .setAction(action)
                .setFirstSeen(indicator.getFirstSeen())
                .setLastSeen(indicator.getFirstSeen())
                .setValidUntil(now)
                .setConfidence(0)
                .setScore(0)
                .setTlp(marking)
                .setRedistributionAllowed(terms.getRedistributionAllowed())
                .setRedistributionScope(terms.getRedistributionScope())
                .setSharedAt(now)
                .setErased(indicator.getErased() && action == LifecycleAction.REVOKE)
                .build();
    }

    /** Whether a tag names an affected party (victim, affected organisation or its sector). */
    public static boolean namesAffectedParty(String tag) {
        if (tag == null) {
            return false;
        }
        String t = tag.strip().toLowerCase(Locale.ROOT);
        for (String prefix : AFFECTED_PARTY_TAG_PREFIXES) {
            if (t.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a windowed count may go to the agreement's partner at {@code now}, and as what. */
    public static StatisticDecision decideStatistic(PartnerAgreement agreement, StatisticInput input, Instant now) {
        if (agreement == null) {
            return statWithhold(NO_AGREEMENT, "no agreement with this partner");
        }
        if (input == null) {
            return statWithhold(NO_INDICATOR, "no statistic");
        }
        String invalid = invalid(agreement);
        if (invalid != null) {
            return statWithhold(INVALID_AGREEMENT, invalid);
        }
        String period = period(agreement, now);
        if (period != null) {
            return statWithhold(OUTSIDE_PERIOD, period);
        }
        int k = agreement.getStatisticsMinimumCount();
        StatisticInput s = input;
        boolean trends = agreement.getDataKinds().contains(DataKind.TRENDS);
        boolean statistics = agreement.getDataKinds().contains(DataKind.STATISTICS);
        if (s.isTrend() && (!trends || (s.previousCount() != null && s.previousCount() < k))) {
            s = s.withoutTrend();
        }
        if (s.isTrend() ? !trends : !statistics) {
            return statWithhold(
                    KIND_NOT_GRANTED,
                    "agreement grants " + agreement.getDataKinds() + ", not "
                            + (input.isTrend() ? "TRENDS or STATISTICS" : "STATISTICS"));
        }
        if (s.window() == StatisticWindow.UNKNOWN || s.dimension() == StatisticDimension.UNKNOWN) {
            return statWithhold(
                    UNKNOWN_DIMENSION,
                    "window " + s.window() + ", dimension " + s.dimension() + ": unknown values are never delivered");
        }
        AgreementScope scope = agreement.getScope();
        String value = s.dimensionValue();
        switch (s.dimension()) {
            case MALWARE_FAMILY -> {
                if (!scope.getMalwareFamilies().isEmpty() && !containsIgnoringCase(scope.getMalwareFamilies(), value)) {
                    return statWithhold(FAMILY_OUT_OF_SCOPE, value + " is not among " + scope.getMalwareFamilies());
                }
            }
            case INDICATOR_TYPE -> {
                IndicatorType type = indicatorType(value);
                if (type == null || type == IndicatorType.UNKNOWN) {
                    return statWithhold(TYPE_OUT_OF_SCOPE, "'" + value + "' is not an indicator type");
                }
                if (!scope.getIndicatorTypes().isEmpty()
                        && !scope.getIndicatorTypes().contains(type)) {
                    return statWithhold(TYPE_OUT_OF_SCOPE, type + " is not among " + scope.getIndicatorTypes());
                }
            }
            case COUNTRY -> {
                if (!scope.getCountries().isEmpty() && !containsIgnoringCase(scope.getCountries(), value)) {
                    return statWithhold(COUNTRY_OUT_OF_SCOPE, value + " is not among " + scope.getCountries());
                }
            }
            default -> {
                return statWithhold(UNKNOWN_DIMENSION, "dimension " + s.dimension() + " is never delivered");
            }
        }
        if (s.count() < k) {
            return new StatisticDecision.Suppressed(s.count(), k);
        }
        return new StatisticDecision.Deliver(TrendStatistic.newBuilder()
                .setPartnerId(agreement.getPartnerId())
                .setAgreementId(agreement.getAgreementId())
                .setAgreementVersion(agreement.getVersion())
                .setWindow(s.window())
                .setWindowStart(s.windowStart())
                .setWindowEnd(s.windowEnd())
                .setDimension(s.dimension())
                .setDimensionValue(value)
                .setCount(s.count())
                .setPreviousCount(s.previousCount())
                .setChangeRatio(s.changeRatio())
                .build());
    }

    // ---- helpers

    private static String invalid(PartnerAgreement a) {
        if (!ThreatlineTopics.isPartnerId(a.getPartnerId())) {
            return "partner id '" + a.getPartnerId() + "' is malformed";
        }
        if (a.getAgreementId() == null
                || a.getVersion() < 1
                || a.getValidFrom() == null
                || a.getDataKinds() == null
                || a.getScope() == null
                || a.getRedaction() == null) {
            return "agreement " + a.getAgreementId() + " v" + a.getVersion() + " lacks required fields";
        }
        if (a.getEmbargoMillis() < 0) {
            return "agreement " + a.getAgreementId() + " has a negative embargo";
        }
        return null;
    }

    private static String period(PartnerAgreement a, Instant now) {
        if (now == null) {
            return "no current time given";
        }
        if (now.isBefore(a.getValidFrom())) {
            return "agreement " + a.getAgreementId() + " starts at " + a.getValidFrom();
        }
        if (a.getValidUntil() != null && !now.isBefore(a.getValidUntil())) {
            return "agreement " + a.getAgreementId() + " ended at " + a.getValidUntil();
        }
        return null;
    }

    private static IndicatorType indicatorType(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        for (IndicatorType t : IndicatorType.values()) {
            if (t.name().equals(v)) {
                return t;
            }
        }
        return null;
    }

    private static boolean anyIgnoringCase(List<String> values, List<String> granted) {
        for (String v : values) {
            if (v != null && containsIgnoringCase(granted, v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoringCase(List<String> list, String value) {
        for (String s : list) {
            if (s != null && s.equalsIgnoreCase(value)) {
                return true;
            }
        }
        return false;
    }

    /** A withhold whose explanation is only put together when someone reads it (the router never does). */
    private static Decision.Withhold withhold(String code, java.util.function.Supplier<String> reason) {
        return new Decision.Withhold(code, reason);
    }

    private static StatisticDecision statWithhold(String code, String reason) {
        return new StatisticDecision.Withhold(code, reason);
    }
}
