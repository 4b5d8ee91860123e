package io.threatline.app.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * One {@code threatline} command running in a JVM of its own (the test class path), its output in
 * a log file: what a fault test kills with SIGKILL, stops with SIGTERM and restarts. Made by
 * {@link ChildJvms}, which also makes sure none outlives its test.
 */
public final class ChildJvm {

    /**
     * The exit status of a JVM ended by SIGTERM once its shutdown hooks have run (128 + 15), whatever
     * its main thread returns: a {@code threatline} command stopped with SIGTERM ends with it.
     */
    public static final int SIGTERM_EXIT = 143;

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedAt = System.nanoTime();

    ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Time since the process was started. */
    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    /** SIGKILL: the process gets no chance to flush, commit or close anything. Returns once it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") still runs 60 s after SIGKILL");
        }
    }

    /** SIGTERM, as Ctrl-C or a service manager stops it; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException(
                    name + " (pid " + pid() + ") did not stop within 90 s of SIGTERM; killed\n" + tail(40));
        }
        return process.exitValue();
    }

    /** Exit code of a process that ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Waits until a line of the output matches {@code regex} and returns the match; fails early if the process ends. */
    public Matcher awaitLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        Matcher[] found = new Matcher[1];
        Awaitility.await(name + " to print /" + regex + "/")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    for (String line : lines()) {
                        Matcher m = pattern.matcher(line);
                        if (m.find()) {
                            found[0] = m;
                            return true;
                        }
                    }
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " ended (exit " + process.exitValue()
                                + ") before printing /" + regex + "/\n" + tail(60));
                    }
                    return false;
                });
        return found[0];
    }

    /** Whether a line of the output so far contains {@code text}. */
    public boolean printed(String text) {
        return lines().stream().anyMatch(l -> l.contains(text));
    }

    /** The last {@code n} lines of the output, for failure messages. */
    public String tail(int n) {
        List<String> all = lines();
        return "---- last lines of " + name + " (" + log + ") ----\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    }

    private List<String> lines() {
        try {
            return List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void destroyIfAlive() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
