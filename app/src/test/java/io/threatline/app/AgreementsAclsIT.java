package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `threatline agreements apply --acls` on a cluster with SASL and an authorizer: the scenario's
 * partners get read access to their own topics only, through the principals their agreements name.
 */
class AgreementsAclsIT {

    @TempDir
    Path work;

    private EmbeddedKafka kafka;

    @AfterEach
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldGrantEachScenarioPartnerItsOwnTopicsAndNothingElse() throws Exception {
        // Given a cluster with authentication and ACLs, the partners' users, and an operator's client config
        kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(work.resolve("kafka"))
                .withAuthentication(new Credentials("admin", "admin-" + UUID.randomUUID())));
        Credentials interpol = new Credentials("interpol", "interpol-" + UUID.randomUUID());
        ThreatlineTopics topics = ThreatlineTopics.defaults();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            interpol.username(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                            interpol.password())))
                    .all()
                    .get();
            TopicProvisioner.ensure(admin, topics.coreTopics());
        }
        Path config = work.resolve("admin.properties");
        StringBuilder properties = new StringBuilder();
        kafka.clientProperties().forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                properties
                        .append(k)
                        .append('=')
                        .append(v.toString().replace("\\", "\\\\"))
                        .append('\n');
            }
        });
        Files.writeString(config, properties);

        // When the scenario's agreements are applied with --acls
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(
                "agreements",
                "apply",
                "../examples/agreements",
                "--delivery-elsewhere",
                "--acls",
                "--command-config",
                config.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--schema-registry-url",
                SharedPlatform.registryUrl().toString());

        // Then INTERPOL (User:interpol in its agreement) reads its own topic in its own group, and nobody else's,
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains(
                        "acls: User:interpol may read ti.partner.interpol.indicators.v1, ti.partner.interpol.indicators.json.v1, ti.partner.interpol.statistics.v1 and use groups partner.interpol.* only",
                        "acls: User:europol-ec3 may read ti.partner.europol-ec3.indicators.v1");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.partnerIndicators("interpol"), "k", "for-interpol"))
                    .get();
        }
        Map<String, Object> asInterpol =
                new HashMap<>(EmbeddedKafka.clientProperties(kafka.bootstrapServers(), Optional.of(interpol)));
        asInterpol.put("group.id", "partner.interpol.siem");
        asInterpol.put("auto.offset.reset", "earliest");
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(asInterpol, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topics.partnerIndicators("interpol")));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> received.add(r.value()));
                return !received.isEmpty();
            });
        }
        assertThat(received).containsExactly("for-interpol");
        asInterpol.remove("group.id");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(asInterpol, new StringDeserializer(), new StringDeserializer())) {
            assertThatThrownBy(() -> {
                        consumer.assign(List.of(new TopicPartition(topics.partnerStatistics("europol-ec3"), 0)));
                        consumer.poll(Duration.ofSeconds(5));
                    })
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        // nor the history of agreements, which holds every partner's terms
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(asInterpol, new StringDeserializer(), new StringDeserializer())) {
            assertThatThrownBy(() -> {
                        consumer.assign(List.of(new TopicPartition(topics.agreementsHistory(), 0)));
                        consumer.poll(Duration.ofSeconds(5));
                    })
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertThat(admin.listOffsets(Map.of(
                                    new TopicPartition(topics.agreementsHistory(), 0),
                                    org.apache.kafka.clients.admin.OffsetSpec.latest()))
                            .all()
                            .get()
                            .values())
                    .singleElement()
                    .satisfies(o -> assertThat(o.offset())
                            .as("one history entry per scenario agreement")
                            .isEqualTo(3));
        }
    }
}
