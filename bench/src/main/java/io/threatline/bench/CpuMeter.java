package io.threatline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time spent during a drain, so that a rate measured on one machine can be compared on another
 * (docs/benchmarks.md, "CPU per event"): the CPU time of this JVM (which runs the hub or the
 * pass-through copy, and nothing else while it drains), and the broker's where its process id is
 * known ({@code -Dbench.broker.pid}, set by {@code bench/platform.sh}) and {@code /proc} can be read.
 */
final class CpuMeter {

    /** Linux's clock tick: {@code /proc/<pid>/stat} counts CPU time in 1/100 s on every common kernel. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final long jvmStart;
    private final OptionalLong brokerStart;

    private CpuMeter(long jvmStart, OptionalLong brokerStart) {
        this.jvmStart = jvmStart;
        this.brokerStart = brokerStart;
    }

    /** What was spent between {@link #start()} and {@link #stop()}, in nanoseconds; broker -1 when unknown. */
    record Spent(long jvmNanos, long brokerNanos) {

        /** Microseconds of this JVM's CPU per event. */
        double jvmMicrosPerEvent(long events) {
            return jvmNanos / 1e3 / events;
        }

        /** Microseconds of the broker's CPU per event; NaN when unknown. */
        double brokerMicrosPerEvent(long events) {
            return brokerNanos < 0 ? Double.NaN : brokerNanos / 1e3 / events;
        }

        /** CPU per event of the JVM and of the broker, as "12.3 / 4.5" ("?" where unknown). */
        String perEvent(long events) {
            double broker = brokerMicrosPerEvent(events);
            return String.format(
                    java.util.Locale.ROOT,
                    "%.1f / %s",
                    jvmMicrosPerEvent(events),
                    Double.isNaN(broker) ? "?" : String.format(java.util.Locale.ROOT, "%.1f", broker));
        }
    }

    static CpuMeter start() {
        return new CpuMeter(jvmCpuNanos(), brokerCpuNanos());
    }

    Spent stop() {
        OptionalLong brokerNow = brokerCpuNanos();
        long broker =
                brokerStart.isPresent() && brokerNow.isPresent() ? brokerNow.getAsLong() - brokerStart.getAsLong() : -1;
        return new Spent(jvmCpuNanos() - jvmStart, broker);
    }

    private static long jvmCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** User and system time of the broker's process ({@code /proc/<pid>/stat}, fields 14 and 15). */
    static OptionalLong brokerCpuNanos() {
        String pid = System.getProperty("bench.broker.pid", "");
        if (pid.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid.trim(), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return OptionalLong.of(ticks * NANOS_PER_TICK);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
