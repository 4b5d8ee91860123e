package io.threatline.streams.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.threatline.agreements.StatisticInput;
import io.threatline.contract.StatisticDimension;
import io.threatline.contract.StatisticWindow;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The windows of the statistics branch: summed partial counts, each window emitted once when it closes. */
class StatisticWindowsTest {

    private static final Instant TEN = Instant.parse("2026-11-29T10:00:00Z");
    private static final Instant ELEVEN = TEN.plus(Duration.ofHours(1));
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final String SCOPE = "0123456789abcdef";
    private static final String SHYLOCK = SCOPE + "|MALWARE_FAMILY|Shylock";

    private MockProcessorContext<String, StatisticInput> context;
    private KeyValueStore<String, Long> store;
    private StatisticWindows processor;

    @BeforeEach
    void setUp() {
        store = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(StatisticWindows.STORE), Serdes.String(), Serdes.Long())
                .withLoggingDisabled()
                .build();
        startProcessor();
        store.init(context.getStateStoreContext(), store);
    }

    @Test
    void shouldEmitTheSumOfAnHoursPartialCountsOnceWhenTheStreamTimePassesItsEndAndGrace() {
        // Given partial counts in the 10:00 hour
        send(SHYLOCK, 3, TEN.plusSeconds(60));
        send(SHYLOCK, 2, TEN.plusSeconds(1_800));

        // When the stream time reaches 11:05 less a second, and then 11:05
        tick(ELEVEN.plus(GRACE).minusSeconds(1));
        assertThat(context.forwarded()).as("within the grace").isEmpty();
        tick(ELEVEN.plus(GRACE));

        // Then the hour comes out once, keyed by window and scope, with its sum
        assertThat(context.forwarded())
                .extracting(f -> f.record().key(), f -> f.record().value())
                .containsExactly(tuple(
                        "HOURLY|" + SHYLOCK,
                        StatisticInput.count(
                                StatisticWindow.HOURLY, TEN, ELEVEN, StatisticDimension.MALWARE_FAMILY, "Shylock", 5)));
        context.resetForwards();
        tick(ELEVEN.plus(GRACE).plusSeconds(3_600));
        assertThat(context.forwarded()).as("not again").isEmpty();
    }

    @Test
    void shouldNeitherReopenNorRepeatAClosedWindowAfterARestart() {
        // Given an hour that was emitted
        send(SHYLOCK, 3, TEN.plusSeconds(60));
        tick(ELEVEN.plus(GRACE));
        assertThat(context.forwarded()).hasSize(1);

        // When the hub restarts (a new processor over the restored store) and a late count for that hour arrives,
        // then the stream time moves past the next hour
        startProcessor();
        send(SHYLOCK, 1, TEN.plusSeconds(1_800));
        send(SHYLOCK, 1, ELEVEN.plus(GRACE).plusSeconds(1));
        tick(ELEVEN.plus(Duration.ofHours(1)).plus(GRACE));

        // Then only the next hour comes out
        assertThat(context.forwarded())
                .extracting(
                        f -> f.record().value().windowStart(),
                        f -> f.record().value().count())
                .containsExactly(tuple(ELEVEN, 1L));
    }

    @Test
    void shouldDropAPartialCountForAWindowThatHasClosed() {
        // Given a stream time past 11:05
        tick(ELEVEN.plus(GRACE));

        // When a count for the 10:00 hour arrives, and the day closes
        send(SHYLOCK, 4, TEN.plusSeconds(60));
        tick(Instant.parse("2026-11-30T00:05:00Z"));

        // Then the hour has no count, and the day counts it (its window was open)
        assertThat(context.forwarded())
                .extracting(
                        f -> f.record().value().window(),
                        f -> f.record().value().count())
                .containsExactly(tuple(StatisticWindow.DAILY, 4L));
    }

    @Test
    void shouldIgnoreAKeyWithoutAScope() {
        // Given a partial count as an older hub keyed it (no scope)
        send("MALWARE_FAMILY|Shylock", 3, TEN.plusSeconds(60));

        // When the day closes
        tick(Instant.parse("2026-11-30T00:05:00Z"));

        // Then nothing comes out
        assertThat(context.forwarded()).isEmpty();
    }

    /** A processor as a (re)started task has it: new, over the store as it was restored. */
    private void startProcessor() {
        context = new MockProcessorContext<>();
        context.addStateStore(store);
        processor = new StatisticWindows(GRACE);
        processor.init(context);
    }

    private void send(String key, long count, Instant at) {
        processor.process(new Record<>(key, count, at.toEpochMilli()));
    }

    private void tick(Instant at) {
        send(StatisticsPreCount.TICK, 0, at);
    }
}
