package io.threatline.app;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.threatline.consumer.audit.AuditReader;
import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.schemas.topics.ThreatlineTopics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The delivery audit: verify a partner's receipt chain and say what it received, when and under which agreement. */
@Command(name = "audit",
    mixinStandardHelpOptions = true,
    description = "Delivery audit: every delivered batch has a receipt in ti.delivery-audit.v1, hash-chained per partner.",
    subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Verifies a partner's receipt chain (sequence, links, hashes) and answers what the partner received",
            "between two times, per agreement version and channel.",
            "",
            "Exit codes: 0 the chain is intact; 3 the chain is broken (each break is listed); 1 failure; 2 usage error."})
    static final class Verify implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Option(names = "--partner", required = true, paramLabel = "ID", description = "The partner whose chain to verify.")
        String partner;

        @Option(names = "--from", paramLabel = "INSTANT", description = "Start of the period asked about, inclusive (ISO-8601, e.g. 2026-11-01T00:00:00Z; default: the beginning).")
        String from;

        @Option(names = "--until", paramLabel = "INSTANT", description = "End of the period, exclusive (ISO-8601; default: now).")
        String until;

        @Option(names = "--records", description = "Also list the id of every record delivered in the period.")
        boolean listRecords;

        @Option(names = "--topic-prefix", defaultValue = "ti.", description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() {
            ThreatlineTopics.checkPartnerId(partner);
            Instant start = instant("--from", from, Instant.EPOCH);
            Instant end = instant("--until", until, Instant.now());
            String topic = new ThreatlineTopics(topicPrefix, 1, (short) 1).deliveryAudit();
            List<DeliveryReceipt> receipts = new ArrayList<>();
            try (AuditReader reader = AuditReader.open(connection.clientProperties(), topic)) {
                reader.readAll(r -> {
                    if (r.getPartnerId().equals(partner)) {
                        receipts.add(r);
                    }
                });
            }
            AuditVerifier.Report report = AuditVerifier.verify(partner, receipts, start, end);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Partner %s: %,d receipt(s) in %s; chain %s%n", partner, report.receipts(), topic,
                report.intact() ? "INTACT" : "BROKEN at " + report.breaks().size() + " place(s)");
            report.breaks().forEach(b -> out.printf("  BREAK at sequence %d (receipt %s): %s%n", b.sequence(), b.receiptId(), b.problem()));
            out.printf("Delivered from %s until %s: %,d record(s)%n", start, end, report.recordIds().size());
            report.delivered().forEach(d -> out.printf("  agreement %s v%d via %s (%s): %,d record(s) in %,d batch(es), %s .. %s%n",
                d.agreementId(), d.agreementVersion(), d.channel(), d.target(), d.records(), d.receipts(), d.first(), d.last()));
            if (listRecords) {
                report.recordIds().forEach(id -> out.println("  " + id));
            }
            out.flush();
            return report.intact() ? 0 : 3;
        }

        private Instant instant(String option, String value, Instant otherwise) {
            if (value == null) {
                return otherwise;
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " '" + value + "' is not an ISO-8601 instant such as 2026-11-01T00:00:00Z");
            }
        }
    }
}
