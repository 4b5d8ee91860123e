package io.threatline.streams.statistics;

import io.threatline.contract.Indicator;
import io.threatline.contract.LifecycleAction;
import io.threatline.streams.agreements.AgreementsSnapshot;
import io.threatline.streams.agreements.PartnerRouter;
import io.threatline.streams.topology.TimeKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Counts NEW indicators per statistics scope, dimension value and hour inside the task, before the
 * repartition, and forwards each hour's partial count once a second (of stream time, and of
 * wall-clock time for a quiet stream) — a map-side combine. An indicator is counted under a scope
 * ({@link StatisticScopes}) only when that scope's TLP ceiling and scope allow it
 * ({@link io.threatline.agreements.AgreementPolicy#inScope}), so a partner's count never
 * includes an indicator it could not be sent; the keys it forwards are {@code scope id|DIMENSION|value}.
 * Without the combine every NEW indicator crossed the repartition topic two to four times per
 * scope (once per family, type and country), which was more traffic than the sensor input itself;
 * now each task sends one record per scope, dimension value and hour per interval.
 *
 * <p>A partial count is forwarded with the latest timestamp it covers, which lies in the same hour
 * as every sighting it counts, so the downstream tumbling windows (hourly and daily, aligned to the
 * epoch, {@link StatisticWindows}) count each sighting in its own windows. The pending counts live
 * in a logged store, so under exactly-once a crash neither loses nor repeats them. The counting stage's stream time lags the
 * hub's by at most the flush interval, far inside the statistics grace (five minutes by default).
 *
 * <p>After the partial counts, each flush sends a {@value #TICK} record with the task's stream time
 * to every partition of the repartition topic ({@link #partitioner}) when that time has moved: a
 * window closes on the stream time of all indicators, not only on those some scope counts, so a
 * narrow scope (one family, one campaign) still gets its window soon after the window's grace
 * rather than at its next in-scope sighting.
 */
public final class StatisticsPreCount extends ContextualProcessor<String, Indicator, String, Long> {

    public static final String NAME = "statistics-precount";
    public static final String STORE = "statistics-pending-counts";
    /** The key of the record that carries only stream time; a count key starts with 16 hex digits, so never this. */
    public static final String TICK = "tick";

    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private final Duration flushInterval;
    private final AgreementsSnapshot snapshot;
    private KeyValueStore<String, String> pending;
    private StatisticScopes scopes;
    private long lastTick = Long.MIN_VALUE;

    public StatisticsPreCount(Duration flushInterval, AgreementsSnapshot snapshot) {
        this.flushInterval = flushInterval;
        this.snapshot = snapshot;
    }

    /** Supplies the processor together with its store. */
    public static ProcessorSupplier<String, Indicator, String, Long> supplier(
            Duration flushInterval, AgreementsSnapshot snapshot) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Indicator, String, Long> get() {
                return new StatisticsPreCount(flushInterval, snapshot);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(storeBuilder());
            }
        };
    }

    /**
     * The store of pending partial counts: key {@code <hour start, hex>|<scope id>|DIMENSION|value},
     * value {@code count,latest timestamp}.
     */
    public static StoreBuilder<KeyValueStore<String, String>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.String())
                .withCachingEnabled();
    }

    @Override
    public void init(ProcessorContext<String, Long> context) {
        super.init(context);
        pending = context.getStateStore(STORE);
        scopes = new StatisticScopes(snapshot.view(context.getStateStore(PartnerRouter.AGREEMENTS_STORE)));
        context.schedule(flushInterval, PunctuationType.STREAM_TIME, t -> flush());
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, t -> flush());
    }

    @Override
    public void process(Record<String, Indicator> record) {
        Indicator indicator = record.value();
        if (indicator == null || indicator.getAction() != LifecycleAction.NEW) {
            return;
        }
        List<String> dimensionValues = null;
        long timestamp = record.timestamp();
        String hour = TimeKeys.hex16(Math.floorDiv(timestamp, HOUR_MS) * HOUR_MS) + "|";
        for (StatisticScopes.Scope scope : scopes.all()) {
            if (!scope.counts(indicator)) {
                continue;
            }
            if (dimensionValues == null) {
                dimensionValues = StatisticsTopology.dimensionValues(indicator);
            }
            for (String dimensionValue : dimensionValues) {
                add(hour + scope.id() + "|" + dimensionValue, timestamp);
            }
        }
    }

    private void add(String key, long timestamp) {
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
        long streamTime = context().currentStreamTimeMs();
        if (streamTime > lastTick && streamTime >= 0) {
            lastTick = streamTime;
            context().forward(new Record<>(TICK, 0L, streamTime));
        }
    }

    /** Sends a {@value #TICK} to every partition and each count where its key hashes to (the default). */
    public static StreamPartitioner<String, Long> partitioner() {
        return new StreamPartitioner<>() {
            @Override
            public Optional<Set<Integer>> partitions(String topic, String key, Long value, int numPartitions) {
                if (!TICK.equals(key)) {
                    return Optional.empty();
                }
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
            }
        };
    }
}
