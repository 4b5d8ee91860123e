package io.threatline.streams.agreements;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.contract.Indicator;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.streams.dedup.IndicatorState;
import io.threatline.streams.enrich.Enrichment;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.TimeKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies every partner's current agreement to each indicator change and emits what each partner
 * may see, already redacted, carrying the agreement id and version. Agreements come from a global
 * store fed by the compacted agreements topic, so a changed or ended agreement applies to the very
 * next record; an unknown partner or a missing agreement gets nothing.
 *
 * <p>It runs inside the processor that keeps the indicators' state (the dedup's, {@code
 * dedup/DedupProcessor}), on each change as the dedup makes it, so that one read and one write of
 * an indicator's state record serve both (docs/architecture.md, "The hub's state").
 *
 * <p>Per indicator it remembers which partners hold it (the delivered set, kept in the indicator's
 * state record as {@link IndicatorState#holders}), so that a partner's
 * first record of an indicator is always a NEW (even when the hub's change was an UPDATE that newly
 * brought it into scope), a change that takes a held indicator out of the partner's scope (its TLP
 * raised above the ceiling, its family or confidence changed) sends a REVOKE, and EXPIRE/REVOKE go
 * only to partners that hold it. Embargoed records wait in an index and are re-decided on the
 * indicator's current state once the embargo ends. Changes of the terms themselves (a new, widened,
 * narrowed, ended or replayed agreement) are the {@link AgreementReconciler}'s, which runs here on
 * the hub's wall clock.
 *
 * <p>Time is the hub's own (docs/agreements.md, "Time"): the period, the embargo and
 * {@code sharedAt} are judged on the wall clock, never on a timestamp a sensor chose.
 */
public final class PartnerRouter {

    public static final String AGREEMENTS_STORE = "agreements";
    public static final String EMBARGO_STORE = "partner-embargo";
    /** The reason the withheld metric gives a new indicator held back by an embargo (released later). */
    public static final String EMBARGOED = "EMBARGOED";

    /** Sends one record to a partner's topic. */
    public interface Sender {
        void send(String indicatorId, PartnerIndicator record, long timestamp);
    }

    private final Duration embargoScanInterval;
    private final HubCounters counters;
    private final AgreementsSnapshot snapshot;
    private final int backfillRate;
    private final Clock clock;
    private AgreementsSnapshot.View agreements;
    private KeyValueStore<String, String> embargoed;
    private KeyValueStore<String, IndicatorState> indicators;
    private AgreementReconciler reconciler;
    private Enrichment reference;
    private Sender sender;

    public PartnerRouter(
            Duration embargoScanInterval,
            HubCounters counters,
            AgreementsSnapshot snapshot,
            int backfillRate,
            Clock clock) {
        this.clock = clock;
        this.embargoScanInterval = embargoScanInterval;
        this.counters = counters;
        this.snapshot = snapshot;
        this.backfillRate = backfillRate;
    }

    /**
     * Called from the init of the processor that runs it.
     *
     * @param indicators the indicators' state, with the partners that hold each
     * @param enrichment the reference data, as the processor's task sees it
     * @param sender where partner records go (the processor's sink of partner topics)
     */
    public void init(
            ProcessorContext<?, ?> context,
            KeyValueStore<String, IndicatorState> indicators,
            Enrichment enrichment,
            Sender sender) {
        this.agreements = snapshot.view(context.getStateStore(AGREEMENTS_STORE));
        this.embargoed = context.getStateStore(EMBARGO_STORE);
        this.indicators = indicators;
        this.reference = enrichment;
        this.sender = sender;
        reconciler = new AgreementReconciler(
                agreements,
                indicators,
                embargoed,
                context.getStateStore(AgreementReconciler.RECONCILE_STORE),
                context.getStateStore(AgreementReconciler.TERMS_STORE),
                reference,
                counters,
                sender,
                backfillRate,
                embargoScanInterval);
        // Wall-clock punctuations decide when to look; the hub's clock decides what is due.
        context.schedule(embargoScanInterval, PunctuationType.WALL_CLOCK_TIME, t -> releaseEmbargoed(clock.millis()));
        context.schedule(
                AgreementReconciler.TICK, PunctuationType.WALL_CLOCK_TIME, t -> reconciler.run(clock.millis()));
    }

    public void close() {
        if (reconciler != null) {
            reconciler.close();
        }
    }

    /**
     * Tells a partner that no longer holds an erased indicator, but once received it (the erasure
     * request names it, from its receipts), to delete every copy (docs/data-protection.md): a REVOKE
     * marked erased that names the indicator and nothing else, as {@link AgreementPolicy#retraction}
     * makes it. A partner without an agreement now cannot be addressed and is skipped.
     *
     * @return whether the notice was sent
     */
    public boolean erasureNotice(String partnerId, Indicator erased, long timestamp) {
        PartnerAgreement agreement = agreements.of(partnerId);
        if (agreement == null) {
            return false;
        }
        counters.delivered(partnerId);
        sender.send(
                erased.getId(),
                AgreementPolicy.retraction(
                        agreement, erased, LifecycleAction.REVOKE, Instant.ofEpochMilli(clock.millis())),
                timestamp);
        return true;
    }

    /**
     * Routes one change of an indicator (enriched, as on the indicators topic) to the partners.
     *
     * @param holders the partners that hold it ({@link IndicatorState#holders})
     * @return the partners that hold it afterwards: {@code holders} itself when routing changed nothing
     */
    public String route(Indicator change, String holders) {
        long wallClock = clock.millis();
        Instant now = Instant.ofEpochMilli(wallClock);
        DeliveredSet deliveredTo = DeliveredSet.parse(holders);
        // Only the agreements that may take the change, and those of the partners that hold it.
        List<PartnerAgreement> targets = agreements.index().targets(change, deliveredTo.partners());
        for (PartnerAgreement agreement : targets) {
            route(agreement, change, deliveredTo, now, wallClock);
        }
        if (change.getAction() == LifecycleAction.NEW) {
            countRuledOut(change, targets, now);
        }
        return deliveredTo.changed() ? deliveredTo.format() : holders;
    }

