package io.threatline.app;

import io.threatline.contract.FalsePositiveReport;
import io.threatline.contract.FalsePositiveStatus;
import io.threatline.contract.Suppression;
import io.threatline.contract.ThreatEvent;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Partners' false-positive reports and the operator's decisions on them (docs/sharing-back.md): list
 * them, accept one (the indicator is suppressed and revoked for every partner that holds it), reject
 * one (recorded, nothing changes), and lift a suppression.
 */
@Command(
        name = "false-positives",
        mixinStandardHelpOptions = true,
        description = {
            "Partners' false-positive reports (<prefix>false-positives.v1) and the operator's decisions on them.",
            "Exit codes: 0 done; 1 failure (an accept that fails part-way may have written the suppression; run it"
                    + " again); 2 usage error; 3 no open report."
        },
        subcommands = {
            FalsePositivesCommand.ListReports.class,
            FalsePositivesCommand.Accept.class,
            FalsePositivesCommand.Reject.class,
            FalsePositivesCommand.Unsuppress.class
        })
final class FalsePositivesCommand implements Runnable {

    static final int NO_SUCH_REPORT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The latest record of each report, by key ({@code <indicator id> <partner id>}). */
    static Map<String, FalsePositiveReport> reports(Map<String, Object> client, ThreatlineTopics topics) {
        Map<String, FalsePositiveReport> latest = new TreeMap<>();
        ConfluentAvroDeserializer<FalsePositiveReport> values = new ConfluentAvroDeserializer<>();
        Map<String, Object> config = new HashMap<>(client);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        values.configure(config, false);
        TopicSnapshot.read(AvroSerdeConfig.kafkaOnly(client), topics.falsePositives(), r -> {
            if (r.key() == null) {
                return;
            }
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), values.deserialize(r.topic(), r.value()));
            }
        });
        return latest;
    }

    /**
     * Decides every open report of {@code partner} on the indicator (decided ones keep their decision):
     * for ACCEPTED, first the suppression, then the operator's retraction (every partner that holds it
     * gets REVOKE, as `indicators revoke` does), then the decision on each report; for REJECTED, the
     * decision only. The one home of the decision, for the command line and the console.
     *
     * @return how many reports were decided (0: none open)
     */
    static int decide(
            Map<String, Object> client,
            ThreatlineTopics topics,
            CanonicalIndicator canonical,
            String partner,
            FalsePositiveStatus status,
            String who,
            String why)
            throws Exception {
        Map<String, FalsePositiveReport> open = new java.util.LinkedHashMap<>();
        reports(client, topics).forEach((key, r) -> {
            if (r.getIndicatorId().equals(canonical.id())
                    && r.getPartnerId().equals(partner)
                    && r.getStatus() == FalsePositiveStatus.OPEN) {
                open.put(key, r);
            }
        });
        if (open.isEmpty()) {
            return 0;
        }
        Instant now = Instant.now();
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Object> producer =
                new KafkaProducer<>(AvroSerdeConfig.kafkaOnly(props), new StringSerializer(), anyRecord(props))) {
            if (status == FalsePositiveStatus.ACCEPTED) {
                // The hub checks suppressions at validation and again at the dedup; a sighting that reaches the dedup
                // before the suppression reaches the hub's global store can still make it NEW again
                // (docs/sharing-back.md, "Not done").
                producer.send(new ProducerRecord<>(
                                topics.suppressions(),
                                canonical.id(),
                                new Suppression(
                                        canonical.id(),
                                        "false positive reported by " + partner + ", accepted: " + why,
                                        who,
                                        now)))
                        .get(30, TimeUnit.SECONDS);
                ThreatEvent retraction = IndicatorsCommand.operatorRetraction(
                        canonical, who, "false positive reported by " + partner + ": " + why);
                producer.send(new ProducerRecord<>(topics.operatorActions(), canonical.id(), retraction))
                        .get(30, TimeUnit.SECONDS);
            }
            for (Map.Entry<String, FalsePositiveReport> report : open.entrySet()) {
                FalsePositiveReport decided = FalsePositiveReport.newBuilder(report.getValue())
                        .setStatus(status)
                        .setDecidedBy(who)
                        .setDecidedAt(now)
                        .setDecisionReason(why)
                        .build();
                producer.send(new ProducerRecord<>(topics.falsePositives(), report.getKey(), decided))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        return open.size();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the reports, open ones first.")
    static final class ListReports implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ConnectionOptions connection;

        @Option(names = "--all", description = "Also the decided ones (default: open only).")
        boolean all;

        @Option(
                names = "--topic-prefix",
                defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
                description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
        String topicPrefix;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, FalsePositiveReport> reports =
                    reports(connection.clientProperties(), new ThreatlineTopics(topicPrefix, 1, (short) 1));
            int shown = 0;
            for (FalsePositiveReport r : reports.values()) {
                if (!all && r.getStatus() != FalsePositiveStatus.OPEN) {
                    continue;
                }
                out.printf(
                        "%-8s %s reported by %s at %s (report %s)%s%s%n",
                        r.getStatus(),
                        r.getIndicatorId(),
                        r.getPartnerId(),
                        r.getReportedAt(),
                        r.getReportId(),
                        r.getComment() == null ? "" : ": " + r.getComment(),
                        r.getDecidedBy() == null
                                ? ""
                                : " — decided by " + r.getDecidedBy() + " at " + r.getDecidedAt()
                                        + (r.getDecisionReason() == null ? "" : " (" + r.getDecisionReason() + ")"));
                shown++;
            }
            out.printf("%d report(s)%s%n", shown, all ? "" : " open");
            out.flush();
            return 0;
        }
    }

    /** What accept and reject share: the report they decide, as an operator's action. */
    abstract static class Decision extends IndicatorsCommand.OperatorAction {
        @Option(names = "--partner", required = true, description = "The partner whose report this decides.")
        String partner;

        abstract FalsePositiveStatus status();

        @Override
        Integer act(CanonicalIndicator canonical, String who, String why) throws Exception {
            ThreatlineTopics topics = indicator.topics();
            Map<String, Object> client = connection.clientProperties();
            PrintWriter out = spec.commandLine().getOut();
            int decided = decide(client, topics, canonical, partner, status(), who, why);
            if (decided == 0) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                "no open false-positive report of %s by %s in %s%n",
                                canonical.id(), partner, topics.falsePositives());
                return NO_SUCH_REPORT;
            }
            out.printf(
                    "%s: the false-positive report of %s by %s, by %s (%s)%s%n",
                    status() == FalsePositiveStatus.ACCEPTED ? "accepted" : "rejected",
                    canonical.id(),
                    partner,
                    who,
                    why,
                    status() == FalsePositiveStatus.ACCEPTED
                            ? "; suppressed, and every partner that holds it gets REVOKE"
                            : "; the indicator stays");
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "accept",
            mixinStandardHelpOptions = true,
            description = "Accepts a partner's report: the indicator is suppressed (sensors' sightings of it are"
                    + " dead-lettered) and revoked for every partner that holds it.")
    static final class Accept extends Decision {
        @Override
        FalsePositiveStatus status() {
            return FalsePositiveStatus.ACCEPTED;
        }
    }

    @Command(
            name = "reject",
            mixinStandardHelpOptions = true,
            description = "Rejects a partner's report: recorded with who and why; the indicator stays.")
    static final class Reject extends Decision {
        @Override
        FalsePositiveStatus status() {
            return FalsePositiveStatus.REJECTED;
        }
    }

    @Command(
            name = "unsuppress",
            mixinStandardHelpOptions = true,
            description = "Lifts a suppression: the hub takes the indicator from sensors and partners again (its"
                    + " next sighting is NEW). The suppression's record gives way to a tombstone; who and why are"
                    + " printed for the operator's own log.")
    static final class Unsuppress extends IndicatorsCommand.OperatorAction {
        @Override
        Integer act(CanonicalIndicator canonical, String who, String why) throws Exception {
            ThreatlineTopics topics = indicator.topics();
            Map<String, Object> props = new HashMap<>(connection.clientProperties());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            try (KafkaProducer<String, Object> producer =
                    new KafkaProducer<>(AvroSerdeConfig.kafkaOnly(props), new StringSerializer(), anyRecord(props))) {
                producer.send(new ProducerRecord<>(topics.suppressions(), canonical.id(), null))
                        .get(30, TimeUnit.SECONDS);
            }
            spec.commandLine()
                    .getOut()
                    .printf("unsuppressed: %s by %s (%s); the hub takes it again%n", canonical.id(), who, why);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** One Avro serializer for the few record types these commands write. */
    static Serializer<Object> anyRecord(Map<String, Object> props) {
        ConfluentAvroSerializer<Object> avro = new ConfluentAvroSerializer<>();
        avro.configure(props, false);
        return avro;
    }
}
