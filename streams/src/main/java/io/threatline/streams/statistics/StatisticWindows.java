package io.threatline.streams.statistics;

import io.threatline.agreements.StatisticInput;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import io.threatline.streams.topology.TimeKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Sums the partial counts ({@link StatisticsPreCount}) into tumbling windows (HOURLY and DAILY,
 * aligned to the epoch, UTC) and emits each window once, with its final count, when it closes: when
 * the stream time reaches the window's end plus the grace. A partial count for a window that has
 * closed is dropped; the window was final.
 *
 * <p>Why not the DSL's windowed aggregation with {@code suppress(untilWindowCloses)}: both keep the
 * stream time they judge "closed" by in a field of the processor, which starts again from nothing
 * when the hub restarts. A sighting that arrived late after a restart then reopened a window that
 * had already been delivered, and the window was delivered a second time with another count (issue
 * 12). Here the stream time is kept in the same logged store as the open counts, so "this window
 * is closed and was emitted" is written in the same exactly-once transaction as the emitted record,
 * and a restart, a rebalance or a {@code kill -9} neither repeats nor reopens a window. Stream time
 * only: a wall clock never closes a window, so a window closes only on data past it.
 *
 * <p>Input key {@code <scope id>|DIMENSION|value}, or {@value StatisticsPreCount#TICK} for a record
 * that only moves the stream time; output key {@code WINDOW|<scope id>|DIMENSION|value}.
 * Store keys {@code <window end, 16 hex digits>|WINDOW|<scope id>|DIMENSION|value} (so the closed
 * windows are a prefix range, oldest first) and {@value #STREAM_TIME}.
 */
public final class StatisticWindows extends ContextualProcessor<String, Long, String, StatisticInput> {

    public static final String NAME = "statistics-windows";
    public static final String STORE = "statistics-window-counts";
    /** The store key of the highest timestamp seen; sorts after every window key (hex digits). */
    static final String STREAM_TIME = "stream-time";

    private static final long HOUR_MS = Duration.ofHours(1).toMillis();
    private static final List<StatisticWindow> WINDOWS = List.of(StatisticWindow.HOURLY, StatisticWindow.DAILY);

    private final long graceMs;
    private KeyValueStore<String, Long> store;

    public StatisticWindows(Duration grace) {
        this.graceMs = grace.toMillis();
    }

    /** Supplies the processor together with its store. */
    public static ProcessorSupplier<String, Long, String, StatisticInput> supplier(Duration grace) {
        return new ProcessorSupplier<>() {
            @Override
            public StatisticWindows get() {
                return new StatisticWindows(grace);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(storeBuilder());
            }
        };
    }

    /** The logged store of open window counts and of the stream time. */
    public static StoreBuilder<KeyValueStore<String, Long>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.Long())
                .withCachingEnabled();
    }

    /** The size of a window. */
    static long sizeMs(StatisticWindow window) {
        return switch (window) {
            case HOURLY -> HOUR_MS;
            case DAILY -> Duration.ofDays(1).toMillis();
            default -> throw new IllegalArgumentException("no size for window " + window);
        };
    }

    @Override
    public void init(ProcessorContext<String, StatisticInput> context) {
        super.init(context);
        store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Long> record) {
        if (record.value() == null || record.timestamp() < 0) {
            return;
        }
        boolean tick = StatisticsPreCount.TICK.equals(record.key());
        if (!tick && !wellFormed(record.key())) {
            return; // not a partial count of this version (e.g. left in the store by an older hub)
        }
        long timestamp = record.timestamp();
        Long stored = store.get(STREAM_TIME);
        long before = stored == null ? Long.MIN_VALUE : stored;
        long streamTime = Math.max(before, timestamp);
        for (StatisticWindow window : tick ? List.<StatisticWindow>of() : WINDOWS) {
            long size = sizeMs(window);
            long end = Math.floorDiv(timestamp, size) * size + size;
            if (closed(end, streamTime)) {
                continue; // late: its window has closed and was emitted (or had nothing to emit)
            }
            String key = hex(end) + "|" + window.name() + "|" + record.key();
            Long count = store.get(key);
            store.put(key, (count == null ? 0 : count) + record.value());
        }
        if (streamTime > before) {
            store.put(STREAM_TIME, streamTime);
            // Window ends are whole hours: nothing new can close unless the close limit crossed one.
            if (streamTime - graceMs >= 0
                    && (stored == null
                            || Math.floorDiv(streamTime - graceMs, HOUR_MS)
                                    > Math.floorDiv(before - graceMs, HOUR_MS))) {
                emitClosed(streamTime);
            }
        }
    }

    private boolean closed(long end, long streamTime) {
        return end <= streamTime - graceMs;
    }

    /** Forwards and forgets every window that has closed by {@code streamTime}, oldest first. */
    private void emitClosed(long streamTime) {
        List<KeyValue<String, Long>> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.range(null, hex(streamTime - graceMs) + "|\uffff")) {
            it.forEachRemaining(due::add);
        }
        for (KeyValue<String, Long> entry : due) {
            String key = entry.key;
            store.delete(key);
            long end = Long.parseLong(key, 0, 16, 16);
            int windowEnd = key.indexOf('|', 17);
            StatisticWindow window = StatisticWindow.valueOf(key.substring(17, windowEnd));
            String scoped = key.substring(windowEnd + 1); // <scope id>|DIMENSION|value
            int dimensionEnd = scoped.indexOf('|', 17);
            StatisticDimension dimension = StatisticDimension.valueOf(scoped.substring(17, dimensionEnd));
            StatisticInput input = StatisticInput.count(
                    window,
                    Instant.ofEpochMilli(end - sizeMs(window)),
                    Instant.ofEpochMilli(end),
                    dimension,
                    scoped.substring(dimensionEnd + 1),
                    entry.value);
            context().forward(new Record<>(window.name() + "|" + scoped, input, end));
        }
    }

    /** {@code <16 hex digits>|DIMENSION|value} with a known dimension. */
    static boolean wellFormed(String key) {
        if (key == null || key.length() < 18 || key.charAt(16) != '|') {
            return false;
        }
        for (int i = 0; i < 16; i++) {
            if (Character.digit(key.charAt(i), 16) < 0) {
                return false;
            }
        }
        int bar = key.indexOf('|', 17);
        if (bar < 0) {
            return false;
        }
        String dimension = key.substring(17, bar);
        for (StatisticDimension d : StatisticDimension.values()) {
            if (d != StatisticDimension.UNKNOWN && d.name().equals(dimension)) {
                return true;
            }
        }
        return false;
    }

    private static String hex(long millis) {
        return TimeKeys.hex16(millis);
    }
}
