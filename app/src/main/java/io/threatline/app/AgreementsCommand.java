package io.threatline.app;

import io.threatline.agreements.files.InvalidAgreementException;
import io.threatline.contract.PartnerAgreement;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Manages partner agreements: files in, the compacted agreements topic out. */
@Command(
        name = "agreements",
        mixinStandardHelpOptions = true,
        description =
                "Partner agreements: check agreement files, apply them to the running hub, end one, read their history, replay a partner's feed.",
        subcommands = {
            AgreementsCommand.Check.class,
            AgreementsCommand.Apply.class,
            AgreementsCommand.End.class,
            AgreementHistoryCommand.class,
            AgreementsReplay.class
        })
public final class AgreementsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Validates agreement files without applying them. */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Checks agreement files (YAML or JSON; a directory means every file in it).",
                "An invalid file is refused with a message naming the file, line and field. Exit 1 if any is invalid."
            })
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE|DIR")
        List<Path> paths;

        @CommandLine.Mixin
        ChannelCheckOptions channelChecks;

        @Override
        public Integer call() {
            try {
                for (PartnerAgreement a : channelChecks.checks().load(paths)) {
                    spec.commandLine()
                            .getOut()
                            .printf(
                                    "ok: %s (%s) agreement %s version %d%n",
                                    a.getPartnerId(), a.getPartnerName(), a.getAgreementId(), a.getVersion());
                }
                return 0;
            } catch (InvalidAgreementException e) {
                spec.commandLine().getErr().println("invalid agreement: " + e.getMessage());
                return 1;
            }
        }
    }

    /** Applies agreements: creates the partners' topics, then writes the agreements to the compacted topic. */
    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = {
                "Applies agreement files to the hub: every file is checked first (nothing is applied if one",
                "is invalid), each partner's topics are created, then the agreements are written to the compacted",
                "agreements topic. The running hub applies a changed agreement to the very next record.",
                "Each version applied is first added, with its full terms, to the history of agreements",
                "(<prefix>agreements.history.v1, kept forever; see `threatline agreements history`). A version that is not",
                "greater than the partner's latest in the history is refused unless its terms are the same (then it is",
                "'unchanged'): each change needs a new version, so an agreement version names one set of terms.",
                "With --acls (on a cluster with an authorizer) each partner whose kafka channel names a principal",
                "(principal: User:interpol, the only principal a partner may have) may then read its feed topics (indicators,",
                "their JSON mirror, statistics; not its dead-letter topic) and its consumer groups (partner.<id>.*), nothing else.",
                "Every channel is checked as delivery checks it (on this host unless --delivery-elsewhere).",
                "Exit codes: 0 applied (or unchanged); 1 an agreement is invalid, a version is refused (nothing applied) or Kafka",
                "refused; 2 usage error."
            })
    static final class Apply implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Parameters(arity = "1..*", paramLabel = "FILE|DIR")
        List<Path> paths;

        @Option(
                names = "--topic-prefix",
                defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
                description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Option(
                names = "--partitions",
                defaultValue = "6",
                description = "Partitions of new partner topics (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(
                names = "--replication-factor",
                defaultValue = "1",
                description = "Replication factor of new partner topics (default: ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Option(
                names = "--retention",
                defaultValue = "P30D",
                description = "Retention of the partner topics of an agreement that states none (its `retention`"
                        + " otherwise, docs/data-protection.md), ISO-8601 (default: ${DEFAULT-VALUE}); applied to"
                        + " existing topics too.")
        Duration retention;

        @Option(
                names = "--acls",
                description =
                        "Also grant each partner's Kafka principal (its kafka channel's principal setting) read access to its own topics and groups only.")
        boolean acls;

        @CommandLine.Mixin
        ChannelCheckOptions channelChecks;

        @Option(
                names = "--operator",
                defaultValue = "${env:USER:-operator}",
                description = "Who applies them, kept in the history of agreements (default: $USER).")
        String operator;

        @Override
        public Integer call() throws Exception {
            String who = checkOperator(spec, operator);
            List<PartnerAgreement> agreements;
            try {
                agreements = channelChecks.checks().load(paths);
            } catch (InvalidAgreementException e) {
                spec.commandLine().getErr().println("invalid agreement, nothing applied: " + e.getMessage());
                return 1;
            }
            ThreatlineTopics topics = new ThreatlineTopics(topicPrefix, partitions, replicationFactor);
            PrintWriter out = spec.commandLine().getOut();
            try {
                AgreementPublishing.publish(
                        connection.clientProperties(),
                        connection.kafkaProperties(),
                        topics,
                        retention,
                        agreements,
                        who,
                        out);
            } catch (AgreementVersions.RefusedException e) {
                spec.commandLine().getErr().println("refused, nothing applied: " + e.getMessage());
                return 1;
            }
            if (acls) {
                AgreementPublishing.grantPartnerAcls(connection.kafkaProperties(), topics, agreements, out);
            }
            out.flush();
            return 0;
        }
    }

    /** Ends a partner's agreement at once: a tombstone in the agreements topic, then an "ended" entry in its history. */
    @Command(
            name = "end",
            mixinStandardHelpOptions = true,
            description = {
                "Ends a partner's agreement at once (a tombstone in the agreements topic); nothing more is delivered to it.",
                "Then adds an 'ended' entry (when, --operator) to the history of agreements. The end comes first so that",
                "stopping a partner never waits on the history; should the history write fail, run `end` again to record it.",
                "Last it removes the partner's Kafka ACLs and its Kafka (SCRAM) user User:<partner id>; a cluster without an",
                "authorizer or without that user has none to remove, and the output says so."
            })
    static final class End implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Parameters(paramLabel = "PARTNER_ID")
        String partnerId;

        @Option(
                names = "--topic-prefix",
                defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
                description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Option(
                names = "--operator",
                defaultValue = "${env:USER:-operator}",
                description = "Who ends it, kept in the history of agreements (default: $USER).")
        String operator;

        @Option(
                names = "--replication-factor",
                defaultValue = "1",
                description =
                        "Replication factor of the history topic, should it have to be created (default: ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Override
        public Integer call() throws Exception {
            try {
                ThreatlineTopics.checkAgreementPartnerId(partnerId);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            String who = checkOperator(spec, operator);
            ThreatlineTopics topics = new ThreatlineTopics(topicPrefix, 1, replicationFactor);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    connection.kafkaProperties(), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topics.agreements(), partnerId, null))
                        .get(30, TimeUnit.SECONDS);
            }
            spec.commandLine().getOut().println("ended: " + partnerId + " (nothing more is delivered to it)");
            try (AgreementHistory history =
                    AgreementHistory.open(connection.clientProperties(), connection.kafkaProperties(), topics)) {
                history.append(AgreementHistory.ended(partnerId, who));
            }
            spec.commandLine().getOut().println("history: the end is recorded in " + topics.agreementsHistory());
            PartnerAccessRemoval.remove(
                    connection.kafkaProperties(),
                    topics,
                    partnerId,
                    spec.commandLine().getOut());
            return 0;
        }
    }

    /** The operator's name as given, checked: 1 to 256 characters, not blank. */
    static String checkOperator(CommandLine.Model.CommandSpec spec, String operator) {
        if (operator == null
                || operator.isBlank()
                || operator.strip().length() > io.threatline.schemas.validation.ContractLimits.MAX_LABEL_LENGTH) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--operator must be 1 to " + io.threatline.schemas.validation.ContractLimits.MAX_LABEL_LENGTH
                            + " characters");
        }
        return operator.strip();
    }
}
