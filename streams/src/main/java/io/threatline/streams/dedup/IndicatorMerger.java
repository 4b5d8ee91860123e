package io.threatline.streams.dedup;

import io.threatline.contract.Indicator;
import io.threatline.contract.KillChainPhase;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerSighting;
import io.threatline.contract.ReportKind;
import io.threatline.contract.ReportMark;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.tlp.Tlp2;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.schemas.validation.ContractLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Merges one sighting into an indicator's state and says whether that is news (DESIGN §5): NEW on
 * the first sighting, UPDATE only on a material change — a different confidence band, a new family
 * or campaign, a stricter TLP, a new vendor — and nothing for a repeat. A vendor's retraction
 * withdraws its own sightings, and revokes only what no other vendor asserts; the operator's revokes.
 * Pure: no I/O, no clock; the caller passes the time.
 *
 * <p>Every list of the state is bounded ({@link ContractLimits}; vendors and sensors by
 * {@code maxSources}): what an indicator holds first stays, and names beyond the bound are not
 * added. Without the bound, reports that each carry new tags would grow one indicator's state, its
 * changelog record and every output record made from it past what Kafka accepts.
 */
public final class IndicatorMerger {

    /** The new state to store (empty: delete it) and the change to emit (empty: nothing, a duplicate). */
    public record Merge(Optional<Indicator> state, Optional<Indicator> emitted) {}

    private final Lifetimes lifetimes;
    private final int maxSources;
    private final UnaryOperator<List<String>> familyResolver;

    /**
     * @param maxSources     most vendors and sensors kept per indicator (the first ones win)
     * @param familyResolver turns reported family names into canonical ones (aliases resolved)
     */
    public IndicatorMerger(Lifetimes lifetimes, int maxSources, UnaryOperator<List<String>> familyResolver) {
        this.lifetimes = lifetimes;
        this.maxSources = maxSources;
        this.familyResolver = familyResolver;
    }

    public Merge merge(Indicator state, ThreatEvent event, CanonicalIndicator canonical, Instant now) {
        if (event.getRetraction()) {
            return retract(state, event, now);
        }
        if (event.getReport() != null && event.getReport().getKind() == ReportKind.SIGHTING) {
            return partnerSighting(state, event.getReport(), event.getObservedAt(), event.getTlp(), now);
        }
        String sensor = event.getVendor() + "/" + event.getSensorId();
        List<String> families = familyResolver.apply(event.getMalwareFamilies());
        if (state == null) {
            Instant seen = event.getObservedAt();
            Indicator fresh = new Indicator(
                    canonical.id(),
                    canonical.type(),
                    canonical.value(),
                    LifecycleAction.NEW,
                    seen,
                    seen,
                    1L,
                    List.of(event.getVendor()),
                    List.of(sensor),
                    event.getConfidence(),
                    event.getTlp(),
                    union(List.of(), families, ContractLimits.MAX_FAMILIES),
                    event.getCampaign() == null ? List.of() : List.of(event.getCampaign()),
                    union(List.of(), event.getTags(), ContractLimits.MAX_TAGS),
                    event.getKillChainPhase() == null ? List.of() : List.of(event.getKillChainPhase()),
                    null,
                    null,
                    null,
                    0,
                    now,
                    seen.plus(lifetimes.of(canonical.type())),
                    now,
                    List.of(),
                    false);
            return new Merge(Optional.of(fresh), Optional.of(fresh));
        }

        Instant firstSeen = min(state.getFirstSeen(), event.getObservedAt());
        Instant lastSeen = max(state.getLastSeen(), event.getObservedAt());
        List<String> vendors = bounded(state.getVendors(), event.getVendor());
        boolean newVendor = vendors.size() > state.getVendors().size();
        int confidence = Math.max(state.getConfidence(), event.getConfidence());
        var tlp = Tlp2.mostRestrictive(state.getTlp(), event.getTlp());
        List<String> allFamilies = union(state.getMalwareFamilies(), families, ContractLimits.MAX_FAMILIES);
        List<String> campaigns = union(
                state.getCampaigns(),
                event.getCampaign() == null ? List.of() : List.of(event.getCampaign()),
                ContractLimits.MAX_CAMPAIGNS);
        boolean material = newVendor
                || band(confidence) != band(state.getConfidence())
                || tlp != state.getTlp()
                || allFamilies.size() != state.getMalwareFamilies().size()
                || campaigns.size() != state.getCampaigns().size();

        Indicator next = Indicators.copyOf(state);
        next.setFirstSeen(firstSeen);
        next.setLastSeen(lastSeen);
        next.setSightings(state.getSightings() + 1);
        next.setVendors(vendors);
        next.setSensors(bounded(state.getSensors(), sensor));
        next.setConfidence(confidence);
        next.setTlp(tlp);
        next.setMalwareFamilies(allFamilies);
        next.setCampaigns(campaigns);
        next.setTags(union(state.getTags(), event.getTags(), ContractLimits.MAX_TAGS));
        next.setKillChainPhases(phases(state.getKillChainPhases(), event.getKillChainPhase()));
        next.setExpiresAt(lastSeen.plus(lifetimes.of(state.getType())));
        if (!material) {
            // Stored (sightings, last seen) but not emitted: that is the dedup.
            return new Merge(Optional.of(next), Optional.empty());
        }
        next.setAction(LifecycleAction.UPDATE);
        next.setUpdatedAt(now);
        return new Merge(Optional.of(next), Optional.of(next));
    }

