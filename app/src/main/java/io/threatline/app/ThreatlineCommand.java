package io.threatline.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code threatline} command: one entry point for every part of the pipeline. Exit codes:
 * 0 success, 1 failure, 2 usage error.
 */
@Command(name = "threatline",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Threat-indicator sharing pipeline on Apache Kafka.",
    subcommands = {PlatformCommand.class, InitCommand.class, CommandLine.HelpCommand.class})
public final class ThreatlineCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        return new CommandLine(new ThreatlineCommand())
            .setExecutionExceptionHandler((e, cmd, parsed) -> {
                cmd.getErr().println(cmd.getColorScheme().errorText("threatline: " + e.getMessage()));
                return 1;
            });
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
