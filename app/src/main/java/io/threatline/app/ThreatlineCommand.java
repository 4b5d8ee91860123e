package io.threatline.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code threatline} command: one entry point for every part of the pipeline. Exit codes:
 * 0 success, 1 failure, 2 usage error.
 */
@Command(
        name = "threatline",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Threat-indicator sharing pipeline on Apache Kafka.",
        subcommands = {
            RunCommand.class,
            PlatformCommand.class,
            InitCommand.class,
            PublishCommand.class,
            PullCommand.class,
            SimulateCommand.class,
            HubCommand.class,
            DeliverCommand.class,
            AgreementsCommand.class,
            VendorsCommand.class,
            IndicatorsCommand.class,
            ReferenceCommand.class,
            AuditCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ThreatlineCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        return new CommandLine(new ThreatlineCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getColorScheme().errorText("threatline: " + describe(e)));
                    return 1;
                });
    }

    /** The message of the failure and of each cause, without a stack trace. */
    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