    /**
     * A partner's sighting (docs/sharing-back.md) adds to its own count in the indicator's partner
     * sightings, apart from the vendors' sightings, and is news (an UPDATE): partners whose agreement
     * grants SIGHTINGS see the total of the sightings their ceiling allows: a partner's sightings are
     * counted apart for each TLP they were shared at, so a count a partner sees never drops. It never creates an indicator (a sighting of one the hub no
     * longer holds changes nothing) and does not move the lifecycle: expiry follows the vendors.
     */
    private Merge partnerSighting(Indicator state, ReportMark report, Instant seen, Tlp tlp, Instant now) {
        if (state == null) {
            return new Merge(Optional.empty(), Optional.empty());
        }
        List<PartnerSighting> sightings =
                new ArrayList<>(state.getPartnerSightings().size() + 1);
        boolean found = false;
        for (PartnerSighting s : state.getPartnerSightings()) {
            if (s.getPartnerId().equals(report.getPartnerId()) && s.getTlp() == tlp) {
                sightings.add(new PartnerSighting(
                        s.getPartnerId(),
                        s.getCount() + report.getCount(),
                        s.getLastSeen().isAfter(seen) ? s.getLastSeen() : seen,
                        tlp));
                found = true;
            } else {
                sightings.add(s);
            }
        }
        if (!found) {
            if (sightings.size() >= maxSources) {
                // Bounded like the vendors: partners beyond the bound are not kept.
                return new Merge(Optional.of(state), Optional.empty());
            }
            sightings.add(new PartnerSighting(report.getPartnerId(), (long) report.getCount(), seen, tlp));
        }
        Indicator next = Indicators.copyOf(state);
        next.setPartnerSightings(sightings);
        next.setAction(LifecycleAction.UPDATE);
        next.setUpdatedAt(now);
        return new Merge(Optional.of(next), Optional.of(next));
    }

    /**
     * A vendor's retraction withdraws that vendor's own sightings: its name and its sensors leave
     * the state (an UPDATE, since the sources changed), and the indicator is revoked only when no
     * vendor still asserts it. A vendor cannot withdraw what others reported; a retraction of what
     * it never reported changes nothing. The operator's retraction revokes whatever the vendors say, and
     * so does a false-positive report of a partner whose agreement trusts it (the hub made that retraction).
     * (Vendors beyond {@code maxSources} are not kept, so they cannot keep an indicator alive.)
     */
    private Merge retract(Indicator state, ThreatEvent event, Instant now) {
        if (state == null) {
            return new Merge(Optional.empty(), Optional.empty());
        }
        String vendor = event.getVendor();
        boolean overrides = SensorSources.isOperator(vendor)
                || event.getReport() != null && event.getReport().getKind() == ReportKind.FALSE_POSITIVE;
        if (!overrides) {
            if (!state.getVendors().contains(vendor)) {
                return new Merge(Optional.of(state), Optional.empty());
            }
            List<String> remaining =
                    state.getVendors().stream().filter(v -> !v.equals(vendor)).toList();
            if (!remaining.isEmpty()) {
                String sensorPrefix = vendor + "/";
                Indicator updated = Indicators.copyOf(state);
                updated.setVendors(remaining);
                updated.setSensors(state.getSensors().stream()
                        .filter(s -> !s.startsWith(sensorPrefix))
                        .toList());
                updated.setAction(LifecycleAction.UPDATE);
                updated.setUpdatedAt(now);
                return new Merge(Optional.of(updated), Optional.of(updated));
            }
        }
        Indicator revoked = Indicators.copyOf(state);
        revoked.setAction(LifecycleAction.REVOKE);
        revoked.setUpdatedAt(now);
        return new Merge(Optional.empty(), Optional.of(revoked));
    }

    /** The state as an EXPIRE change, when it has not been seen for its lifetime. */
    public static Indicator expire(Indicator state, Instant now) {
        Indicator expired = Indicators.copyOf(state);
        expired.setAction(LifecycleAction.EXPIRE);
        expired.setUpdatedAt(now);
        return expired;
    }

    /** Confidence bands: a move within a band is not news. */
    static int band(int confidence) {
        return confidence >= 75 ? 3 : confidence >= 50 ? 2 : confidence >= 25 ? 1 : 0;
    }

    private List<String> bounded(List<String> current, String added) {
        if (current.contains(added) || current.size() >= maxSources) {
            return current;
        }
        List<String> next = new ArrayList<>(current.size() + 1);
        next.addAll(current);
        next.add(added);
        return next;
    }

    /**
     * {@code a} with what {@code b} adds, sorted, at most {@code most} names: {@code a}'s first (a
     * state from before the bound is cut to it), then {@code b}'s in their order.
     */
    static List<String> union(List<String> a, List<String> b, int most) {
        if (a.size() <= most && (b.isEmpty() || a.size() == most || a.containsAll(b))) {
            return a;
        }
        LinkedHashSet<String> all = new LinkedHashSet<>();
        for (String name : a) {
            if (all.size() == most) {
                break;
            }
            all.add(name);
        }
        for (String name : b) {
            if (all.size() == most) {
                break;
            }
            all.add(name);
        }
        return sorted(List.copyOf(all));
    }

    private static List<KillChainPhase> phases(List<KillChainPhase> current, KillChainPhase added) {
        if (added == null || current.contains(added)) {
            return current;
        }
        List<KillChainPhase> next = new ArrayList<>(current);
        next.add(added);
        return next;
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().distinct().sorted().toList();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
