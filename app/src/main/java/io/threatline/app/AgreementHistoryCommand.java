package io.threatline.app;

import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code threatline agreements history}: what a partner's agreement granted, version by version, and when. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = {
            "Lists every version of a partner's agreement with its terms (TLP ceiling, data kinds, scope, embargo,",
            "period, channels without secrets), when each took effect (the broker's time of its entry in",
            "<prefix>agreements.history.v1), by whom, and until when it was in force (replaced or ended).",
            "--version N prints one version's full terms: this is how the agreement version on a receipt",
            "(`threatline audit verify` prints 'agreement <id> v<N>') is looked up.",
            "Exit codes: 0 shown; 3 the partner has no history (or no such version); 1 failure; 2 usage error."
        })
final class AgreementHistoryCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "PARTNER_ID", description = "The partner whose agreement history to show.")
    String partnerId;

    @Option(
            names = "--version",
            paramLabel = "N",
            description = "Print only this version's full terms and when it was in force.")
    Integer version;

    @Option(names = "--json", description = "Print JSON, for scripts.")
    boolean json;

    @Option(
            names = "--topic-prefix",
            defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Override
    public Integer call() {
        ThreatlineTopics topics;
        try {
            ThreatlineTopics.checkPartnerId(partnerId);
            topics = new ThreatlineTopics(topicPrefix, 1, (short) 1);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (version != null && version < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--version must be at least 1, was " + version);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<AgreementHistory.Entry> entries;
        try (AgreementHistory history =
                new AgreementHistory(connection.clientProperties(), topics.agreementsHistory(), topics.agreements())) {
            entries = history.read(partnerId);
        }
        if (entries.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("no history: partner " + partnerId + " has no entry in " + topics.agreementsHistory());
            return 3;
        }
        if (version == null) {
            out.print(
                    json
                            ? AgreementHistoryFormat.listJson(partnerId, topics.agreementsHistory(), entries)
                            : AgreementHistoryFormat.list(partnerId, topics.agreementsHistory(), entries));
            out.flush();
            return 0;
        }
        Optional<String> shown = json
                ? AgreementHistoryFormat.versionJson(partnerId, entries, version)
                : AgreementHistoryFormat.version(partnerId, entries, version);
        if (shown.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("no such version: partner " + partnerId + " has no version " + version + " in "
                            + topics.agreementsHistory() + " (versions: "
                            + entries.stream()
                                    .filter(AgreementHistory.Entry::applied)
                                    .map(e -> e.value().getAgreement().getVersion())
                                    .distinct()
                                    .sorted()
                                    .toList()
                            + ")");
            return 3;
        }
        out.print(shown.get());
        out.flush();
        return 0;
    }
}
