package io.threatline.app;

import io.threatline.app.console.HubStateLookup;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.Indicator;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.producer.publish.PublishResult;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.validation.ContractLimits;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What an operator does to one indicator, whatever the vendors say. */
@Command(
        name = "indicators",
        mixinStandardHelpOptions = true,
        description =
                "Operator actions on indicators, and what Threatline holds of one and why a partner got it or not.",
        subcommands = {
            IndicatorsCommand.Revoke.class,
            EraseCommand.class,
            IndicatorsCommand.Show.class,
            IndicatorsCommand.Explain.class,
            FalsePositivesCommand.class
        })
public final class IndicatorsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The value as an analyst pastes it (defanged or not) in the hub's canonical form, its type detected
     * unless given.
     *
     * @throws CommandLine.ParameterException naming what is wrong with it (usage error, exit 2)
     */
    static CanonicalIndicator canonical(CommandLine.Model.CommandSpec spec, String value, IndicatorType type) {
        try {
            return IndicatorLookup.canonical(value, type);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    e.getMessage() + (e.getMessage().startsWith("cannot tell") ? "; give --type" : ""));
        }
    }

    /**
     * A reason as an operator's action records it: 1 to {@value ContractLimits#MAX_REASON_LENGTH} characters.
     *
     * @throws CommandLine.ParameterException otherwise (usage error, exit 2)
     */
    static String checkedReason(CommandLine.Model.CommandSpec spec, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > ContractLimits.MAX_REASON_LENGTH) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--reason must be 1 to " + ContractLimits.MAX_REASON_LENGTH + " characters");
        }
        return reason.strip();
    }

    /**
     * The operator as the hub knows it, {@code operator:<name>}.
     *
     * @throws CommandLine.ParameterException when the name is empty or too long (usage error, exit 2)
     */
    static String checkedOperator(CommandLine.Model.CommandSpec spec, String operator) {
        String who = SensorSources.OPERATOR_PREFIX + (operator == null ? "" : operator.strip());
        if (who.length() > ContractLimits.MAX_LABEL_LENGTH || operator == null || operator.isBlank()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--operator must be 1 to "
                            + (ContractLimits.MAX_LABEL_LENGTH - SensorSources.OPERATOR_PREFIX.length())
                            + " characters");
        }
        return who;
    }

    /**
     * The operator's retraction of an indicator, for the operator's actions topic: it revokes the
     * indicator for every partner that holds it whatever the vendors say.
     */
    static ThreatEvent operatorRetraction(CanonicalIndicator canonical, String who, String why) {
        return operatorRetraction(canonical, who, why, "threatline-indicators-revoke");
    }

    /** As {@link #operatorRetraction(CanonicalIndicator, String, String)}, from the named operator's tool. */
    static ThreatEvent operatorRetraction(CanonicalIndicator canonical, String who, String why, String sensorId) {
        return ThreatEvent.newBuilder()
                .setEventId("operator-" + UUID.randomUUID())
                .setIndicatorType(canonical.type())
                .setIndicatorValue(canonical.value())
                .setObservedAt(Instant.now())
                .setVendor(who)
                .setSensorId(sensorId)
                .setConfidence(100)
                .setTlp(Tlp.CLEAR)
                .setRetraction(true)
                .setRetractionReason(why)
                .build();
    }

    /**
     * What an operator's action on one indicator takes: the indicator, who (--operator) and why
     * (--reason), checked before {@link #act} runs.
     */
    abstract static class OperatorAction implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @CommandLine.Mixin
        IndicatorArgs indicator;

        @Option(names = "--reason", required = true, description = "Why, e.g. a ticket or request reference.")
        String reason;

        @Option(
                names = "--operator",
                defaultValue = "${env:USER:-operator}",
                description = "Who acts (default: $USER).")
        String operator;

        @Override
        public final Integer call() throws Exception {
            String why = checkedReason(spec, reason);
            CanonicalIndicator canonical = canonical(spec, indicator.value, indicator.type);
            String who = checkedOperator(spec, operator);
            return act(canonical, who, why);
        }

        abstract Integer act(CanonicalIndicator canonical, String who, String why) throws Exception;
    }

    /** The indicator every subcommand takes: its value as pasted, its type, the topics' prefix. */
    static final class IndicatorArgs {
        @Parameters(paramLabel = "VALUE", description = "The indicator, e.g. 203.0.113.7, evil[.]example, hxxp://...")
        String value;

        @Option(
                names = "--type",
                description = "Indicator type: ${COMPLETION-CANDIDATES} (default: detected from the value).")
        IndicatorType type;

        @Option(
                names = "--topic-prefix",
                defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
                description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        ThreatlineTopics topics() {
            return new ThreatlineTopics(topicPrefix, 1, (short) 1);
        }
    }

    /** Exit code of show and explain when the hub never emitted the indicator. */
    static final int UNKNOWN = 3;

    /** What show and explain share: the value, its type, where to look. */
    abstract static class Lookup implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @CommandLine.Mixin
        IndicatorArgs indicator;

        @Option(
                names = "--hub-ops",
                paramLabel = "HOST:PORT",
                description =
                        "A hub's operations endpoint (e.g. localhost:9401, or localhost:9400 for run): also print the hub's own "
                                + "record of the indicator (every sighting, the partners that hold it now), asked of the instance "
                                + "that holds it.")
        String hubOps;

        @CommandLine.Mixin
        IndicatorKeyOption indicatorKey;

        @Option(
                names = "--ops-password-file",
                paramLabel = "FILE",
                description =
                        "The operator's console password, when the hub's endpoint is not on this machine's loopback.")
        java.nio.file.Path opsPasswordFile;

        @Override
        public Integer call() throws Exception {
            CanonicalIndicator canonical = canonical(spec, indicator.value, indicator.type);
            IndicatorLookup lookup = new IndicatorLookup(
                    connection.clientProperties(), indicator.topics(), indicatorKey.keyIfPresent(spec));
            List<IndicatorLookup.Change> changes = lookup.changes(canonical.id());
            PrintWriter out = spec.commandLine().getOut();
            if (changes.isEmpty()) {
                out.printf(
                        "%s: unknown — the hub has emitted no indicator with this id (never sighted, suppressed as "
                                + "benign, or gone since)%n",
                        canonical.id());
                out.flush();
                return UNKNOWN;
            }
            IndicatorLookup.printState(out, changes);
            if (hubOps != null) {
                printHubState(out, canonical.id());
            }
            report(out, lookup, changes.get(changes.size() - 1).indicator());
            out.flush();
            return 0;
        }

        abstract void report(PrintWriter out, IndicatorLookup lookup, Indicator indicator) throws Exception;

        /** The hub's record, as the console shows it: asked of --hub-ops, then of the instance it names. */
        private void printHubState(PrintWriter out, String id) throws java.io.IOException {
            String password = opsPasswordFile == null
                    ? null
                    : java.nio.file.Files.readString(opsPasswordFile).strip();
            var http = HubStateLookup.client();
            Map<String, Object> answer = HubStateLookup.ask(http, hubOps, id, password);
            if ("elsewhere".equals(answer.get("status"))) {
                answer = HubStateLookup.ask(http, (String) answer.get("instance"), id, password);
            }
            if (answer.get("state") instanceof Map<?, ?> state) {
                out.printf(
                        "  hub now    %s sighting(s), last %s; held by %s (answered by %s)%n",
                        state.get("sightings"),
                        state.get("lastSeen"),
                        state.get("heldBy") instanceof List<?> l && !l.isEmpty() ? l : "no partner",
                        answer.get("answeredBy"));
            } else if ("unknown".equals(answer.get("status"))) {
                out.printf("  hub now    no longer in the hub's state (answered by %s)%n", answer.get("answeredBy"));
            } else {
                out.printf("  hub now    cannot say: %s%n", answer.getOrDefault("why", answer.get("status")));
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = {
                "Shows what Threatline holds of an indicator: its state (first and last seen, sightings, vendors, families, "
                        + "TLP, score, enrichment), its changes, and for every partner with an agreement what the "
                        + "agreement lets it receive now and which receipts name it.",
                "The value may be pasted as an analyst has it, defanged or not.",
                "",
                "Exit codes: 0 found; 3 unknown indicator; 1 failure; 2 usage error."
            })
    static final class Show extends Lookup {
        @Override
        void report(PrintWriter out, IndicatorLookup lookup, Indicator indicator) throws Exception {
            Instant now = Instant.now();
            Map<String, List<DeliveryReceipt>> receipts = lookup.receipts(indicator.getId());
            out.println("  partners:");
            for (PartnerAgreement agreement : new java.util.TreeMap<>(lookup.agreements()).values()) {
                out.printf(
                        "    %-24s %s; %d receipt(s) name it%n",
                        agreement.getPartnerId(),
                        IndicatorLookup.decision(agreement, indicator, now),
                        receipts.getOrDefault(agreement.getPartnerId(), List.of())
                                .size());
            }
        }
    }

    @Command(
            name = "explain",
            mixinStandardHelpOptions = true,
            description = {
                "Explains one partner's side of an indicator: what its agreement lets it receive now, or the rule that "
                        + "withholds it (TLP ceiling, scope, period, embargo ...), the same rule the hub applies; and what "
                        + "the partner received, receipt by receipt (when, through which channel, under which agreement version).",
                "",
                "Exit codes: 0 explained; 3 unknown indicator; 1 failure; 2 usage error."
            })
    static final class Explain extends Lookup {
        @Option(names = "--partner", required = true, description = "The partner id, e.g. interpol.")
        String partner;

        @Override
        void report(PrintWriter out, IndicatorLookup lookup, Indicator indicator) throws Exception {
            PartnerAgreement agreement = lookup.agreements().get(partner);
            out.printf("  %s: %s%n", partner, IndicatorLookup.decision(agreement, indicator, Instant.now()));
            List<DeliveryReceipt> receipts = lookup.receipts(indicator.getId()).getOrDefault(partner, List.of());
            if (receipts.isEmpty()) {
                out.printf("  %s received it through no receipted channel%n", partner);
            }
            for (IndicatorLookup.Version v : lookup.versions(indicator.getId(), receipts)) {
                out.printf(
                        "  version   %s TLP:%s at %s under agreement v%d (%s-%d@%d)%n",
                        v.action(), v.tlp(), v.at(), v.agreementVersion(), v.topic(), v.partition(), v.offset());
            }
            for (DeliveryReceipt receipt : receipts) {
                out.printf(
                        "  received %s via %s (%s) under %s v%d, receipt %d%n",
                        receipt.getDeliveredAt(),
                        receipt.getChannel(),
                        receipt.getChannelTarget(),
                        receipt.getAgreementId(),
                        receipt.getAgreementVersion(),
                        receipt.getSequence());
            }
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = {
                "Revokes an indicator for every partner that holds it, whatever the vendors still report (a vendor's own retraction "
                        + "only withdraws its sightings). The action goes to <prefix>operator.actions.v1, which only Threatline's own user "
                        + "may write and which keeps it five years: who (--operator), when, why (--reason). The hub then sends REVOKE.",
                "The value may be pasted as an analyst has it, defanged or not; its type is detected unless --type says it.",
                "",
                "Exit codes: 0 recorded; 1 failure (nothing recorded); 2 usage error (an unreadable value, no reason)."
            })
    static final class Revoke extends OperatorAction {
        @Override
        Integer act(CanonicalIndicator canonical, String who, String why) throws Exception {
            ThreatlineTopics topics = indicator.topics();
            Map<String, Object> config = connection.clientProperties();
            config.put(PublisherConfig.TOPIC, topics.operatorActions());
            ThreatEvent action = operatorRetraction(canonical, who, why);
            PrintWriter out = spec.commandLine().getOut();
            try (ThreatPublisher publisher = new ThreatPublisher(config, null)) {
                PublishResult result = publisher.publish(action).get(2, TimeUnit.MINUTES);
                if (result instanceof PublishResult.Accepted accepted) {
                    out.printf(
                            "revoked: %s by %s (%s), recorded at %s-%d@%d; partners that hold it get REVOKE%n",
                            canonical.id(),
                            who,
                            why,
                            topics.operatorActions(),
                            accepted.partition(),
                            accepted.offset());
                    out.flush();
                    return 0;
                }
                spec.commandLine().getErr().println("not recorded: " + result);
                return 1;
            }
        }
    }
}
