package io.threatline.bench;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Waits while a Kafka Streams application drains a backlog, the same way for the hub and the
 * pass-through copy: until it has taken in the target number of events, failing (instead of
 * waiting forever) when the application stops or takes in nothing for {@link #STALL_NANOS}.
 */
final class DrainProgress {

    /** How long an application may take in nothing before the run is declared stuck. */
    static final long STALL_NANOS = 180_000_000_000L;

    private static final long REPORT_NANOS = 30_000_000_000L;

    private DrainProgress() {}

    /**
     * @param what   the application's name, for messages
     * @param taken  events taken in so far
     * @param state  the application's state
     * @param target events to wait for
     * @param start  {@link System#nanoTime()} when the application was started
     */
    static void await(String what, LongSupplier taken, Supplier<KafkaStreams.State> state, long target, long start)
            throws InterruptedException {
        long last = -1;
        long lastChange = start;
        long lastReport = start;
        while (true) {
            long in = taken.getAsLong();
            if (in >= target) {
                return;
            }
            long now = System.nanoTime();
            KafkaStreams.State s = state.get();
            if (s == KafkaStreams.State.ERROR
                    || s == KafkaStreams.State.PENDING_ERROR
                    || s == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException(
                        what + " stopped (" + s + ") after " + in + " of " + target + " events");
            }
            if (in != last) {
                last = in;
                lastChange = now;
            } else if (now - lastChange > STALL_NANOS) {
                throw new IllegalStateException(what + " took in nothing for " + STALL_NANOS / 1_000_000_000 + " s, at "
                        + in + " of " + target + " events (" + s + ")");
            }
            if (now - lastReport > REPORT_NANOS) {
                System.err.printf("  %s: %,d of %,d events in after %.0f s%n", what, in, target, (now - start) / 1e9);
                lastReport = now;
            }
            Thread.sleep(20);
        }
    }
}
