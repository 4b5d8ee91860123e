package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.PartnerIndicator;
import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.PartnerAcls;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partner reads its feed with a Kafka client that is not Java: KafkaJS under Node.js
 * ({@code src/test/node/kafkajs}, pinned in its package-lock), authenticated with SASL/SCRAM-SHA-512
 * as {@code User:<partner>} under the ACLs the agreements give it, on a broker with authentication
 * and the StandardAuthorizer. It gets the Avro records byte for byte; it is refused another
 * partner's topic and a wrong password. (librdkafka-based clients before 2.6.1 cannot do SCRAM with
 * Kafka 4, see the README.) Skipped with its reason when Node.js or the installed harness is missing;
 * with {@code THREATLINE_REQUIRE_NODE_KAFKAJS=1} (CI) it fails instead.
 */
class NonJavaPartnerClientIT {

    private static final Path HARNESS =
            Path.of("src", "test", "node", "kafkajs").toAbsolutePath();
    private static final ThreatlineTopics TOPICS = new ThreatlineTopics("kafkajs.", 3, (short) 1);

    /** Why the test cannot run here, or null. */
    private static String missing;

    @TempDir
    Path work;

    private EmbeddedKafka kafka;

    @BeforeAll
    static void requireNodeAndKafkaJs() {
        if (!onPath("node")) {
            missing = "node is not on PATH";
        } else if (!Files.isRegularFile(HARNESS.resolve("node_modules/kafkajs/package.json"))) {
            missing = "kafkajs is not installed in " + HARNESS + " (npm ci --prefix " + HARNESS + ")";
        }
        if (missing != null && "1".equals(System.getenv("THREATLINE_REQUIRE_NODE_KAFKAJS"))) {
            throw new AssertionError(
                    "the non-Java partner client is required here (THREATLINE_REQUIRE_NODE_KAFKAJS=1) but " + missing);
        }
        if (missing != null) {
            System.err.println("NonJavaPartnerClientIT skipped: " + missing);
        }
    }

    @BeforeEach
    void skipWithTheReasonWhenTheClientIsMissing() {
        Assumptions.assumeTrue(
                missing == null,
                () -> "Skipped: " + missing + " (install Debian's nodejs and npm, then npm ci; .ci/run does)");
    }

    @AfterEach
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldLetAPartnersKafkaJsClientReadItsOwnFeedAuthenticatedAndNothingElse() throws Exception {
        // Given a broker with SASL/SCRAM and ACLs, INTERPOL's user with the read ACLs its agreement gives,
        // and three Avro records on INTERPOL's topic and one on the national agency's
        kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(work.resolve("kafka"))
                .withAuthentication(new Credentials("admin", "admin-" + UUID.randomUUID())));
        Credentials interpol = new Credentials("interpol", "interpol-" + UUID.randomUUID());
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            interpol.username(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                            interpol.password())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            List<org.apache.kafka.clients.admin.NewTopic> topics = new ArrayList<>();
            topics.addAll(TOPICS.partnerTopics("interpol", Duration.ofDays(7)));
            topics.addAll(TOPICS.partnerTopics("nca", Duration.ofDays(7)));
            TopicProvisioner.ensure(admin, topics);
            admin.createAcls(new PartnerAcls(TOPICS).partnerReader("interpol", "User:interpol"))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        List<PartnerIndicator> sent = List.of(record("interpol", 1), record("interpol", 2), record("interpol", 3));
        send(TOPICS.partnerIndicators("interpol"), sent);
        send(TOPICS.partnerIndicators("nca"), List.of(record("nca", 4)));

        // When INTERPOL's KafkaJS client reads its topic in one of its groups
        Result own = kafkaJs(interpol, TOPICS.partnerIndicators("interpol"), "partner.interpol.kafkajs", 3);

        // Then it gets the three records, the very bytes the project's serde reads back as what was sent
        assertThat(own.exit()).as(own.stderr()).isZero();
        ConfluentAvroDeserializer<PartnerIndicator> avro = new ConfluentAvroDeserializer<>();
        avro.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString(),
                        AvroSerdeConfig.SPECIFIC_AVRO_READER,
                        true),
                false);
        List<PartnerIndicator> received = new ArrayList<>();
        for (String line : own.stdout().strip().split("\n")) {
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            byte[] value = Base64.getDecoder().decode(json.get("value").asText());
            assertThat(value[0]).as("Confluent wire format's magic byte").isZero();
            PartnerIndicator indicator = avro.deserialize(TOPICS.partnerIndicators("interpol"), value);
            assertThat(json.get("key").asText()).isEqualTo(indicator.getIndicatorId());
            received.add(indicator);
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);

        // and it is refused the national agency's topic, and a wrong password
        Result other = kafkaJs(interpol, TOPICS.partnerIndicators("nca"), "partner.interpol.kafkajs-2", 1);
        assertThat(other.exit()).as(other.stdout()).isEqualTo(2);
        assertThat(other.stderr()).containsIgnoringCase("authoriz");
        Result wrong = kafkaJs(
                new Credentials("interpol", "not-" + interpol.password()),
                TOPICS.partnerIndicators("interpol"),
                "partner.interpol.kafkajs-3",
                1);
        assertThat(wrong.exit()).as(wrong.stdout()).isEqualTo(2);
        assertThat(wrong.stderr()).containsIgnoringCase("authentication failed");
    }

    private record Result(int exit, String stdout, String stderr) {}

    private Result kafkaJs(Credentials user, String topic, String group, int count) throws Exception {
        Path out = Files.createTempFile(work, "kafkajs", ".out");
        Path err = Files.createTempFile(work, "kafkajs", ".err");
        ProcessBuilder pb = new ProcessBuilder(
                        "node", HARNESS.resolve("read-partner-topic.js").toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("BOOTSTRAP", kafka.bootstrapServers());
        pb.environment().put("USER", user.username());
        pb.environment().put("PASSWORD", user.password());
        pb.environment().put("TOPIC", topic);
        pb.environment().put("GROUP", group);
        pb.environment().put("COUNT", Integer.toString(count));
        pb.environment().put("TIMEOUT_MS", "60000");
        Process process = pb.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the KafkaJS client did not finish in 90 s: " + Files.readString(err) + "\n"
                    + Files.readString(out));
        }
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private void send(String topic, List<PartnerIndicator> records) throws Exception {
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

    private static PartnerIndicator record(String partner, int n) {
        return io.threatline.app.faults.PartnerTopicFeed.newDomain(
                partner,
                "MOU-" + partner,
                "c2-" + n + ".kafkajs.example.com",
                Instant.parse("2026-12-06T10:00:00Z").plusSeconds(n));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
