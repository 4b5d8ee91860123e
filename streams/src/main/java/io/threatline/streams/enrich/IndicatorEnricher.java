package io.threatline.streams.enrich;

import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.streams.dedup.Indicators;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Enriches an indicator from reference data: canonical malware families, the autonomous system
 * and country of IP indicators, and the threat score; and says whether it is on a benign list.
 *
 * <ul>
 *   <li>Families: {@link FamilyResolver#canonicalFamilies}.
 *   <li>IP data (IPV4 and IPV6 only): set from the range holding the address; when no range
 *       holds it, the indicator's existing values are kept (no information is not a negative
 *       answer, and a source may have supplied them).
 *   <li>Score: {@link ThreatScore} with the indicator's confidence, the number of distinct
 *       vendors (case-insensitive), the age since {@code lastSeen} and the reliability of its most
 *       reliable vendor (100 for every vendor unless a reliability function is given).
 * </ul>
 *
 * <p>The input is never modified; a new {@link Indicator} is returned.
 */
public final class IndicatorEnricher {

    private final FamilyResolver families;
    private final IpIntelligence ipIntelligence;
    private final BenignMatcher benign;
    private final ThreatScore threatScore;
    private final ToIntFunction<String> vendorReliability;
    private final Clock clock;

    /** An enricher trusting every vendor fully, with the system clock. */
    public IndicatorEnricher(
            FamilyResolver families, IpIntelligence ipIntelligence, BenignMatcher benign, ThreatScore threatScore) {
        this(families, ipIntelligence, benign, threatScore, vendor -> 100, Clock.systemUTC());
    }

    /**
     * @param vendorReliability reliability 0..100 of a vendor, by vendor name
     * @param clock the clock {@link #enrich(Indicator)} measures age with
     */
    public IndicatorEnricher(
            FamilyResolver families,
            IpIntelligence ipIntelligence,
            BenignMatcher benign,
            ThreatScore threatScore,
            ToIntFunction<String> vendorReliability,
            Clock clock) {
        this.families = Objects.requireNonNull(families, "families");
        this.ipIntelligence = Objects.requireNonNull(ipIntelligence, "ipIntelligence");
        this.benign = Objects.requireNonNull(benign, "benign");
        this.threatScore = Objects.requireNonNull(threatScore, "threatScore");
        this.vendorReliability = Objects.requireNonNull(vendorReliability, "vendorReliability");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The indicator enriched, its age measured at the clock's now. */
    public Indicator enrich(Indicator indicator) {
        return enrich(indicator, clock.instant());
    }

    /** The indicator enriched, its age measured at {@code now} (say the record's timestamp). */
    public Indicator enrich(Indicator indicator, Instant now) {
        Indicator enriched = Indicators.copyOf(indicator);
        enriched.setMalwareFamilies(families.canonicalFamilies(indicator.getMalwareFamilies()));
        IndicatorType type = indicator.getType();
        if (type == IndicatorType.IPV4 || type == IndicatorType.IPV6) {
            ipIntelligence.lookup(type, indicator.getValue()).ifPresent(info -> {
                enriched.setAsn(info.asn());
                enriched.setAsOrganization(info.asOrganization());
                enriched.setCountry(info.country());
            });
        }
        Duration age = indicator.getLastSeen() == null ? Duration.ZERO : Duration.between(indicator.getLastSeen(), now);
        enriched.setScore(threatScore.score(
                type,
                reliability(indicator.getVendors()),
                independentVendors(indicator.getVendors()),
                age,
                indicator.getConfidence()));
        return enriched;
    }

    /** The benign list the indicator is on, if any: the hub counts and drops such indicators. */
    public Optional<String> benignList(Indicator indicator) {
        return benign.match(indicator.getType(), indicator.getValue());
    }

    /** Number of distinct non-blank vendors, ignoring case. */
    static int independentVendors(List<String> vendors) {
        if (vendors == null) {
            return 0;
        }
        Set<String> distinct = new HashSet<>();
        for (String vendor : vendors) {
            if (vendor != null && !vendor.isBlank()) {
                distinct.add(vendor.strip().toLowerCase(Locale.ROOT));
            }
        }
        return distinct.size();
    }

    private int reliability(List<String> vendors) {
        if (vendors == null || vendors.isEmpty()) {
            return 100;
        }
        int best = 0;
        for (String vendor : vendors) {
            if (vendor != null) {
                best = Math.max(best, vendorReliability.applyAsInt(vendor));
            }
        }
        return best;
    }
}
