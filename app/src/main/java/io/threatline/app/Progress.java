package io.threatline.app;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A progress line for long runs: count done (of a total when known), the current rate and a
 * caller-supplied detail. Redrawn in place on a terminal, printed every 5 s otherwise (logs, CI).
 */
final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final long total;
    private final LongSupplier done;
    private final Supplier<String> detail;
    private final boolean terminal;
    private final ScheduledExecutorService timer;
    private final long start = System.nanoTime();
    private long lastDone;
    private long lastTime = start;
    private double rate;

    /**
     * @param total known number of items, or a negative number when unknown
     */
    Progress(PrintWriter out, long total, LongSupplier done, Supplier<String> detail) {
        this.out = out;
        this.total = total;
        this.done = done;
        this.detail = detail;
        this.terminal = System.console() != null;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 250 : 5000;
        timer.scheduleAtFixedRate(this::draw, period, period, TimeUnit.MILLISECONDS);
    }

    private synchronized void draw() {
        long now = System.nanoTime();
        long d = done.getAsLong();
        double seconds = (now - lastTime) / 1e9;
        if (seconds > 0) {
            double instant = (d - lastDone) / seconds;
            rate = rate == 0 ? instant : 0.5 * rate + 0.5 * instant;
        }
        lastDone = d;
        lastTime = now;
        String line = bar(d)
                + String.format(
                        " %,d%s  %,.0f/s  %s", d, total >= 0 ? String.format("/%,d", total) : "", rate, detail.get());
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    private String bar(long d) {
        if (total <= 0) {
            return "";
        }
        int filled = (int) Math.min(WIDTH, d * WIDTH / total);
        return "[" + "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "") + "]";
    }

    /** Seconds since the start. */
    double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (terminal) {
            synchronized (this) {
                draw();
                out.println();
                out.flush();
            }
        }
    }
}
