package io.threatline.streams.statistics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.threatline.contract.Indicator;
import io.threatline.contract.LifecycleAction;

/**
 * Counts NEW indicators per dimension value and hour inside the task, before the repartition, and
 * forwards each hour's partial count once a second (of stream time, and of wall-clock time for a
 * quiet stream) — a map-side combine. Without it every NEW indicator crossed the repartition topic
 * two to four times (once per family, type and country), which was more traffic than the sensor
 * input itself; now each task sends one record per dimension value and hour per interval.
 *
 * <p>A partial count is forwarded with the latest timestamp it covers, which lies in the same hour
 * as every sighting it counts, so the downstream tumbling windows (hourly and daily, aligned to the
 * epoch) see the same counts as before. The pending counts live in a logged store, so under
 * exactly-once a crash neither loses nor repeats them. The counting stage's stream time lags the
 * hub's by at most the flush interval, far inside the statistics grace (five minutes by default).
 */
public final class StatisticsPreCount extends ContextualProcessor<String, Indicator, String, Long> {

    public static final String NAME = "statistics-precount";
    public static final String STORE = "statistics-pending-counts";
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final Duration flushInterval;
    private KeyValueStore<String, String> pending;

    public StatisticsPreCount(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    /** Supplies the processor together with its store. */
    public static ProcessorSupplier<String, Indicator, String, Long> supplier(Duration flushInterval) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Indicator, String, Long> get() {
                return new StatisticsPreCount(flushInterval);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(storeBuilder());
            }
        };
    }

    /** The store of pending partial counts: key {@code <hour start, hex>|DIMENSION|value}, value {@code count,latest timestamp}. */
    public static StoreBuilder<KeyValueStore<String, String>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.String())
            .withCachingEnabled();
    }

    @Override
    public void init(ProcessorContext<String, Long> context) {
        super.init(context);
        pending = context.getStateStore(STORE);
        context.schedule(flushInterval, PunctuationType.STREAM_TIME, t -> flush());
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, t -> flush());
    }

    @Override
    public void process(Record<String, Indicator> record) {
        Indicator indicator = record.value();
        if (indicator == null || indicator.getAction() != LifecycleAction.NEW) {
            return;
        }
        long timestamp = record.timestamp();
        String hour = String.format("%016x|", Math.floorDiv(timestamp, HOUR_MS) * HOUR_MS);
        for (String dimensionValue : StatisticsTopology.dimensionValues(indicator)) {
            String key = hour + dimensionValue;
            String before = pending.get(key);
            long count = 1;
            long latest = timestamp;
            if (before != null) {
                int comma = before.indexOf(',');
                count += Long.parseLong(before, 0, comma, 10);
                latest = Math.max(latest, Long.parseLong(before, comma + 1, before.length(), 10));
            }
            pending.put(key, count + "," + latest);
        }
    }

    /** Forwards every pending partial count, oldest hour first, and forgets it. */
    private void flush() {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pending.all()) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, String> entry : due) {
            pending.delete(entry.key);
            int comma = entry.value.indexOf(',');
            long count = Long.parseLong(entry.value, 0, comma, 10);
            long latest = Long.parseLong(entry.value, comma + 1, entry.value.length(), 10);
            context().forward(new Record<>(entry.key.substring(17), count, latest));
        }
    }
}
