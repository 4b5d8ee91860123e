package io.threatline.consumer.syslog;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real {@code rsyslogd} for the tests, in the foreground with its own configuration, pid file and
 * work directory, all in a directory of the test. It loads only {@code imtcp} (no {@code
 * imuxsock}, so it never touches /dev/log, and no rule writes under /var/log), listens on a
 * loopback port, and writes every message it receives over TCP to two files: {@code raw.log} with
 * the raw message ({@code %rawmsg%}) and {@code fields.log} with the RFC 5424 fields rsyslog parsed
 * ({@code HOSTNAME|APP-NAME|PROCID|MSGID|TIMESTAMP|MSG}), one line per message.
 */
final class Rsyslog implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path executable;
    private final Path dir;
    private final int port;
    private Process process;

    private Rsyslog(Path executable, Path dir, int port) {
        this.executable = executable;
        this.dir = dir;
        this.port = port;
    }

    /** The rsyslogd binary, if installed. */
    static Optional<Path> find() {
        Stream<Path> candidates = Stream.concat(
                Stream.of(Path.of("/usr/sbin/rsyslogd"), Path.of("/sbin/rsyslogd")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .filter(p -> !p.isEmpty())
                        .map(p -> Path.of(p, "rsyslogd")));
        return candidates.filter(Files::isExecutable).findFirst();
    }

    /** Configures and starts an rsyslogd on a free loopback port, in {@code dir}. */
    static Rsyslog start(Path executable, Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("work"));
        Rsyslog rsyslog = new Rsyslog(executable, dir, port);
        // Should the test JVM end without running the test's clean-up, rsyslogd still goes with it.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (rsyslog.process != null) {
                                rsyslog.process.destroyForcibly();
                            }
                        },
                        "rsyslogd-reaper"));
        Files.writeString(dir.resolve("rsyslog.conf"), rsyslog.config(), StandardCharsets.UTF_8);
        rsyslog.start();
        return rsyslog;
    }

    private String config() {
        return String.join(
                "\n",
                "global(workDirectory=\"" + dir.resolve("work") + "\" maxMessageSize=\"64k\")",
                "module(load=\"imtcp\")",
                "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")",
                "template(name=\"fields\" type=\"string\""
                        + " string=\"%hostname%|%app-name%|%procid%|%msgid%|%timereported:::date-rfc3339%|%msg%\\n\")",
                "ruleset(name=\"fromTcp\") {",
                "  action(type=\"omfile\" file=\"" + rawLog() + "\" template=\"raw\")",
                "  action(type=\"omfile\" file=\"" + fieldsLog() + "\" template=\"fields\")",
                "}",
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + port + "\" ruleset=\"fromTcp\")",
                "");
    }

    /** Starts rsyslogd (again) with the same configuration and port, and waits until it listens. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(
                        executable.toString(),
                        "-n",
                        "-f",
                        dir.resolve("rsyslog.conf").toString(),
                        "-i",
                        dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("rsyslogd.out").toFile()))
                .start();
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(this::listening);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "rsyslogd did not listen on " + port + " within " + START_TIMEOUT + ": " + output(), e);
        }
    }

    private boolean listening() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("rsyslogd exited with " + process.exitValue() + ": " + output());
        }
        // An empty TCP session is how rsyslog's own tests probe imtcp; it writes nothing for it.
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Stops rsyslogd with SIGTERM (SIGKILL if it lingers) and waits until it has exited. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    int port() {
        return port;
    }

    Path rawLog() {
        return dir.resolve("raw.log");
    }

    Path fieldsLog() {
        return dir.resolve("fields.log");
    }

    /** The lines of {@code file} once it holds at least {@code n}, or fails after {@code timeout}. */
    static List<String> awaitLines(Path file, int n, Duration timeout) throws IOException {
        try {
            await().atMost(timeout)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> wholeLines(file).size() >= n);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("rsyslog wrote " + wholeLines(file).size() + " of " + n + " lines to " + file
                    + " within " + timeout);
        }
        return wholeLines(file);
    }

    /** The complete lines of {@code file}: rsyslog may be mid-write, and only whole lines count. */
    private static List<String> wholeLines(Path file) throws IOException {
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        List<String> lines = text.isEmpty()
                ? List.of()
                : List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n", -1));
        return lines.isEmpty() ? lines : lines.subList(0, lines.size() - 1);
    }

    String output() {
        try {
            return Files.readString(dir.resolve("rsyslogd.out"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