    /**
     * Counts, for the withheld metric, a new indicator against every agreement the index ruled out (it
     * cannot take it), with the reason {@code decide} gives. Only for NEW changes, so the cost is one
     * decision per ruled-out agreement per new indicator; {@code targets} is in the index's order.
     */
    private void countRuledOut(Indicator change, List<PartnerAgreement> targets, Instant now) {
        int next = 0;
        for (PartnerAgreement agreement : agreements.index().all()) {
            if (next < targets.size() && targets.get(next) == agreement) {
                next++;
                continue;
            }
            if (AgreementPolicy.decide(agreement, change, now) instanceof Decision.Withhold w) {
                counters.withheld(agreement.getPartnerId(), w.reasonCode());
            }
        }
    }

    static String embargoKey(Instant until, String partner, String indicatorId) {
        return TimeKeys.hex16(until.toEpochMilli()) + "|" + partner + "|" + indicatorId;
    }

    private void route(
            PartnerAgreement agreement, Indicator change, DeliveredSet deliveredTo, Instant now, long timestamp) {
        String partner = agreement.getPartnerId();
        boolean had = deliveredTo.contains(partner);
        LifecycleAction action = change.getAction();
        boolean ending = action == LifecycleAction.EXPIRE || action == LifecycleAction.REVOKE;
        if (ending && !had) {
            return;
        }
        Decision decision = AgreementPolicy.decide(agreement, change, now);
        if (action == LifecycleAction.NEW) {
            if (decision instanceof Decision.Withhold w) {
                counters.withheld(partner, w.reasonCode());
            } else if (decision instanceof Decision.Embargoed) {
                counters.withheld(partner, EMBARGOED);
            }
        }
        if (decision instanceof Decision.Withhold w && notInForce(w)) {
            // Ended, over or not begun: the reconciler revokes or keeps what the partner holds, as the agreement says.
            return;
        }
        if (ending) {
            // The partner holds it: it always hears that it ended, in full only if it may still see the indicator.
            deliveredTo.remove(partner);
            PartnerIndicator out = decision instanceof Decision.Deliver deliver
                    ? deliver.record()
                    : AgreementPolicy.retraction(agreement, change, action, now);
            counters.delivered(partner);
            sender.send(change.getId(), out, timestamp);
            return;
        }
        if (decision instanceof Decision.Embargoed e) {
            if (!had) {
                embargoed.put(embargoKey(e.until(), partner, change.getId()), "");
            }
            return;
        }
        if (!(decision instanceof Decision.Deliver deliver)) {
            if (had) {
                // The change took it out of the partner's scope: take it back.
                deliveredTo.remove(partner);
                counters.delivered(partner);
                counters.retracted(partner);
                sender.send(
                        change.getId(),
                        AgreementPolicy.retraction(agreement, change, LifecycleAction.REVOKE, now),
                        timestamp);
            }
            return;
        }
        PartnerIndicator out = deliver.record();
        if (!had) {
            out.setAction(LifecycleAction.NEW);
            deliveredTo.add(partner);
        } else {
            out.setAction(LifecycleAction.UPDATE);
        }
        counters.delivered(partner);
        sender.send(change.getId(), out, timestamp);
    }

    /** {@code decide}'s answer when the agreement is not in force ({@link AgreementPolicy#inForce}), read off, not checked twice. */
    private static boolean notInForce(Decision.Withhold withhold) {
        return AgreementPolicy.OUTSIDE_PERIOD.equals(withhold.reasonCode())
                || AgreementPolicy.INVALID_AGREEMENT.equals(withhold.reasonCode());
    }

    private void releaseEmbargoed(long wallClock) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it =
                embargoed.range(TimeKeys.dueFrom(), TimeKeys.dueThrough(wallClock))) {
            it.forEachRemaining(kv -> due.add(kv.key));
        }
        Instant now = Instant.ofEpochMilli(wallClock);
        for (String key : due) {
            embargoed.delete(key);
            String partnerAndId = key.substring(17);
            int bar = partnerAndId.indexOf('|');
            String partnerId = partnerAndId.substring(0, bar);
            String indicatorId = partnerAndId.substring(bar + 1);
            IndicatorState stored = indicators.get(indicatorId);
            PartnerAgreement agreement = agreements.of(partnerId);
            if (stored == null || agreement == null) {
                continue;
            }
            // The state is kept unenriched; decide on it as the live path would see it.
            Indicator current = reference.enrich(stored.indicator());
            DeliveredSet deliveredTo = DeliveredSet.parse(stored.holders());
            route(agreement, current, deliveredTo, now, wallClock);
            saveIfChanged(indicators, stored, deliveredTo);
        }
    }

    /** Writes the state back when the partners that hold the indicator changed. */
    static void saveIfChanged(
            KeyValueStore<String, IndicatorState> indicators, IndicatorState stored, DeliveredSet deliveredTo) {
        if (deliveredTo.changed()) {
            indicators.put(stored.indicator().getId(), stored.withHolders(deliveredTo.format()));
        }
    }

    /** The id of the partner's agreement now ("" when it has none), for what the hub records of its reports. */
    public String agreementId(String partnerId) {
        PartnerAgreement agreement = agreements.of(partnerId);
        return agreement == null ? "" : agreement.getAgreementId();
    }
}
