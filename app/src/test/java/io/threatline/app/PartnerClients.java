package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.contract.PartnerIndicator;
import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.PartnerAcls;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the tests of partners' non-Java Kafka clients share ({@link NonJavaPartnerClientIT},
 * {@link LegacyPartnerClientIT}): records on partner topics, running the client in its own process,
 * and reading what it printed — one JSON line per record, {@code {"key": ..., "value": <base64>}}.
 */
final class PartnerClients {

    private PartnerClients() {}

    /** How the client process ended and what it printed. */
    record Result(int exit, String stdout, String stderr) {}

    /** A NEW domain indicator for {@code partner}, labelled so that each test's records are its own. */
    static PartnerIndicator record(String partner, int n, String label) {
        return io.threatline.app.faults.PartnerTopicFeed.newDomain(
                partner,
                "MOU-" + partner,
                "c2-" + n + "." + label + ".example.com",
                Instant.parse("2026-12-06T10:00:00Z").plusSeconds(n));
    }

    /**
     * The feeds both tests read: INTERPOL's and the national agency's topics, INTERPOL's read ACLs as its
     * agreement gives them, three records on INTERPOL's topic and one on the agency's.
     *
     * @return the three records on INTERPOL's topic
     */
    static List<PartnerIndicator> interpolAndNcaFeeds(EmbeddedKafka kafka, ThreatlineTopics topics, String label)
            throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            List<NewTopic> all = new ArrayList<>();
            all.addAll(topics.partnerTopics("interpol", Duration.ofDays(7)));
            all.addAll(topics.partnerTopics("nca", Duration.ofDays(7)));
            TopicProvisioner.ensure(admin, all);
            admin.createAcls(new PartnerAcls(topics).partnerReader("interpol", "User:interpol"))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        List<PartnerIndicator> sent =
                List.of(record("interpol", 1, label), record("interpol", 2, label), record("interpol", 3, label));
        send(kafka, topics.partnerIndicators("interpol"), sent);
        send(kafka, topics.partnerIndicators("nca"), List.of(record("nca", 4, label)));
        return sent;
    }

    /** Writes {@code records} to {@code topic} as the hub does: Avro in the Confluent wire format, as the super user. */
    static void send(EmbeddedKafka kafka, String topic, List<PartnerIndicator> records) throws Exception {
        ConfluentAvroSerializer<PartnerIndicator> values = new ConfluentAvroSerializer<>();
        values.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString()),
                false);
        try (KafkaProducer<String, PartnerIndicator> producer =
                new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), values)) {
            for (PartnerIndicator record : records) {
                producer.send(new ProducerRecord<>(topic, record.getIndicatorId(), record))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs the client to its end (at most 90 s), its output in files under {@code work}. */
    static Result run(ProcessBuilder client, Path work, String what) throws Exception {
        Path out = Files.createTempFile(work, "client", ".out");
        Path err = Files.createTempFile(work, "client", ".err");
        Process process =
                client.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    what + " did not finish in 90 s: " + Files.readString(err) + "\n" + Files.readString(out));
        }
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * The records the client printed, decoded by the project's serde from the very bytes it received
     * (Confluent's wire format); each line's key must be its record's indicator id.
     */
    static List<PartnerIndicator> decode(String topic, String stdout) throws Exception {
        ConfluentAvroDeserializer<PartnerIndicator> avro = new ConfluentAvroDeserializer<>();
        avro.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString(),
                        AvroSerdeConfig.SPECIFIC_AVRO_READER,
                        true),
                false);
        List<PartnerIndicator> received = new ArrayList<>();
        for (String line : stdout.strip().split("\n")) {
            JsonNode json = new ObjectMapper().readTree(line);
            byte[] value = Base64.getDecoder().decode(json.get("value").asText());
            assertThat(value[0]).as("Confluent wire format's magic byte").isZero();
            PartnerIndicator indicator = avro.deserialize(topic, value);
            assertThat(json.get("key").asText()).isEqualTo(indicator.getIndicatorId());
            received.add(indicator);
        }
        return received;
    }
}
