package io.threatline.streams.agreements;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import io.threatline.contract.Indicator;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.PartnerIndicator;
import io.threatline.streams.dedup.DedupProcessor;
import io.threatline.streams.topology.HubCounters;

/**
 * Applies every partner's current agreement to each indicator change and emits what each partner
 * may see, already redacted, carrying the agreement id and version. Agreements come from a global
 * store fed by the compacted agreements topic, so a changed or ended agreement applies to the very
 * next record; an unknown partner or a missing agreement gets nothing.
 *
 * <p>Per indicator it remembers which partners it delivered to, so that a partner's first record of an indicator
 * is always a NEW (even when the hub's change was an UPDATE that newly brought it into scope), and
 * EXPIRE/REVOKE go only to partners that had it. Embargoed records wait in an index and are
 * re-decided on the indicator's current state once the embargo ends.
 */
public final class PartnerRouter extends ContextualProcessor<String, Indicator, String, PartnerIndicator> {

    public static final String AGREEMENTS_STORE = "agreements";
    public static final String DELIVERED_STORE = "partner-delivered";
    public static final String EMBARGO_STORE = "partner-embargo";

    private final Duration embargoScanInterval;
    private final HubCounters counters;
    private final AgreementsSnapshot snapshot;
    private AgreementsSnapshot.View agreements;
    private KeyValueStore<String, String> delivered;
    private KeyValueStore<String, String> embargoed;
    private KeyValueStore<String, Indicator> indicators;

    public PartnerRouter(Duration embargoScanInterval, HubCounters counters, AgreementsSnapshot snapshot) {
        this.embargoScanInterval = embargoScanInterval;
        this.counters = counters;
        this.snapshot = snapshot;
    }

    @Override
    public void init(ProcessorContext<String, PartnerIndicator> context) {
        super.init(context);
        agreements = snapshot.view(context.getStateStore(AGREEMENTS_STORE));
        delivered = context.getStateStore(DELIVERED_STORE);
        embargoed = context.getStateStore(EMBARGO_STORE);
        indicators = context.getStateStore(DedupProcessor.STATE_STORE);
        context.schedule(embargoScanInterval, PunctuationType.STREAM_TIME, this::releaseEmbargoed);
    }

    @Override
    public void process(Record<String, Indicator> record) {
        Instant now = Instant.ofEpochMilli(record.timestamp());
        Indicator change = record.value();
        // One read and at most one write of the delivered set per change, whatever the number of partners.
        DeliveredSet deliveredTo = DeliveredSet.parse(delivered.get(change.getId()));
        for (PartnerAgreement agreement : agreements.all()) {
            route(agreement, change, deliveredTo, now, record.timestamp());
        }
        saveIfChanged(change.getId(), deliveredTo);
    }

    private void saveIfChanged(String indicatorId, DeliveredSet deliveredTo) {
        if (deliveredTo.changed()) {
            if (deliveredTo.isEmpty()) {
                delivered.delete(indicatorId);
            } else {
                delivered.put(indicatorId, deliveredTo.format());
            }
        }
    }

    private void route(PartnerAgreement agreement, Indicator change, DeliveredSet deliveredTo, Instant now, long timestamp) {
        String partner = agreement.getPartnerId();
        boolean had = deliveredTo.contains(partner);
        LifecycleAction action = change.getAction();
        boolean ending = action == LifecycleAction.EXPIRE || action == LifecycleAction.REVOKE;
        if (ending && !had) {
            return;
        }
        Decision decision = AgreementPolicy.decide(agreement, change, now);
        if (decision instanceof Decision.Embargoed e) {
            if (!had && !ending) {
                embargoed.put(String.format("%016x|%s|%s", e.until().toEpochMilli(), partner, change.getId()), "");
            }
            return;
        }
        if (!(decision instanceof Decision.Deliver deliver)) {
            return;
        }
        PartnerIndicator out = deliver.record();
        if (ending) {
            deliveredTo.remove(partner);
        } else if (!had) {
            out.setAction(LifecycleAction.NEW);
            deliveredTo.add(partner);
        } else {
            out.setAction(LifecycleAction.UPDATE);
        }
        counters.delivered(partner);
        context().forward(new Record<>(change.getId(), out, timestamp));
    }

    private void releaseEmbargoed(long streamTime) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = embargoed.range(String.format("%016x|", 0L), String.format("%016x|~", streamTime))) {
            it.forEachRemaining(kv -> due.add(kv.key));
        }
        Instant now = Instant.ofEpochMilli(streamTime);
        for (String key : due) {
            embargoed.delete(key);
            String partnerAndId = key.substring(17);
            int bar = partnerAndId.indexOf('|');
            String partnerId = partnerAndId.substring(0, bar);
            String indicatorId = partnerAndId.substring(bar + 1);
            Indicator current = indicators.get(indicatorId);
            PartnerAgreement agreement = agreements.of(partnerId);
            if (current == null || agreement == null) {
                continue;
            }
            DeliveredSet deliveredTo = DeliveredSet.parse(delivered.get(indicatorId));
            route(agreement, current, deliveredTo, now, streamTime);
            saveIfChanged(indicatorId, deliveredTo);
        }
    }
}
