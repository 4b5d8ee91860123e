package io.threatline.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * `threatline run` (the README's run command) started in this JVM on the scenario's agreements and
 * aliases, every port free, its output kept; {@link #stop} is its Ctrl-C.
 */
final class RunInProcess {

    private final StringWriter out = new StringWriter();
    private final RunCommand command;
    private final CompletableFuture<Integer> exit;

    private RunInProcess(Path dataDir, int rate) {
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        command = cli.getSubcommands().get("run").getCommand();
        exit = CompletableFuture.supplyAsync(() -> cli.execute(
                "run",
                "--data-dir",
                dataDir.toString(),
                "--agreements",
                "../examples/agreements",
                "--aliases",
                "../examples/reference/malware-aliases.json",
                "--kafka-port",
                "0",
                "--registry-port",
                "0",
                "--taxii-port",
                "0",
                "--ops-port",
                "0",
                "--rate",
                Integer.toString(rate)));
    }

    /** Starts it, publishing {@code rate} simulated events a second. */
    static RunInProcess start(Path dataDir, int rate) {
        return new RunInProcess(dataDir, rate);
    }

    /** What it printed so far. */
    String output() {
        return out.toString();
    }

    /** Whether it has ended (by itself, that is, failed). */
    boolean ended() {
        return exit.isDone();
    }

    /** Stops it as Ctrl-C does. @return its exit code */
    int stop() throws Exception {
        command.stop.countDown();
        return exit.get(90, TimeUnit.SECONDS);
    }
}
