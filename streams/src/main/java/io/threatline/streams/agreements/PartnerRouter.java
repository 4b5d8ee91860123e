package io.threatline.streams.agreements;

import io.threatline.agreements.AgreementPolicy;
import io.threatline.agreements.Decision;
import io.threatline.contract.Indicator;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.streams.dedup.DedupProcessor;
import io.threatline.streams.enrich.Enrichment;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.TimeKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies every partner's current agreement to each indicator change and emits what each partner
 * may see, already redacted, carrying the agreement id and version. Agreements come from a global
 * store fed by the compacted agreements topic, so a changed or ended agreement applies to the very
 * next record; an unknown partner or a missing agreement gets nothing.
 *
 * <p>Per indicator it remembers which partners hold it (the delivered set), so that a partner's
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
public final class PartnerRouter extends ContextualProcessor<String, Indicator, String, PartnerIndicator> {

    public static final String AGREEMENTS_STORE = "agreements";
    public static final String DELIVERED_STORE = "partner-delivered";
    public static final String EMBARGO_STORE = "partner-embargo";

    private final Duration embargoScanInterval;
    private final HubCounters counters;
    private final AgreementsSnapshot snapshot;
    private final Function<ProcessorContext<?, ?>, Enrichment> enrichment;
    private final int backfillRate;
    private AgreementsSnapshot.View agreements;
    private KeyValueStore<String, String> delivered;
    private KeyValueStore<String, String> embargoed;
    private KeyValueStore<String, Indicator> indicators;
    private final java.time.Clock clock;
    private AgreementReconciler reconciler;
    private Enrichment reference;

    public PartnerRouter(
            Duration embargoScanInterval,
            HubCounters counters,
            AgreementsSnapshot snapshot,
            Function<ProcessorContext<?, ?>, Enrichment> enrichment,
            int backfillRate,
            java.time.Clock clock) {
        this.clock = clock;
        this.embargoScanInterval = embargoScanInterval;
        this.counters = counters;
        this.snapshot = snapshot;
        this.enrichment = enrichment;
        this.backfillRate = backfillRate;
    }

    @Override
    public void init(ProcessorContext<String, PartnerIndicator> context) {
        super.init(context);
        agreements = snapshot.view(context.getStateStore(AGREEMENTS_STORE));
        delivered = context.getStateStore(DELIVERED_STORE);
        embargoed = context.getStateStore(EMBARGO_STORE);
        indicators = context.getStateStore(DedupProcessor.STATE_STORE);
        reference = enrichment.apply(context);
        reconciler = new AgreementReconciler(
                agreements,
                indicators,
                delivered,
                embargoed,
                context.getStateStore(AgreementReconciler.RECONCILE_STORE),
                context.getStateStore(AgreementReconciler.TERMS_STORE),
                reference,
                counters,
                (id, record, timestamp) -> context().forward(new Record<>(id, record, timestamp)),
                backfillRate,
                embargoScanInterval);
        // Wall-clock punctuations decide when to look; the hub's clock decides what is due.
        context.schedule(embargoScanInterval, PunctuationType.WALL_CLOCK_TIME, t -> releaseEmbargoed(clock.millis()));
        context.schedule(
                AgreementReconciler.TICK, PunctuationType.WALL_CLOCK_TIME, t -> reconciler.run(clock.millis()));
    }

    @Override
    public void close() {
        if (reconciler != null) {
            reconciler.close();
        }
    }

    @Override
    public void process(Record<String, Indicator> record) {
        long wallClock = clock.millis();
        Instant now = Instant.ofEpochMilli(wallClock);
        Indicator change = record.value();
        // One read and at most one write of the delivered set per change, whatever the number of partners.
        DeliveredSet deliveredTo = DeliveredSet.parse(delivered.get(change.getId()));
        // Only the agreements that may take the change, and those of the partners that hold it.
        for (PartnerAgreement agreement : agreements.index().targets(change, deliveredTo.partners())) {
            route(agreement, change, deliveredTo, now, wallClock);
        }
        saveIfChanged(delivered, change.getId(), deliveredTo);
    }

    static void saveIfChanged(KeyValueStore<String, String> delivered, String indicatorId, DeliveredSet deliveredTo) {
        if (deliveredTo.changed()) {
            if (deliveredTo.isEmpty()) {
                delivered.delete(indicatorId);
            } else {
                delivered.put(indicatorId, deliveredTo.format());
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
            context().forward(new Record<>(change.getId(), out, timestamp));
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
                context()
                        .forward(new Record<>(
                                change.getId(),
                                AgreementPolicy.retraction(agreement, change, LifecycleAction.REVOKE, now),
                                timestamp));
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
        context().forward(new Record<>(change.getId(), out, timestamp));
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
            Indicator stored = indicators.get(indicatorId);
            PartnerAgreement agreement = agreements.of(partnerId);
            if (stored == null || agreement == null) {
                continue;
            }
            // The state is kept unenriched; decide on it as the live path would see it.
            Indicator current = reference.enrich(stored);
            DeliveredSet deliveredTo = DeliveredSet.parse(delivered.get(indicatorId));
            route(agreement, current, deliveredTo, now, wallClock);
            saveIfChanged(delivered, indicatorId, deliveredTo);
        }
    }
}
