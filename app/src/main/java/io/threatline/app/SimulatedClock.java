package io.threatline.app;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock of {@code threatline run}'s simulation: it starts at {@code start} (a day ago), runs
 * {@code scale} times faster than the wall clock until it reaches the present, then follows the
 * wall clock. The hub of {@code run} judges time by it (docs/agreements.md, "Time is the hub's"), so
 * the replayed day's hourly statistics windows close within a minute; a hub started on its own
 * ({@code threatline hub}) uses the system clock, and no sensor's timestamp ever counts.
 */
final class SimulatedClock extends Clock {

    private final long startMs;
    private final long realStartMs;
    private final long scale;

    SimulatedClock(Instant start, long scale) {
        this.startMs = start.toEpochMilli();
        this.realStartMs = System.currentTimeMillis();
        this.scale = scale;
    }

    @Override
    public long millis() {
        long now = System.currentTimeMillis();
        return Math.min(now, startMs + (now - realStartMs) * scale);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulation's clock is UTC");
    }
}
