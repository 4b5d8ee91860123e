package io.threatline.app.faults;

import io.threatline.app.ThreatlineCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@code threatline} commands in JVMs of their own and, after each test, kills whatever is
 * still running; when the test failed it prints the end of every child's log, so a failure on CI
 * says what the hub, broker or delivery process was doing. The whole logs stay in
 * {@code <java.io.tmpdir>/fault-logs/<test>-<time>/} (under {@code target/} in a Maven build).
 * Register with {@code @RegisterExtension}.
 */
public final class ChildJvms implements AfterEachCallback {

    private final List<ChildJvm> started = new ArrayList<>();
    private final Path logs;

    public ChildJvms(String test) {
        String time =
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(java.time.LocalDateTime.now());
        this.logs = Path.of(System.getProperty("java.io.tmpdir"), "fault-logs", test + "-" + time);
    }

    /**
     * Starts {@code threatline <args>} with a heap of {@code maxHeapMiB}; its output (stdout and
     * stderr, the test class path's log4j2-test.xml) goes to {@code <name>-<n>.log}.
     */
    public synchronized ChildJvm start(String name, int maxHeapMiB, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx" + maxHeapMiB + "m",
                "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                System.getProperty("java.class.path"),
                ThreatlineCommand.class.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve(name + "-" + (started.size() + 1) + ".log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ChildJvm child = new ChildJvm(name, process, log);
            started.add(child);
            System.out.printf("[faults] started %s: threatline %s (log %s)%n", child, String.join(" ", args), log);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start threatline " + args, e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<ChildJvm> all;
        synchronized (this) {
            all = List.copyOf(started);
            started.clear();
        }
        for (ChildJvm child : all) {
            child.destroyIfAlive();
        }
        if (context.getExecutionException().isPresent()) {
            all.forEach(child -> System.out.println(child.tail(80)));
        }
    }
}
