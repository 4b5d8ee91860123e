package io.threatline.streams.dedup;

import io.threatline.contract.Indicator;
import io.threatline.contract.ReportKind;
import io.threatline.contract.ReportMark;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.streams.agreements.PartnerRouter;
import io.threatline.streams.enrich.Enrichment;
import io.threatline.streams.inbound.PartnerReports;
import io.threatline.streams.inbound.Suppressions;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.TimeKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Keeps one Indicator per canonical id in a persistent store and emits its lifecycle: NEW, UPDATE
 * on a material change, nothing for a repeat, REVOKE on a retraction, and EXPIRE — from a
 * stream-time punctuation over an expiry index — once the type's lifetime has passed without a
 * sighting. The store only holds live indicators, so it is bounded by those lifetimes.
 *
 * <p>The expiry index is derived data and has no changelog: when a task starts, {@link #init} puts
 * every live indicator's expiry time into it from the state (restored by then), so an index lost
 * with a machine, or never built on the machine the task moved to, is whole again before the first
 * record. Entries it holds already are harmless: a due entry whose indicator is gone, or not yet
 * due, is dropped or moved when the scan reaches it.
 *
 * <p>Each change goes, enriched, to every child — the sink {@link #OUTPUT_SINK}, which writes it to
 * the indicators topic, and the statistics — and in the same call to the agreements' {@link
 * PartnerRouter}, whose records go to {@link #OUTPUT_SINK} only, which writes each to its
 * partner's topic. Which partners hold the indicator is part of its state
 * record ({@link IndicatorState}), so a change costs one read and one write of one store however it
 * is routed (docs/architecture.md, "The hub's state").
 */
public final class DedupProcessor extends ContextualProcessor<String, ThreatEvent, String, SpecificRecord> {

    /** Why a partner's sighting or false positive was not taken: it was never given the indicator. */
    public static final String REPORT_NOT_HELD = "REPORT_NOT_HELD";

    public static final String STATE_STORE = "indicator-state";
    public static final String EXPIRY_STORE = "indicator-expiry";

    /**
     * Indicators gone from the state (expired, revoked) whose tombstone is due, keyed
     * {@code <due, 16 hex>|<id>} (docs/data-protection.md, "Retention"); logged, so a tombstone due is
     * written whichever instance holds the task then.
     */
    public static final String FORGET_STORE = "indicator-forget";

    /**
     * Where a hub before the state record carried the holders kept them (indicator id → partners):
     * kept only so that a hub upgraded in place moves them into the state when its tasks start
     * ({@link #moveDeliveredSets}); empty afterwards, and on a new hub always.
     */
    public static final String FORMER_DELIVERED_STORE = "partner-delivered";

    /** The name of the child that writes indicator changes and partner records to their topics. */
    public static final String OUTPUT_SINK = "indicators-and-partner-indicators";

    private final IndicatorMergerFactory mergers;
    private final Function<ProcessorContext<?, ?>, Enrichment> enrichmentFactory;
    private final Duration expiryScanInterval;
    private final HubCounters counters;
    private final PartnerRouter router;
    private KeyValueStore<String, IndicatorState> state;
    private KeyValueStore<String, String> expiry;
    private KeyValueStore<String, String> formerDelivered;
    private IndicatorMerger merger;
    private Enrichment enrichment;
    private ReadOnlyKeyValueStore<String, Suppression> suppressions;
    private ReadOnlyKeyValueStore<String, io.threatline.contract.Erasure> erasures;
    private KeyValueStore<String, String> forget;
    private final io.threatline.schemas.privacy.IndicatorKey indicatorKey;
    private final Duration forgetAfter;

    /** Builds the merger once the enrichment (which needs the processor context) is known. */
    public interface IndicatorMergerFactory {
        IndicatorMerger create(Enrichment enrichment);
    }

    public DedupProcessor(
            IndicatorMergerFactory mergers,
            Function<ProcessorContext<?, ?>, Enrichment> enrichmentFactory,
            Duration expiryScanInterval,
            HubCounters counters,
            PartnerRouter router,
            io.threatline.schemas.privacy.IndicatorKey indicatorKey,
            Duration forgetAfter) {
        this.indicatorKey = indicatorKey;
        this.forgetAfter = forgetAfter;
        this.mergers = mergers;
        this.enrichmentFactory = enrichmentFactory;
        this.expiryScanInterval = expiryScanInterval;
        this.counters = counters;
        this.router = router;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        state = context.getStateStore(STATE_STORE);
        expiry = context.getStateStore(EXPIRY_STORE);
        formerDelivered = context.getStateStore(FORMER_DELIVERED_STORE);
        suppressions = context.getStateStore(Suppressions.STORE);
        erasures = context.getStateStore(io.threatline.streams.privacy.Erasures.STORE);
        forget = context.getStateStore(FORGET_STORE);
        enrichment = enrichmentFactory.apply(context);
        merger = mergers.create(enrichment);
        router.init(
                context,
                state,
                enrichment,
                // Keyed by the id the partner sees, which minimisation may have masked (docs/data-protection.md).
                (id, out, timestamp) ->
                        context.forward(new Record<>(out.getIndicatorId(), out, timestamp), OUTPUT_SINK));
        moveDeliveredSets();
        rebuildExpiryIndex();
        context.schedule(expiryScanInterval, PunctuationType.STREAM_TIME, this::expire);
    }

    /**
     * Moves what a hub before the state record kept in {@value #FORMER_DELIVERED_STORE} into the
     * state records, once, so that an upgraded hub still knows who holds what (and so still revokes
     * and ends what it must); a set whose indicator is no longer live is dropped, as its record would be.
     */
    private void moveDeliveredSets() {
        List<KeyValue<String, String>> former = new ArrayList<>();
        try (KeyValueIterator<String, String> it = formerDelivered.all()) {
            it.forEachRemaining(former::add);
        }
        for (KeyValue<String, String> entry : former) {
            IndicatorState stored = state.get(entry.key);
            if (stored != null && entry.value != null) {
                state.put(entry.key, stored.withHolders(entry.value));
            }
            formerDelivered.delete(entry.key);
        }
    }

    /** Puts every live indicator's expiry time into the index (a scan of this task's state). */
    private void rebuildExpiryIndex() {
        try (KeyValueIterator<String, IndicatorState> it = state.all()) {
            while (it.hasNext()) {
                expiry.put(expiryKey(it.next().value.indicator()), "");
            }
        }
    }

    @Override
    public void close() {
        router.close();
    }

    @Override
    public void process(Record<String, ThreatEvent> record) {
        ThreatEvent event = record.value();
        // Validation keyed the record by its canonical id and checked the type: no need to canonicalise again.
        CanonicalIndicator indicator = new CanonicalIndicator(
                event.getIndicatorType(), record.key().substring(record.key().indexOf(':') + 1));
        var benign = enrichment.benignList(indicator.type(), indicator.value());
        if (benign.isPresent()) {
            counters.suppressed.increment();
            return;
        }
        // Validation refused what was suppressed when it read it; this catches what was on its way when the
        // suppression arrived (docs/sharing-back.md, "Suppressed indicators").
        if (!event.getRetraction()
                && Suppressions.of(suppressions, record.key()).isPresent()) {
            counters.rejected(Suppressions.SUPPRESSED);
            return;
        }
        // Likewise for an erasure (docs/data-protection.md): hashed only while one stands.
        if (!event.getRetraction()
                && io.threatline.streams.privacy.Erasures.of(erasures, indicatorKey, record.key())
                        .isPresent()) {
            counters.rejected(io.threatline.streams.privacy.Erasures.ERASED);
            return;
        }
        boolean erasure =
                event.getRetraction() && SensorSources.isErasureRequest(event.getVendor(), event.getSensorId());
        Instant now = Instant.ofEpochMilli(record.timestamp());
        IndicatorState previous = state.get(record.key());
        ReportMark report = event.getReport();
        if (report != null && report.getKind() != ReportKind.INDICATOR) {
            // A partner's sighting or false positive counts only for an indicator it was given.
            if (previous == null || !previous.holderIds().contains(report.getPartnerId())) {
                counters.rejected(REPORT_NOT_HELD);
                return;
            }
            if (report.getKind() == ReportKind.FALSE_POSITIVE) {
                falsePositive(record, event, report, previous, now);
                if (!event.getRetraction()) {
                    return;
                }
            }
        }
        IndicatorMerger.Merge merge =
                merger.merge(previous == null ? null : previous.indicator(), event, indicator, now);
        String holders = previous == null ? "" : previous.holders();
        if (merge.emitted().isPresent()) {
            counters.indicatorChanges.increment();
            Indicator change = enrichment.enrich(merge.emitted().get());
            if (erasure) {
                change.setErased(true);
            }
            context().forward(record.withValue(change));
            holders = router.route(change, holders);
        } else {
            counters.duplicates.increment();
        }
        if (merge.state().isPresent()) {
            state.put(record.key(), new IndicatorState(merge.state().get(), holders));
            if (previous == null) {
                expiry.put(expiryKey(merge.state().get()), "");
            }
        } else if (previous != null) {
            // Revoked: the state goes, with the partners that held it, who were all told above.
            state.delete(record.key());
            if (!erasure) {
                forget.put(forgetKey(now.plus(forgetAfter), record.key()), "");
            }
        }
        if (erasure) {
            erase(record, event, indicator, previous, holders, now);
        }
    }

    /**
     * Carries out an erasure request once the retraction has been routed (docs/data-protection.md): the
     * holders the routing told (it took them off {@code holdersAfter}) have their REVOKE; every other
     * holder (an agreement not in force now) and every partner the request names as having received it
     * before (from its receipts) gets an erased REVOKE too. The state goes, and the indicators topic gets
     * its tombstone now, not after the grace, so compaction removes every record of it. A hub whose key
     * is not the one the erasure was recorded with records it under its own, so it still refuses it.
     */
    private void erase(
            Record<String, ThreatEvent> record,
            ThreatEvent request,
            CanonicalIndicator indicator,
            IndicatorState previous,
            String holdersAfter,
            Instant now) {
        java.util.Set<String> before = previous == null ? java.util.Set.of() : previous.holderIds();
        java.util.Set<String> after = io.threatline.streams.agreements.DeliveredSet.ids(holdersAfter);
        java.util.Set<String> told = new java.util.HashSet<>(before);
        told.removeAll(after);
        java.util.Set<String> toTell = new java.util.TreeSet<>(after);
        toTell.addAll(SensorSources.erasureRecipients(request.getTags()));
        toTell.removeAll(told);
        Indicator notice = erasedNotice(indicator, request, previous);
        for (String partner : toTell) {
            router.erasureNotice(partner, notice, record.timestamp());
        }
        state.delete(record.key());
        counters.erased.increment();
        context().forward(record.<SpecificRecord>withValue(null), OUTPUT_SINK);
        String recordedWith = SensorSources.erasureKeyId(request.getTags()).orElse("");
        if (!recordedWith.equals(indicatorKey.keyId())) {
            String ref = indicatorKey.ref(record.key());
            counters.erasureKeyMismatches.increment();
            context()
                    .forward(
                            record.withKey(ref)
                                    .withValue(new io.threatline.contract.Erasure(
                                            ref,
                                            indicatorKey.keyId(),
                                            "recorded by the hub, whose key is not the one the erasure was made with ("
                                                    + (recordedWith.isEmpty() ? "none named" : recordedWith) + ")",
                                            request.getVendor(),
                                            now,
                                            null,
                                            null,
                                            null)),
                            OUTPUT_SINK);
        }
    }

    /**
     * Records a partner's false positive for the operator, or, from a partner its agreement trusts (the
     * event is then a retraction, merged as one after this), as accepted along with the suppression.
     */
    private void falsePositive(
            Record<String, ThreatEvent> record,
            ThreatEvent event,
            ReportMark report,
            IndicatorState held,
            Instant now) {
        String id = record.key();
        String agreementId = router.agreementId(report.getPartnerId());
        boolean accepted = event.getRetraction();
        String comment = event.getRetractionReason();
        context()
                .forward(
                        record.withKey(PartnerReports.falsePositiveKey(id, report.getPartnerId(), report.getReportId()))
                                .withValue(
                                        PartnerReports.falsePositive(id, report, comment, accepted, agreementId, now)),
                        OUTPUT_SINK);
        if (accepted) {
            context()
                    .forward(
                            record.withKey(id)
                                    .withValue(PartnerReports.suppression(id, report, comment, agreementId, now)),
                            OUTPUT_SINK);
        }
    }

    /**
     * Expires what has not been seen for its lifetime. The index is written once per indicator and
     * fixed up lazily here, so a repeat sighting costs no index write: an entry that finds its
     * indicator seen since moves to the indicator's new expiry, one that finds it gone is dropped.
     */
    private void expire(long streamTime) {
        forgetDue(streamTime);
        Instant now = Instant.ofEpochMilli(streamTime);
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = expiry.range(TimeKeys.dueFrom(), TimeKeys.dueThrough(streamTime))) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> entry : due) {
            expiry.delete(entry.key);
            String id = entry.key.substring(17);
            IndicatorState stored = state.get(id);
            if (stored == null) {
                continue;
            }
            Indicator current = stored.indicator();
            if (current.getExpiresAt().isAfter(now)) {
                expiry.put(expiryKey(current), "");
                continue;
            }
            state.delete(id);
            counters.indicatorChanges.increment();
            Indicator change = enrichment.enrich(IndicatorMerger.expire(current, now));
            context().forward(new Record<>(id, change, streamTime));
            router.route(change, stored.holders());
            forget.put(forgetKey(now.plus(forgetAfter), id), "");
        }
    }

    /**
     * Writes the tombstone of each indicator expired or revoked {@code forgetAfter} ago that has not
     * come back since, so compaction removes it from the indicators topic (docs/data-protection.md).
     */
    private void forgetDue(long streamTime) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = forget.range(TimeKeys.dueFrom(), TimeKeys.dueThrough(streamTime))) {
            it.forEachRemaining(kv -> due.add(kv.key));
        }
        for (String key : due) {
            forget.delete(key);
            String id = key.substring(17);
            if (state.get(id) == null) {
                counters.forgotten.increment();
                context().forward(new Record<String, SpecificRecord>(id, null, streamTime), OUTPUT_SINK);
            }
        }
    }

    /** What an erasure notice names: the indicator, as the partner had it, and that it is erased. */
    private static Indicator erasedNotice(CanonicalIndicator indicator, ThreatEvent request, IndicatorState previous) {
        Indicator notice = new Indicator();
        notice.setId(indicator.id());
        notice.setType(indicator.type());
        notice.setValue(indicator.value());
        notice.setAction(io.threatline.contract.LifecycleAction.REVOKE);
        notice.setFirstSeen(
                previous == null
                        ? request.getObservedAt()
                        : previous.indicator().getFirstSeen());
        notice.setErased(true);
        return notice;
    }

    static String forgetKey(Instant due, String id) {
        return TimeKeys.hex16(due.toEpochMilli()) + "|" + id;
    }

    static String expiryKey(Indicator indicator) {
        return TimeKeys.hex16(indicator.getExpiresAt().toEpochMilli()) + "|" + indicator.getId();
    }
}
