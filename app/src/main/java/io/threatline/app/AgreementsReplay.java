package io.threatline.app;

import io.threatline.contract.PartnerAgreement;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code threatline agreements replay <partner>}: asks the hub to re-send the partner's whole current
 * entitlement, for a SIEM that lost its data. It writes the partner's current agreement back with a
 * new {@code replayRequest}; the hub's reconciler then sends every live indicator the terms grant as
 * NEW, through the same path as a backfill and at the same bounded rate (docs/agreements.md).
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Re-sends a partner's whole current entitlement (every live indicator its agreement grants) as NEW,",
            "for a partner whose SIEM lost its data. The terms do not change; the running hub does the work at its",
            "backfill rate (threatline.hub.backfill.rate), with progress in the metrics.",
            "Exit codes: 0 requested; 1 Kafka refused; 2 usage error; 3 the partner has no current agreement."
        })
final class AgreementsReplay implements Callable<Integer> {

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
            description = "Who asks for the replay, recorded in the request (default: the OS user).")
    String operator;

    @Override
    public Integer call() throws Exception {
        try {
            ThreatlineTopics.checkPartnerId(partnerId);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ThreatlineTopics topics = new ThreatlineTopics(topicPrefix, 1, (short) 1);
        PrintWriter out = spec.commandLine().getOut();
        Optional<PartnerAgreement> current = current(connection.clientProperties(), topics, partnerId);
        if (current.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("no current agreement for partner '" + partnerId + "': nothing to replay");
            return 3;
        }
        String who = operator != null && !operator.isBlank()
                ? operator.strip()
                : System.getProperty("user.name", "operator");
        String request = Instant.now() + " " + who + " " + UUID.randomUUID();
        PartnerAgreement replay = PartnerAgreement.newBuilder(current.get())
                .setReplayRequest(request)
                .build();
        Map<String, Object> props = new HashMap<>(connection.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        ConfluentAvroSerializer<PartnerAgreement> values = new ConfluentAvroSerializer<>();
        values.configure(props, false);
        try (KafkaProducer<String, PartnerAgreement> producer =
                new KafkaProducer<>(AvroSerdeConfig.kafkaOnly(props), new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(topics.agreements(), partnerId, replay))
                    .get(30, TimeUnit.SECONDS);
        }
        out.printf(
                "replay requested: %s, agreement %s version %d (request '%s'); the hub re-sends its entitlement as NEW%n",
                partnerId, replay.getAgreementId(), replay.getVersion(), request);
        out.flush();
        return 0;
    }

    /** The partner's current agreement in the agreements topic, if it has one ({@link AgreementHistory#inForce}). */
    static Optional<PartnerAgreement> current(
            Map<String, Object> clientProperties, ThreatlineTopics topics, String partnerId) {
        try (AgreementHistory history =
                new AgreementHistory(clientProperties, topics.agreementsHistory(), topics.agreements())) {
            return Optional.ofNullable(history.inForce().get(partnerId));
        }
    }
}
