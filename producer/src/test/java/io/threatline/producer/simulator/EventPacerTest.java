package io.threatline.producer.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventPacerTest {

    /** A fake monotonic clock that only moves when the pacer sleeps or the test says so. */
    private static final class FakeTime {
        long now = 1_000_000_000L;
        long reads;
        long sleeps;

        long read() {
            reads++;
            return now;
        }

        void sleep(long nanos) {
            sleeps++;
            now += nanos;
        }
    }

    @Test
    void unlimitedPacerNeverReadsTheClockNorSleeps() {
        FakeTime time = new FakeTime();
        EventPacer pacer = new EventPacer(0, 1, time::read, time::sleep);
        for (int i = 0; i < 100_000; i++) {
            pacer.awaitNext();
        }
        assertThat(time.reads).isZero();
        assertThat(time.sleeps).isZero();
        assertThat(pacer.isUnlimited()).isTrue();
        assertThat(EventPacer.unlimited().isUnlimited()).isTrue();
    }

    @Test
    void at100kPerSecondAMillionEventsTakeTenSecondsWithOneClockReadPerBatch() {
        FakeTime time = new FakeTime();
        long begin = time.now;
        EventPacer pacer = new EventPacer(100_000, EventPacer.defaultBatchSize(100_000), time::read, time::sleep);
        assertThat(pacer.batchSize()).isEqualTo(100);
        for (int i = 0; i < 1_000_000; i++) {
            pacer.awaitNext();
        }
        // The last batch (events 999,900..999,999) is released at 9.999 s.
        assertThat(time.now - begin).isBetween(9_998_000_000L, 10_000_000_000L);
        assertThat(time.reads).isLessThanOrEqualTo(2 * 10_000L);
        assertThat(time.sleeps).isLessThanOrEqualTo(10_000L);
    }

    @Test
    void slowRatesWaitTheFullIntervalBetweenSingleEvents() {
        FakeTime time = new FakeTime();
        long begin = time.now;
        EventPacer pacer = new EventPacer(10, EventPacer.defaultBatchSize(10), time::read, time::sleep);
        assertThat(pacer.batchSize()).isEqualTo(1);
        for (int i = 0; i < 11; i++) {
            pacer.awaitNext();
        }
        assertThat(time.now - begin).isEqualTo(1_000_000_000L);
    }

    @Test
    void oversleepingIsMadeUpByTheAbsoluteSchedule() {
        FakeTime time = new FakeTime();
        long begin = time.now;
        // Each sleep overshoots by 60 µs, like parkNanos under timer slack.
        EventPacer pacer = new EventPacer(100_000, 100, time::read, nanos -> time.sleep(nanos + 60_000));
        for (int i = 0; i < 1_000_000; i++) {
            pacer.awaitNext();
        }
        assertThat(time.now - begin).isBetween(9_998_000_000L, 10_001_000_000L);
    }

    @Test
    void aCallerFarBehindCatchesUpAtMostTheCatchUpWindowInABurst() {
        FakeTime time = new FakeTime();
        EventPacer pacer = new EventPacer(100_000, 100, time::read, time::sleep);
        for (int i = 0; i < 1_000; i++) {
            pacer.awaitNext();
        }
        time.now += 5_000_000_000L; // a 5 s stall
        long stalledAt = time.now;
        // 100 ms of backlog = 10,000 events may go at once, then the pacer waits again.
        for (int i = 0; i < 10_000; i++) {
            pacer.awaitNext();
        }
        assertThat(time.now).isEqualTo(stalledAt);
        for (int i = 0; i < 100_000; i++) {
            pacer.awaitNext();
        }
        assertThat(time.now - stalledAt).isBetween(990_000_000L, 1_000_000_000L);
    }

    @Test
    void realClockPacingIsNotFasterThanTheTarget() {
        EventPacer pacer = new EventPacer(100_000);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20_000; i++) {
            pacer.awaitNext();
        }
        long elapsed = System.nanoTime() - t0;
        assertThat(elapsed).isBetween(190_000_000L, 5_000_000_000L);
    }

    @Test
    void invalidArgumentsAreRejectedNamingThem() {
        assertThatThrownBy(() -> new EventPacer(-1)).hasMessageContaining("eventsPerSecond");
        assertThatThrownBy(() -> new EventPacer(10, 0, System::nanoTime, n -> {}))
                .hasMessageContaining("batchSize");
    }
}
