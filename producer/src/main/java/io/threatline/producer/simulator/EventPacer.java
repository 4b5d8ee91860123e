package io.threatline.producer.simulator;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Paces a publishing loop to a target number of events per second: call {@link #awaitNext()}
 * before each event.
 *
 * <p>Accurate at 100,000 events/s without a system call per event: events are released in batches
 * of {@link #batchSize()} (about one millisecond's worth), and only the first event of a batch reads
 * the clock and, if it is early, parks until the batch's slot on an absolute schedule ({@code start
 * + n / rate}). Because the schedule is absolute, a park that oversleeps is made up by the next
 * batches, so the average rate is exact; the loop runs ahead of the ideal schedule by at most one
 * batch. If the caller falls behind by more than {@link #MAX_CATCH_UP_NANOS} (a GC pause, a stalled
 * broker), the missed slots are dropped instead of being sent in one burst.
 *
 * <p>A rate of 0 means unlimited: {@code awaitNext()} returns at once without reading the clock.
 *
 * <p>Not thread-safe: use one pacer per publishing thread (with {@code rate / threads} each). An
 * interrupt does not stop the wait early; check {@link Thread#interrupted()} in the loop.
 */
public final class EventPacer {

    /** Largest backlog (in time) the pacer lets the caller catch up on in a burst: 100 ms. */
    public static final long MAX_CATCH_UP_NANOS = 100_000_000L;
    /** Upper bound of the automatic batch size. */
    public static final int MAX_BATCH = 10_000;

    private final long eventsPerSecond;
    private final double nanosPerEvent;
    private final int batchSize;
    private final LongSupplier clock;
    private final LongConsumer sleeper;

    private boolean started;
    private long start;
    private long released;
    private int credit;

    /** Paces to {@code eventsPerSecond} (0 = unlimited) with {@link System#nanoTime} and {@link LockSupport#parkNanos(long)}. */
    public EventPacer(long eventsPerSecond) {
        this(eventsPerSecond, defaultBatchSize(eventsPerSecond), System::nanoTime, LockSupport::parkNanos);
    }

    /**
     * For tests and special set-ups.
     *
     * @param eventsPerSecond target rate, 0 = unlimited
     * @param batchSize       events released per clock read, at least 1
     * @param clock           monotonic nanoseconds, like {@link System#nanoTime()}
     * @param sleeper         waits about the given nanoseconds (may return early or late)
     */
    public EventPacer(long eventsPerSecond, int batchSize, LongSupplier clock, LongConsumer sleeper) {
        if (eventsPerSecond < 0) {
            throw new IllegalArgumentException("eventsPerSecond must be >= 0 (0 = unlimited), was " + eventsPerSecond);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        if (clock == null || sleeper == null) {
            throw new NullPointerException("clock and sleeper must not be null");
        }
        this.eventsPerSecond = eventsPerSecond;
        this.nanosPerEvent = eventsPerSecond == 0 ? 0 : 1e9 / eventsPerSecond;
        this.batchSize = batchSize;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** A pacer that never waits. */
    public static EventPacer unlimited() {
        return new EventPacer(0);
    }

    /** About one millisecond's worth of events, 1..{@link #MAX_BATCH}. */
    public static int defaultBatchSize(long eventsPerSecond) {
        return (int) Math.max(1, Math.min(MAX_BATCH, eventsPerSecond / 1_000));
    }

    /** Returns when the next event may be sent. The first call starts the schedule. */
    public void awaitNext() {
        if (credit > 0) {
            credit--;
            return;
        }
        if (nanosPerEvent == 0) {
            return;
        }
        long now = clock.getAsLong();
        if (!started) {
            started = true;
            start = now;
        }
        long due = start + (long) (released * nanosPerEvent);
        if (now - due > MAX_CATCH_UP_NANOS) {
            // Far behind: shift the schedule so only MAX_CATCH_UP_NANOS of backlog remains.
            start += now - due - MAX_CATCH_UP_NANOS;
            due = now - MAX_CATCH_UP_NANOS;
        }
        while (now < due) {
            sleeper.accept(due - now);
            now = clock.getAsLong();
        }
        released += batchSize;
        credit = batchSize - 1;
    }

    public long eventsPerSecond() {
        return eventsPerSecond;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Whether this pacer never waits. */
    public boolean isUnlimited() {
        return eventsPerSecond == 0;
    }
}
