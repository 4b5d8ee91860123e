package io.threatline.streams.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.agreements.StatisticInput;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatisticTrendsTest {

    private static final Instant H0 = Instant.parse("2026-11-29T10:00:00Z");
    private static final String KEY = "HOURLY|MALWARE_FAMILY|Shylock";

    private final MockProcessorContext<String, StatisticInput> context = new MockProcessorContext<>();
    private final StatisticTrends trends = new StatisticTrends();

    @BeforeEach
    void init() {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StatisticTrends.STORE), Serdes.String(), Serdes.String())
                .withLoggingDisabled()
                .build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        trends.init(context);
    }

    @Test
    void shouldGiveTheFirstWindowNoTrend() {
        assertThat(process(0, 3))
                .extracting(StatisticInput::previousCount, StatisticInput::changeRatio)
                .containsExactly(null, null);
    }

    @Test
    void shouldTakeThePreviousWindowsFinalCountAndTheRelativeChange() {
        process(0, 4);

        assertThat(process(1, 3))
                .extracting(StatisticInput::count, StatisticInput::previousCount, StatisticInput::changeRatio)
                .containsExactly(3L, 4L, -0.25);
    }

    @Test
    void shouldTakeZeroAndNoRatioWhenThePreviousWindowHadNoCount() {
        process(0, 4);

        assertThat(process(2, 3))
                .extracting(StatisticInput::previousCount, StatisticInput::changeRatio)
                .containsExactly(0L, null);
    }

    @Test
    void shouldNotLetAnOlderWindowReplaceTheRememberedOne() {
        process(1, 5);
        assertThat(process(0, 2)).extracting(StatisticInput::previousCount).isNull();

        assertThat(process(2, 10))
                .extracting(StatisticInput::previousCount, StatisticInput::changeRatio)
                .containsExactly(5L, 1.0);
    }

    private StatisticInput process(int hour, long count) {
        context.resetForwards();
        Instant start = H0.plus(Duration.ofHours(hour));
        StatisticInput in = StatisticInput.count(
                StatisticWindow.HOURLY,
                start,
                start.plus(Duration.ofHours(1)),
                StatisticDimension.MALWARE_FAMILY,
                "Shylock",
                count);
        trends.process(new Record<>(KEY, in, start.toEpochMilli()));
        List<MockProcessorContext.CapturedForward<? extends String, ? extends StatisticInput>> forwarded =
                context.forwarded();
        assertThat(forwarded).hasSize(1);
        assertThat(forwarded.get(0).record().key()).isEqualTo(KEY);
        return forwarded.get(0).record().value();
    }
}
