package io.threatline.app;

import io.threatline.contract.Erasure;
import io.threatline.contract.FalsePositiveReport;
import io.threatline.contract.ThreatEvent;
import io.threatline.schemas.identity.CanonicalIndicator;
import io.threatline.schemas.privacy.IndicatorKey;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.topics.SensorSources;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Erasure on request (docs/data-protection.md, "Erasure"): one indicator removed everywhere
 * Threatline holds it, and refused from then on; or, with {@code --lift}, the erasure lifted.
 */
@Command(
        name = "erase",
        mixinStandardHelpOptions = true,
        description = {
            "Erases an indicator on a data-protection request (docs/data-protection.md): the erasure is recorded in "
                    + "<prefix>erasures.v1 by the indicator's keyed hash (who, when, why; never the value); the hub sends a "
                    + "REVOKE marked erased to every partner that holds it or, by its receipts, received it, drops it from its "
                    + "state and writes its tombstone to the indicators topic; delivery rewrites the partners' jsonl and csv "
                    + "outbox files without it; and the hub refuses it from sensors and partners until an operator lifts the "
                    + "erasure (--lift). Partners' topics keep earlier records until their retention.",
            "The value may be pasted as an analyst has it, defanged or not.",
            "",
            "Exit codes: 0 recorded; 1 failure (run it again: each step is idempotent); 2 usage error; 3 --lift with no "
                    + "erasure standing."
        })
final class EraseCommand extends IndicatorsCommand.OperatorAction {

    static final int NOT_ERASED = 3;

    /** What the partners read as the reason of the REVOKE an erasure sends. */
    static final String PARTNER_REASON = "erased on a data-protection request: delete every copy you hold";

    @CommandLine.Mixin
    IndicatorKeyOption indicatorKey;

    @Option(
            names = "--lift",
            description = "Lift the erasure: the hub accepts the indicator again (recorded, who and why).")
    boolean lift;

    @Override
    Integer act(CanonicalIndicator canonical, String who, String why) throws Exception {
        IndicatorKey key = indicatorKey.key(spec);
        ThreatlineTopics topics = indicator.topics();
        Map<String, Object> client = connection.clientProperties();
        String ref = key.ref(canonical.id());
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
                AvroSerdeConfig.kafkaOnly(props), new StringSerializer(), FalsePositivesCommand.anyRecord(props))) {
            if (lift) {
                Optional<Erasure> standing = erasure(client, topics, ref).filter(e -> e.getLiftedAt() == null);
                if (standing.isEmpty()) {
                    spec.commandLine().getErr().printf("no erasure of %s stands in %s%n", ref, topics.erasures());
                    return NOT_ERASED;
                }
                Erasure lifted = Erasure.newBuilder(standing.get())
                        .setLiftedBy(who)
                        .setLiftedAt(now)
                        .setLiftReason(why)
                        .build();
                send(producer, topics.erasures(), ref, lifted);
                out.printf(
                        "lifted: the erasure of %s (%s) by %s (%s); the hub accepts it again%n",
                        canonical.id(), ref, who, why);
                out.flush();
                return 0;
            }
            // First the erasure, so the hub refuses the value as early as possible; then what names the value
            // elsewhere;
            // then the request that makes the hub revoke, drop and tombstone it.
            send(producer, topics.erasures(), ref, new Erasure(ref, key.keyId(), why, who, now, null, null, null));
            for (Map.Entry<String, FalsePositiveReport> r :
                    FalsePositivesCommand.reports(client, topics).entrySet()) {
                if (r.getValue().getIndicatorId().equals(canonical.id())) {
                    send(producer, topics.falsePositives(), r.getKey(), null);
                }
            }
            send(producer, topics.suppressions(), canonical.id(), null);
            // Every partner that ever received it, by its receipts, hears of the erasure, not only those that hold it
            // now; the request names them (at most ContractLimits.MAX_TAGS a request, less one for the key id).
            IndicatorLookup lookup = new IndicatorLookup(client, topics, Optional.of(key));
            List<String> recipients =
                    new ArrayList<>(lookup.receipts(canonical.id()).keySet());
            int chunk = io.threatline.schemas.validation.ContractLimits.MAX_TAGS - 1;
            for (int from = 0; from == 0 || from < recipients.size(); from += chunk) {
                ThreatEvent request = IndicatorsCommand.operatorRetraction(
                        canonical, who, PARTNER_REASON, SensorSources.ERASURE_SENSOR);
                List<String> tags = new ArrayList<>();
                tags.add(SensorSources.ERASURE_KEY_TAG + key.keyId());
                recipients
                        .subList(from, Math.min(recipients.size(), from + chunk))
                        .forEach(p -> tags.add(SensorSources.ERASURE_RECIPIENT_TAG + p));
                request.setTags(tags);
                send(producer, topics.erasureRequests(), canonical.id(), request);
            }
            out.printf(
                    "erased: %s, recorded as %s by %s (%s) in %s; every partner that holds it or received it (%s) gets"
                            + " REVOKE, and the hub refuses it until the erasure is lifted%n",
                    canonical.id(),
                    ref,
                    who,
                    why,
                    topics.erasures(),
                    recipients.isEmpty() ? "no receipt names it" : String.join(", ", recipients));
            out.flush();
            return 0;
        }
    }

    private static void send(KafkaProducer<String, Object> producer, String topic, String key, Object value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    /** The latest erasure record of a reference, if any. */
    static Optional<Erasure> erasure(Map<String, Object> client, ThreatlineTopics topics, String ref) {
        List<Erasure> found = new ArrayList<>();
        ConfluentAvroDeserializer<Erasure> values = new ConfluentAvroDeserializer<>();
        Map<String, Object> config = new HashMap<>(client);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        values.configure(config, false);
        TopicSnapshot.read(AvroSerdeConfig.kafkaOnly(client), topics.erasures(), r -> {
            if (ref.equals(r.key())) {
                found.clear();
                if (r.value() != null) {
                    found.add(values.deserialize(r.topic(), r.value()));
                }
            }
        });
        return found.stream().findFirst();
    }
}
