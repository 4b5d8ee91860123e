package io.threatline.app;

import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Loads reference data files into their compacted topics, where the running hub picks them up. */
@Command(
        name = "reference",
        mixinStandardHelpOptions = true,
        description = "Reference data for the hub's enrichment.",
        subcommands = {ReferenceCommand.Load.class})
public final class ReferenceCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "load",
            mixinStandardHelpOptions = true,
            description = {
                "Loads reference files into the hub's compacted reference topics; the running hub uses them at once.",
                "  aliases     MISP galaxy cluster JSON (family aliases: Caphaw -> Shylock)",
                "  ranges      CSV/TSV of IP ranges with asn, as_organization, country",
                "  mmdb        a MaxMind .mmdb database (GeoLite2-ASN, -Country, GeoIP2-City)",
                "  warninglist MISP warninglist JSON (benign values that suppress false positives)",
                "Bad entries are reported with file and line and skipped; exit 3 if there were any."
            })
    static final class Load implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Option(names = "--kind", required = true, description = "aliases, ranges, mmdb or warninglist.")
        ReferenceLoading.Kind kind;

        @Parameters(arity = "1..*", paramLabel = "FILE")
        List<Path> files;

        @Option(
                names = "--topic-prefix",
                defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
                description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() throws Exception {
            int problems = ReferenceLoading.load(
                    connection.clientProperties(),
                    new ThreatlineTopics(topicPrefix, 1, (short) 1),
                    kind,
                    files,
                    spec.commandLine().getOut(),
                    spec.commandLine().getErr());
            return problems == 0 ? 0 : PublishCommand.SOME_REJECTED;
        }
    }
}
