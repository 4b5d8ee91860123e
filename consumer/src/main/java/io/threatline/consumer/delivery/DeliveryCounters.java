package io.threatline.consumer.delivery;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Live counts of the delivery service, per partner and channel, for the terminal and for metrics. */
public final class DeliveryCounters {

    /** Counts of one partner's channel. */
    public static final class Channel {
        public final LongAdder delivered = new LongAdder();
        public final LongAdder batches = new LongAdder();
        public final LongAdder retries = new LongAdder();
        public final LongAdder deadLettered = new LongAdder();
        /** Times the channel was refused when built or rebuilt (bad settings, or whatever else its build threw). */
        public final LongAdder refusals = new LongAdder();
        /** Epoch millis since which the channel has been failing, 0 while it works. */
        public final AtomicLong failingSince = new AtomicLong();
        /** Records read but not yet delivered, as of the last poll (consumer lag). */
        public final AtomicLong lag = new AtomicLong();
    }

    private final Map<String, Channel> channels = new ConcurrentHashMap<>();

    public Channel channel(String partnerId, String channel) {
        return channels.computeIfAbsent(partnerId + "/" + channel, k -> new Channel());
    }

    /** Every partner/channel key ({@code partner/CHANNEL}) with its counts, sorted. */
    public Map<String, Channel> all() {
        return new TreeMap<>(channels);
    }

    public long deliveredTotal() {
        return channels.values().stream().mapToLong(c -> c.delivered.sum()).sum();
    }

    /** One line per channel for a progress display: {@code partner/CHANNEL 1,234 (lag 5, failing)}. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        all().forEach((key, c) -> {
            if (out.length() > 0) {
                out.append("  ");
            }
            out.append(key).append(' ').append(String.format("%,d", c.delivered.sum()));
            if (c.lag.get() > 0) {
                out.append(" lag ").append(String.format("%,d", c.lag.get()));
            }
            if (c.deadLettered.sum() > 0) {
                out.append(" dead ").append(c.deadLettered.sum());
            }
            if (c.failingSince.get() > 0) {
                out.append(" FAILING");
            }
        });
        return out.length() == 0 ? "-" : out.toString();
    }
}
