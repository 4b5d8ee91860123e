package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.PartnerIndicator;
import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.platform.tls.LocalCertificates;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.PartnerAcls;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
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
 * A partner whose Kafka client is built on librdkafka older than 2.6.1 — Debian's 2.0.2, through
 * Confluent's Python client ({@code src/test/python/read_partner_topic.py}) — cannot authenticate
 * with SASL/SCRAM against Kafka 4, so it connects to the broker's mutual-TLS partner listener with
 * a client certificate of Threatline's local authority: it reads its own topic, byte for byte, as
 * {@code User:<partner>} under the ACLs its agreement gives; it is refused another partner's topic;
 * a certificate of another authority does not get in; and a certificate that names the super user
 * gets nothing. Skipped with its reason when the Python client is missing; with {@code
 * THREATLINE_REQUIRE_PYTHON_INTEROP=1} (CI) it fails instead.
 */
class LegacyPartnerClientIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT =
            Path.of("src", "test", "python", "read_partner_topic.py").toAbsolutePath();
    private static final ThreatlineTopics TOPICS = new ThreatlineTopics("legacy.", 3, (short) 1);

    /** Why the test cannot run here, or null. */
    private static String missing;

    @TempDir
    Path work;

    private EmbeddedKafka kafka;

    @BeforeAll
    static void requireThePythonClient() {
        missing = pythonClientProblem();
        if (missing != null && "1".equals(System.getenv("THREATLINE_REQUIRE_PYTHON_INTEROP"))) {
            throw new AssertionError(
                    "Confluent's Python client is required here (THREATLINE_REQUIRE_PYTHON_INTEROP=1) but " + missing);
        }
        if (missing != null) {
            System.err.println("LegacyPartnerClientIT skipped: " + missing);
        }
    }

    @BeforeEach
    void skipWithTheReasonWhenTheClientIsMissing() {
        Assumptions.assumeTrue(
                missing == null,
                () -> "Skipped: " + missing + " (install Debian's python3-confluent-kafka; .ci/run does)");
    }

    @AfterEach
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldLetAnOldLibrdkafkaClientReadItsOwnFeedWithItsCertificateAndNothingElse() throws Exception {
        // Given a broker with authentication, ACLs and the partner TLS listener, INTERPOL's read ACLs,
        // and three Avro records on INTERPOL's topic and one on the national agency's
        kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(work.resolve("kafka"))
                .withAuthentication(new Credentials("admin", "admin-" + UUID.randomUUID())));
        assertThat(kafka.partnerTlsBootstrap()).isPresent();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
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
        // and INTERPOL's certificate from the broker's authority, its key private to its owner
        LocalCertificates authority =
                LocalCertificates.open(work.resolve("kafka").resolve("tls"));
        LocalCertificates.PartnerFiles interpol = authority.issuePartner("interpol", work.resolve("interpol"));
        assertThat(Files.getPosixFilePermissions(interpol.key()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        // When INTERPOL's librdkafka client reads its topic in one of its groups
        Result own = read(interpol, TOPICS.partnerIndicators("interpol"), "partner.interpol.legacy", 3);

        // Then it gets the three records, the very bytes the project's serde reads back as what was sent
        assertThat(own.exit()).as(own.stderr()).isZero();
        assertThat(own.stderr()).startsWith("librdkafka 2.");
        System.out.println(
                "LegacyPartnerClientIT: " + own.stderr().lines().findFirst().orElse(""));
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
            PartnerIndicator indicator = avro.deserialize(
                    TOPICS.partnerIndicators("interpol"),
                    Base64.getDecoder().decode(json.get("value").asText()));
            assertThat(json.get("key").asText()).isEqualTo(indicator.getIndicatorId());
            received.add(indicator);
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);

        // and it is refused the national agency's topic
        Result other = read(interpol, TOPICS.partnerIndicators("nca"), "partner.interpol.legacy-2", 1);
        assertThat(other.exit()).as(other.stdout() + other.stderr()).isEqualTo(2);
        assertThat(other.stderr()).containsIgnoringCase("authoriz");

        // and a certificate for INTERPOL from another authority does not get in
        LocalCertificates.PartnerFiles forged =
                LocalCertificates.open(work.resolve("other-ca")).issuePartner("interpol", work.resolve("forged"));
        Result untrusted = read(
                new LocalCertificates.PartnerFiles(forged.key(), forged.certificate(), interpol.authority()),
                TOPICS.partnerIndicators("interpol"),
                "partner.interpol.legacy-3",
                1);
        assertThat(untrusted.exit()).as(untrusted.stdout() + untrusted.stderr()).isIn(2, 3);
        assertThat(untrusted.stdout()).isEmpty();

        // and a certificate of the right authority that names the super user is no one: it may read nothing
        LocalCertificates.PartnerFiles superUser = authority.issuePartner("admin", work.resolve("admin"));
        Result admin = read(superUser, TOPICS.partnerIndicators("interpol"), "partner.interpol.legacy-4", 1);
        assertThat(admin.exit()).as(admin.stdout() + admin.stderr()).isEqualTo(2);
        assertThat(admin.stderr()).containsIgnoringCase("authoriz");
    }

    private record Result(int exit, String stdout, String stderr) {}

    private Result read(LocalCertificates.PartnerFiles partner, String topic, String group, int count)
            throws Exception {
        Path out = Files.createTempFile(work, "librdkafka", ".out");
        Path err = Files.createTempFile(work, "librdkafka", ".err");
        ProcessBuilder pb = new ProcessBuilder(PYTHON, SCRIPT.toString())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("BOOTSTRAP", kafka.partnerTlsBootstrap().orElseThrow());
        pb.environment().put("CA", partner.authority().toString());
        pb.environment().put("CERT", partner.certificate().toString());
        pb.environment().put("KEY", partner.key().toString());
        pb.environment().put("TOPIC", topic);
        pb.environment().put("GROUP", group);
        pb.environment().put("COUNT", Integer.toString(count));
        pb.environment().put("TIMEOUT_S", "30");
        Process process = pb.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the Python client did not finish in 90 s: " + Files.readString(err) + "\n"
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
                "c2-" + n + ".librdkafka.example.com",
                Instant.parse("2026-12-06T10:00:00Z").plusSeconds(n));
    }

    private static String pythonClientProblem() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " is not installed";
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "Confluent's Python client cannot be imported by " + PYTHON + ": " + out.trim();
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return PYTHON + " could not be run: " + e.getMessage();
        }
    }
}
