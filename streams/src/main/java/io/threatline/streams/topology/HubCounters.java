package io.threatline.streams.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the hub has done since it started, for the progress display and metrics: events in,
 * rejected by reason, suppressed as benign, deduplicated, indicator changes out, partner records
 * delivered by partner. Safe to read from any thread.
 */
public final class HubCounters {
    public final LongAdder eventsIn = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder suppressed = new LongAdder();
    public final LongAdder indicatorChanges = new LongAdder();
    /** Indicators erased on request: state gone, tombstone written (docs/data-protection.md). */
    public final LongAdder erased = new LongAdder();
    /** Tombstones written for indicators expired or revoked a grace period ago. */
    public final LongAdder forgotten = new LongAdder();
    /** Erasures made with another key than the hub's, which it cannot match. */
    public final LongAdder erasureKeyMismatches = new LongAdder();
    /** Records validation had to wait for because the schema registry was unavailable. */
    public final LongAdder registryWaits = new LongAdder();
    /** Stream threads that failed for a schema registry outage and were replaced. */
    public final LongAdder threadsReplaced = new LongAdder();

    private final Map<String, LongAdder> rejectedByReason = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> deliveredByPartner = new ConcurrentHashMap<>();
    /** Live indicators examined by reconciliations (backfill, retraction, replay), all partners. */
    public final LongAdder reconcileExamined = new LongAdder();

    private final Map<String, LongAdder> backfilledByPartner = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> retractedByPartner = new ConcurrentHashMap<>();
    /** Reconciliations under way, by partner: how many stream tasks are still sweeping for it. */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> reconciling = new ConcurrentHashMap<>();

    /** New indicators an agreement withheld from its partner, by partner then by the reason code of the rule. */
    private final Map<String, Map<String, LongAdder>> withheld = new ConcurrentHashMap<>();

    /**
     * A new indicator the partner's agreement did not let it receive, with the reason code
     * {@code AgreementPolicy.decide} gave (an embargo counts as {@code EMBARGOED}).
     */
    public void withheld(String partnerId, String reasonCode) {
        withheld.computeIfAbsent(partnerId, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(reasonCode, r -> new LongAdder())
                .increment();
    }

    /** {@link #withheld} so far, by partner, then by reason. */
    public Map<String, Map<String, Long>> withheldByPartner() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        withheld.forEach((partner, reasons) -> copy.put(partner, snapshot(reasons)));
        return copy;
    }

    public void rejected(String code) {
        rejectedByReason.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    public void delivered(String partnerId) {
        deliveredByPartner.computeIfAbsent(partnerId, c -> new LongAdder()).increment();
    }

    /** A NEW sent to a partner by a reconciliation (backfill or replay), not by a live change. */
    public void backfilled(String partnerId) {
        backfilledByPartner.computeIfAbsent(partnerId, c -> new LongAdder()).increment();
    }

    /** A REVOKE or EXPIRE that took an indicator back from a partner no longer entitled to it. */
    public void retracted(String partnerId) {
        retractedByPartner.computeIfAbsent(partnerId, c -> new LongAdder()).increment();
    }

    /** A stream task started ({@code +1}) or finished ({@code -1}) a reconciliation for the partner. */
    public void reconciling(String partnerId, int delta) {
        reconciling
                .computeIfAbsent(partnerId, c -> new java.util.concurrent.atomic.AtomicInteger())
                .addAndGet(delta);
    }

    public Map<String, Long> backfilledByPartner() {
        return snapshot(backfilledByPartner);
    }

    public Map<String, Long> retractedByPartner() {
        return snapshot(retractedByPartner);
    }

    /** Partners with a reconciliation under way, and in how many tasks. */
    public Map<String, Integer> reconcilingByPartner() {
        Map<String, Integer> copy = new TreeMap<>();
        reconciling.forEach((k, v) -> {
            if (v.get() > 0) {
                copy.put(k, v.get());
            }
        });
        return copy;
    }

    public long rejectedCount() {
        return rejectedByReason.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> rejectedByReason() {
        return snapshot(rejectedByReason);
    }

    public Map<String, Long> deliveredByPartner() {
        return snapshot(deliveredByPartner);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
