package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.contract.PartnerIndicator;
import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
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
        }
        List<PartnerIndicator> sent = PartnerClients.interpolAndNcaFeeds(kafka, TOPICS, "kafkajs");

        // When INTERPOL's KafkaJS client reads its topic in one of its groups
        PartnerClients.Result own =
                kafkaJs(interpol, TOPICS.partnerIndicators("interpol"), "partner.interpol.kafkajs", 3);

        // Then it gets the three records, the very bytes the project's serde reads back as what was sent
        assertThat(own.exit()).as(own.stderr()).isZero();
        List<PartnerIndicator> received = PartnerClients.decode(TOPICS.partnerIndicators("interpol"), own.stdout());
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);

        // and it is refused the national agency's topic, and a wrong password
        PartnerClients.Result other =
                kafkaJs(interpol, TOPICS.partnerIndicators("nca"), "partner.interpol.kafkajs-2", 1);
        assertThat(other.exit()).as(other.stdout()).isEqualTo(2);
        assertThat(other.stderr()).containsIgnoringCase("authoriz");
        PartnerClients.Result wrong = kafkaJs(
                new Credentials("interpol", "not-" + interpol.password()),
                TOPICS.partnerIndicators("interpol"),
                "partner.interpol.kafkajs-3",
                1);
        assertThat(wrong.exit()).as(wrong.stdout()).isEqualTo(2);
        assertThat(wrong.stderr()).containsIgnoringCase("authentication failed");
    }

    private PartnerClients.Result kafkaJs(Credentials user, String topic, String group, int count) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                "node", HARNESS.resolve("read-partner-topic.js").toString());
        pb.environment().put("BOOTSTRAP", kafka.bootstrapServers());
        pb.environment().put("USER", user.username());
        pb.environment().put("PASSWORD", user.password());
        pb.environment().put("TOPIC", topic);
        pb.environment().put("GROUP", group);
        pb.environment().put("COUNT", Integer.toString(count));
        pb.environment().put("TIMEOUT_MS", "60000");
        return PartnerClients.run(pb, work, "the KafkaJS client");
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
