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
    /** Records validation had to wait for because the schema registry was unavailable. */
    public final LongAdder registryWaits = new LongAdder();
    /** Stream threads that failed for a schema registry outage and were replaced. */
    public final LongAdder threadsReplaced = new LongAdder();
    private final Map<String, LongAdder> rejectedByReason = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> deliveredByPartner = new ConcurrentHashMap<>();

    public void rejected(String code) {
        rejectedByReason.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    public void delivered(String partnerId) {
        deliveredByPartner.computeIfAbsent(partnerId, c -> new LongAdder()).increment();
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
