package io.threatline.streams.statistics;

import io.threatline.agreements.StatisticInput;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Adds the trend to each final window count: remembers, per
 * {@code WINDOW|<scope id>|DIMENSION|value}, the start and final count of the last window that had
 * one, and fills {@code previousCount} and {@code changeRatio = (count - previous) / previous}, so
 * a trend compares counts of the same scope. When the immediately preceding window had no count
 * (no NEW indicator for this value in the scope) while an earlier one did, the previous count is 0 and the
 * ratio null; when nothing is known (the first window seen), both are null. A count arriving for a
 * window not after the remembered one is passed on without trend and does not replace it.
 */
public final class StatisticTrends extends ContextualProcessor<String, StatisticInput, String, StatisticInput> {

    public static final String NAME = "statistics-trends";
    public static final String STORE = "statistics-previous-counts";

    private KeyValueStore<String, String> previous;

    /** Supplies the processor together with its store. */
    public static final class Supplier implements ProcessorSupplier<String, StatisticInput, String, StatisticInput> {
        @Override
        public StatisticTrends get() {
            return new StatisticTrends();
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()));
        }
    }

    @Override
    public void init(ProcessorContext<String, StatisticInput> context) {
        super.init(context);
        previous = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, StatisticInput> record) {
        StatisticInput in = record.value();
        long start = in.windowStart().toEpochMilli();
        long size = Duration.between(in.windowStart(), in.windowEnd()).toMillis();
        String stored = previous.get(record.key());
        Long previousCount = null;
        boolean newer = true;
        if (stored != null) {
            int colon = stored.indexOf(':');
            long storedStart = Long.parseLong(stored.substring(0, colon));
            long storedCount = Long.parseLong(stored.substring(colon + 1));
            if (storedStart == start - size) {
                previousCount = storedCount;
            } else if (storedStart < start - size) {
                previousCount = 0L;
            } else {
                newer = false;
            }
        }
        if (newer) {
            previous.put(record.key(), start + ":" + in.count());
        }
        Double ratio = previousCount == null || previousCount == 0
                ? null
                : (in.count() - previousCount) / (double) previousCount;
        context()
                .forward(record.withValue(new StatisticInput(
                        in.window(),
                        in.windowStart(),
                        in.windowEnd(),
                        in.dimension(),
                        in.dimensionValue(),
                        in.count(),
                        previousCount,
                        ratio)));
    }
}
