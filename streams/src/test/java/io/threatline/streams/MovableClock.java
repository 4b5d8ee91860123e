package io.threatline.streams;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The hub's clock in a test against the real broker: the system clock shifted to whatever moment
 * the test sets, then running on from there. The hub judges windows, periods and embargoes by this
 * clock (never by a record's timestamp), so a test that needs an hour to pass moves it.
 */
public final class MovableClock extends Clock {

    private volatile long offsetMs;

    /** From now on the clock reads {@code at}, and runs on from there. */
    public void set(Instant at) {
        offsetMs = at.toEpochMilli() - System.currentTimeMillis();
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMs;
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
        throw new UnsupportedOperationException("the hub's clock is UTC");
    }
}
