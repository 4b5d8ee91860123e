package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.PartnerIndicator;
import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.tls.LocalCertificates;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
        List<PartnerIndicator> sent = PartnerClients.interpolAndNcaFeeds(kafka, TOPICS, "librdkafka");
        // and INTERPOL's certificate from the broker's authority, its key private to its owner
        LocalCertificates authority =
                LocalCertificates.open(work.resolve("kafka").resolve("tls"));
        LocalCertificates.PartnerFiles interpol = authority.issuePartner("interpol", work.resolve("interpol"));
        assertThat(Files.getPosixFilePermissions(interpol.key()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        // When INTERPOL's librdkafka client reads its topic in one of its groups
        PartnerClients.Result own = read(interpol, TOPICS.partnerIndicators("interpol"), "partner.interpol.legacy", 3);

        // Then it gets the three records, the very bytes the project's serde reads back as what was sent
        assertThat(own.exit()).as(own.stderr()).isZero();
        assertThat(own.stderr()).startsWith("librdkafka 2.");
        System.out.println(
                "LegacyPartnerClientIT: " + own.stderr().lines().findFirst().orElse(""));
        List<PartnerIndicator> received = PartnerClients.decode(TOPICS.partnerIndicators("interpol"), own.stdout());
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);

        // and it is refused the national agency's topic
        PartnerClients.Result other = read(interpol, TOPICS.partnerIndicators("nca"), "partner.interpol.legacy-2", 1);
        assertThat(other.exit()).as(other.stdout() + other.stderr()).isEqualTo(2);
        assertThat(other.stderr()).containsIgnoringCase("authoriz");

        // and a certificate for INTERPOL from another authority does not get in
        LocalCertificates.PartnerFiles forged =
                LocalCertificates.open(work.resolve("other-ca")).issuePartner("interpol", work.resolve("forged"));
        PartnerClients.Result untrusted = read(
                new LocalCertificates.PartnerFiles(forged.key(), forged.certificate(), interpol.authority()),
                TOPICS.partnerIndicators("interpol"),
                "partner.interpol.legacy-3",
                1);
        assertThat(untrusted.exit()).as(untrusted.stdout() + untrusted.stderr()).isIn(2, 3);
        assertThat(untrusted.stdout()).isEmpty();

        // and a certificate of the right authority that names the super user is no one: it may read nothing
        LocalCertificates.PartnerFiles superUser = authority.issuePartner("admin", work.resolve("admin"));
        PartnerClients.Result admin =
                read(superUser, TOPICS.partnerIndicators("interpol"), "partner.interpol.legacy-4", 1);
        assertThat(admin.exit()).as(admin.stdout() + admin.stderr()).isEqualTo(2);
        assertThat(admin.stderr()).containsIgnoringCase("authoriz");
    }

    private PartnerClients.Result read(LocalCertificates.PartnerFiles partner, String topic, String group, int count)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(PYTHON, SCRIPT.toString());
        pb.environment().put("BOOTSTRAP", kafka.partnerTlsBootstrap().orElseThrow());
        pb.environment().put("CA", partner.authority().toString());
        pb.environment().put("CERT", partner.certificate().toString());
        pb.environment().put("KEY", partner.key().toString());
        pb.environment().put("TOPIC", topic);
        pb.environment().put("GROUP", group);
        pb.environment().put("COUNT", Integer.toString(count));
        pb.environment().put("TIMEOUT_S", "30");
        return PartnerClients.run(pb, work, "the Python client");
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
