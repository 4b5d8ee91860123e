package io.threatline.producer.publish;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Running counts of a publisher: acknowledged, rejected by reason, failed. Safe to read from any thread. */
public final class PublisherMetrics {
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, LongAdder> rejectedByReason = new ConcurrentHashMap<>();

    void sent() {
        sent.increment();
    }

    void failed() {
        failed.increment();
    }

    void rejected(String code) {
        rejectedByReason.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Events acknowledged by Kafka. */
    public long sentCount() {
        return sent.sum();
    }

    public long failedCount() {
        return failed.sum();
    }

    public long rejectedCount() {
        return rejectedByReason.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Rejections by reason code, sorted by code. */
    public Map<String, Long> rejectedByReason() {
        Map<String, Long> copy = new TreeMap<>();
        rejectedByReason.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
