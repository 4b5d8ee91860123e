package io.threatline.app;

import io.threatline.consumer.audit.AuditFiles;
import io.threatline.consumer.audit.AuditReader;
import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.consumer.audit.SignedHead;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The delivery audit: verify a partner's receipt chain and say what it received, when and under
 * which agreement; export a signed head of the chain that a partner keeps, and check the chain
 * against such a head so that cutting or rewriting it shows.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description =
                "Delivery audit: every delivered batch has a receipt in ti.delivery-audit.v1, hash-chained per partner.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Head.class})
public final class AuditCommand implements Runnable {

    /** Where `run` keeps the generated secrets, the audit signing key among them. */
    static final String DEFAULT_SECRETS_DIR = ".threatline/secrets";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Verifies a partner's receipt chain (sequence, links, hashes) and answers what the partner received",
                "between two times, per agreement version and channel. What an agreement version granted is kept in the",
                "history of agreements: `threatline agreements history <partner> --version <N>` prints its terms.",
                "With --head, also checks the chain against a signed head kept from `threatline audit head`: its signature",
                "must verify with the deployment's public key, and the chain must still hold the head's sequence with the",
                "head's hash. A chain cut short or rewritten (even with every hash recomputed) fails this check.",
                "An exact copy of a receipt (a retried write) is skipped and counted, not a break.",
                "",
                "Exit codes: 0 the chain is intact (and matches the head); 3 the chain is broken, does not reach or match",
                "the head, or the head's signature does not verify (each problem is listed); 1 failure; 2 usage error."
            })
    static final class Verify implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Option(
                names = "--partner",
                required = true,
                paramLabel = "ID",
                description = "The partner whose chain to verify.")
        String partner;

        @Option(
                names = "--from",
                paramLabel = "INSTANT",
                description =
                        "Start of the period asked about, inclusive (ISO-8601, e.g. 2026-11-01T00:00:00Z; default: the beginning).")
        String from;

        @Option(
                names = "--until",
                paramLabel = "INSTANT",
                description = "End of the period, exclusive (ISO-8601; default: now).")
        String until;

        @Option(names = "--records", description = "Also list the id of every record delivered in the period.")
        boolean listRecords;

        @Option(
                names = "--topic-prefix",
                defaultValue = "ti.",
                description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Option(
                names = "--head",
                paramLabel = "FILE",
                description =
                        "A signed head kept from `threatline audit head`: the chain must still reach it and match it.")
        Path headFile;

        @Option(
                names = "--public-key",
                paramLabel = "FILE",
                description =
                        "The deployment's audit public key (X.509 PEM) to check --head with (default: <secrets-dir>/"
                                + AuditKeys.PUBLIC_FILE + ").")
        Path publicKeyFile;

        @Option(
                names = "--secrets-dir",
                paramLabel = "DIR",
                defaultValue = DEFAULT_SECRETS_DIR,
                description =
                        "Where the deployment's audit key is kept (default: ${DEFAULT-VALUE}); only read for the public key.")
        Path secretsDir;

        @Option(
                names = "--indicator",
                paramLabel = "VALUE",
                description =
                        "Also say whether the verified receipts name this indicator (pasted as an analyst has it):"
                                + " receipts name records by keyed hash (docs/data-protection.md), so this takes the deployment's"
                                + " indicator key (--indicator-key).")
        String indicator;

        @CommandLine.Mixin
        IndicatorKeyOption indicatorKey;

        @Override
        public Integer call() {
            ThreatlineTopics.checkPartnerId(partner);
            Instant start = instant("--from", from, Instant.EPOCH);
            Instant end = instant("--until", until, Instant.now());
            Optional<SignedHead> kept = keptHead();
            PrintWriter out = spec.commandLine().getOut();
            Optional<String> headProblem = kept.flatMap(h -> h.signatureProblem(trustedKey()));
            String topic = topic(topicPrefix);
            List<DeliveryReceipt> receipts = chain(connection.clientProperties(), topic, partner);
            // A head whose signature fails proves nothing: the chain is then checked on its own.
            SignedHead trusted = headProblem.isEmpty() ? kept.orElse(null) : null;
            AuditVerifier.Report report = AuditVerifier.verify(partner, receipts, start, end, trusted);
            out.printf(
                    "Partner %s: %,d receipt(s) in %s%s; chain %s%n",
                    partner,
                    report.receipts(),
                    topic,
                    report.duplicates() == 0
                            ? ""
                            : String.format(
                                    " (and %,d exact copy(ies) of retried writes, skipped)", report.duplicates()),
                    report.intact() ? "INTACT" : "BROKEN at " + report.breaks().size() + " place(s)");
            kept.ifPresent(h -> out.printf(
                    "Kept head %s: partner %s, sequence %,d, hash %s, signed %s by key %s: %s%n",
                    headFile,
                    h.partnerId(),
                    h.sequence(),
                    h.hash(),
                    h.issuedAt(),
                    h.keyId(),
                    headProblem
                            .map(p -> "SIGNATURE INVALID (" + p + ")")
                            .orElse(
                                    report.intact()
                                            ? "signature valid, the chain reaches and matches it"
                                            : "signature valid")));
            report.breaks()
                    .forEach(b -> out.printf(
                            "  BREAK at sequence %d (receipt %s): %s%n",
                            b.sequence(), b.receiptId().isEmpty() ? "-" : b.receiptId(), b.problem()));
            out.printf(
                    "Delivered from %s until %s: %,d record(s)%n",
                    start, end, report.recordIds().size());
            report.delivered()
                    .forEach(d -> out.printf(
                            "  agreement %s v%d via %s (%s): %,d record(s) in %,d batch(es), %s .. %s%n",
                            d.agreementId(),
                            d.agreementVersion(),
                            d.channel(),
                            d.target(),
                            d.records(),
                            d.receipts(),
                            d.first(),
                            d.last()));
            if (listRecords) {
                report.recordIds().forEach(id -> out.println("  " + id));
            }
            if (indicator != null) {
                String id = IndicatorsCommand.canonical(spec, indicator, null).id();
                io.threatline.schemas.privacy.IndicatorKey key = indicatorKey.key(spec);
                String ref = key.ref(id);
                // Its id or the one the partner's minimisation made of it, by reference or (older receipts) in clear.
                java.util.Set<String> names = new IndicatorLookup(
                                connection.clientProperties(),
                                new ThreatlineTopics(topicPrefix, 1, (short) 1),
                                Optional.of(key))
                        .names(id);
                long times = report.recordIds().stream().filter(names::contains).count();
                out.printf(
                        times == 0
                                ? "%s (%s): not delivered to %s from %s until %s%n"
                                : "%s (%s): delivered to %s from %s until %s, in %d record(s)%n",
                        id,
                        ref,
                        partner,
                        start,
                        end,
                        times);
            }
            out.flush();
            return report.intact() && headProblem.isEmpty() ? 0 : 3;
        }

        private Optional<SignedHead> keptHead() {
            if (headFile == null) {
                return Optional.empty();
            }
            SignedHead head;
            try {
                head = SignedHead.fromJson(AuditFiles.read(headFile));
            } catch (IOException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--head " + headFile + " cannot be read: " + e);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--head " + headFile + " is not a signed head: " + e.getMessage());
            }
            if (!head.partnerId().equals(partner)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--head " + headFile + " is a head of partner " + head.partnerId() + "'s chain, not of "
                                + partner + "'s");
            }
            return Optional.of(head);
        }

        private PublicKey trustedKey() {
            Path file = publicKeyFile != null ? publicKeyFile : secretsDir.resolve(AuditKeys.PUBLIC_FILE);
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        publicKeyFile != null
                                ? "--public-key " + file + " does not exist"
                                : "--head needs the deployment's public key: give --public-key (no " + file + ")");
            }
            try {
                return AuditKeys.publicKey(file);
            } catch (IOException | IllegalStateException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--public-key " + file + ": " + e.getMessage());
            }
        }

        private Instant instant(String option, String value, Instant otherwise) {
            if (value == null) {
                return otherwise;
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        option + " '" + value + "' is not an ISO-8601 instant such as 2026-11-01T00:00:00Z");
            }
        }
    }

    @Command(
            name = "head",
            mixinStandardHelpOptions = true,
            description = {
                "Exports a signed head of a partner's receipt chain: its last sequence and hash, signed with the",
                "deployment's Ed25519 audit key (made on first use under <secrets-dir>/audit/; give partners the",
                ".pub.pem file). Whoever keeps the head can later run `threatline audit verify --head` to show that the",
                "chain was not cut short or rewritten since. No head is signed over a broken chain.",
                "",
                "Exit codes: 0 head written; 3 the chain is broken (nothing signed); 1 failure (no receipts, key unusable);",
                "2 usage error."
            })
    static final class Head implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Option(
                names = "--partner",
                required = true,
                paramLabel = "ID",
                description = "The partner whose chain head to sign.")
        String partner;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "Write the signed head (JSON) here instead of to standard output.")
        Path outFile;

        @Option(
                names = "--secrets-dir",
                paramLabel = "DIR",
                defaultValue = DEFAULT_SECRETS_DIR,
                description =
                        "Where the deployment's audit key is kept, and made when missing (default: ${DEFAULT-VALUE}).")
        Path secretsDir;

        @Option(
                names = "--topic-prefix",
                defaultValue = "ti.",
                description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() throws IOException {
            ThreatlineTopics.checkPartnerId(partner);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String topic = topic(topicPrefix);
            AuditVerifier.Report report = AuditVerifier.verify(
                    partner, chain(connection.clientProperties(), topic, partner), Instant.EPOCH, Instant.MAX);
            if (!report.intact()) {
                err.printf(
                        "threatline audit head: partner %s's chain in %s is BROKEN at %d place(s); no head signed (see threatline audit verify)%n",
                        partner, topic, report.breaks().size());
                err.flush();
                return 3;
            }
            if (report.receipts() == 0) {
                err.printf(
                        "threatline audit head: partner %s has no receipt in %s; there is no head to sign%n",
                        partner, topic);
                err.flush();
                return 1;
            }
            AuditKeys.Loaded keys = AuditKeys.ensure(secretsDir);
            if (keys.generated()) {
                err.printf(
                        "Generated the deployment's audit signing key %s (private, mode 600); give partners its public key %s%n",
                        keys.privateFile(), keys.publicFile());
            }
            SignedHead head = SignedHead.sign(
                    partner,
                    report.head(),
                    Instant.now(),
                    keys.pair().getPrivate(),
                    keys.pair().getPublic());
            if (head.signatureProblem(keys.pair().getPublic()).isPresent()) {
                throw new IllegalStateException(keys.privateFile() + " and " + keys.publicFile()
                        + " are not one key pair: " + "a head signed with them would not verify");
            }
            if (outFile == null) {
                out.print(head.toJson());
            } else {
                Files.writeString(outFile, head.toJson(), StandardCharsets.UTF_8);
                out.printf(
                        "Signed head of partner %s: sequence %,d, hash %s, key %s, written to %s (public key: %s)%n",
                        partner, head.sequence(), head.hash(), head.keyId(), outFile, keys.publicFile());
            }
            out.flush();
            err.flush();
            return 0;
        }
    }

    private static String topic(String topicPrefix) {
        return new ThreatlineTopics(topicPrefix, 1, (short) 1).deliveryAudit();
    }

    /** The partner's receipts in the audit topic, in topic order. */
    private static List<DeliveryReceipt> chain(Map<String, Object> clientProperties, String topic, String partner) {
        List<DeliveryReceipt> receipts = new ArrayList<>();
        try (AuditReader reader = AuditReader.open(clientProperties, topic)) {
            reader.readAll(r -> {
                if (r.getPartnerId().equals(partner)) {
                    receipts.add(r);
                }
            });
        }
        return receipts;
    }
}
