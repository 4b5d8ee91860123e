package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.threatline.app.faults.TestCluster;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.ThreatEvent;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.producer.publish.PublishResult;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * A sensor speaks only for itself, on a real broker (issue 11, docs/security.md): {@code vendors
 * add --acls --user} gives each vendor a user that may write its own topic and nothing else, and
 * with the hub running, a vendor's retraction withdraws its own sightings while {@code indicators
 * revoke} revokes the indicator for the partner whatever the vendors say.
 */
class SensorIdentityIT {

    @TempDir
    Path work;

    private EmbeddedKafka kafka;
    private HubApp hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldLetAVendorsUserWriteItsOwnTopicAndNoOtherSensorInput() throws Exception {
        // Given a cluster with authentication and ACLs, and an operator's client config
        kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(work.resolve("kafka"))
                .withAuthentication(new Credentials("admin", "admin-" + UUID.randomUUID())));
        ThreatlineTopics topics = ThreatlineTopics.defaults();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            TopicProvisioner.ensure(admin, topics.coreTopics());
        }
        KafkaUsers operator = new KafkaUsers(work.resolve("operator"));
        operator.writeClientConfig("admin", kafka.clientProperties());
        Path config = operator.configFile("admin");

        // When two vendors are added with their users and ACLs
        StringWriter out = new StringWriter();
        int exit = cli(out).execute(
                        "vendors",
                        "add",
                        "acme",
                        "northwind",
                        "--acls",
                        "--user",
                        "--secrets-dir",
                        work.resolve("secrets").toString(),
                        "--command-config",
                        config.toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--schema-registry-url",
                        SharedPlatform.registryUrl().toString());

        // Then acme's client settings write acme's topic, and are refused every other sensor input
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains(
                        "vendor acme: topic ti.vendor.acme.events.v1, User:vendor.acme may write ti.vendor.acme.* only");
        Path acmeConfig = work.resolve("secrets/kafka/vendor.acme.properties");
        assertThat(Files.getPosixFilePermissions(acmeConfig))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        Map<String, Object> asAcme = load(acmeConfig);
        asAcme.put("max.block.ms", 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(asAcme, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.vendorEvents("acme"), "k", "acme's own"))
                    .get(30, TimeUnit.SECONDS);
            for (String other :
                    List.of(topics.vendorEvents("northwind"), topics.sensorEvents(), topics.operatorActions())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(other, "k", "posing"))
                                .get(30, TimeUnit.SECONDS))
                        .as("acme writing %s", other)
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void shouldRevokeForPartnersOnlyWhenNoVendorAssertsTheIndicatorOrTheOperatorSaysSo() throws Exception {
        // Given vendor topics, a partner's agreement and the hub, on the shared platform
        String prefix = "identity-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 3, (short) 1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            List<org.apache.kafka.clients.admin.NewTopic> all = new ArrayList<>(topics.coreTopics());
            all.addAll(topics.partnerTopics("interpol", Duration.ofDays(1)));
            TopicProvisioner.ensure(admin, all);
        }
        StringWriter out = new StringWriter();
        assertThat(cli(out).execute(
                                "vendors",
                                "add",
                                "acme",
                                "northwind",
                                "--partitions",
                                "3",
                                "--topic-prefix",
                                prefix,
                                "--bootstrap-servers",
                                SharedPlatform.bootstrapServers(),
                                "--schema-registry-url",
                                SharedPlatform.registryUrl().toString()))
                .as(out.toString())
                .isZero();
        // (a vendor topic with other partitions than the sensor-events topic is refused, naming both)
        StringWriter refused = new StringWriter();
        assertThat(cli(refused)
                        .execute(
                                "vendors",
                                "add",
                                "mallory",
                                "--partitions",
                                "5",
                                "--topic-prefix",
                                prefix,
                                "--bootstrap-servers",
                                SharedPlatform.bootstrapServers(),
                                "--schema-registry-url",
                                SharedPlatform.registryUrl().toString()))
                .as(refused.toString())
                .isEqualTo(2);
        assertThat(refused.toString())
                .contains("--partitions 5 differs from the 3 partitions of " + topics.sensorEvents());
        TestCluster.shared()
                .putAgreements(
                        topics,
                        List.of(TestCluster.agreement(
                                "interpol",
                                Tlp.GREEN,
                                AgreementScope.newBuilder().build(),
                                List.of())));
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        settings.put(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        settings.put(HubConfig.TOPIC_PREFIX, prefix);
        settings.put("application.id", prefix + "hub");
        settings.put("commit.interval.ms", 100);
        hub = new HubApp(settings, work.resolve("hub-state"));
        hub.start();

        try (KafkaConsumer<String, PartnerIndicator> partner = partnerReader(topics)) {
            // When two vendors report an indicator, each on its own topic
            publish(topics, "acme", event("acme", false));
            publish(topics, "northwind", event("northwind", false));
            assertThat(actions(partner, 2)).containsExactly("NEW", "UPDATE");

            // and one of them retracts it: the partner keeps it (an UPDATE, not a REVOKE)
            publish(topics, "northwind", event("northwind", true));
            assertThat(actions(partner, 1)).containsExactly("UPDATE");

            // and the operator revokes it, defanged as an analyst pastes it
            out = new StringWriter();
            int exit = cli(out).execute(
                            "indicators",
                            "revoke",
                            "c2-shylock[.]example[.]com",
                            "--reason",
                            "false positive, ticket 4711",
                            "--operator",
                            "alice",
                            "--topic-prefix",
                            prefix,
                            "--bootstrap-servers",
                            SharedPlatform.bootstrapServers(),
                            "--schema-registry-url",
                            SharedPlatform.registryUrl().toString());

            // Then the action is recorded and the partner is told to revoke it
            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString())
                    .contains(
                            "revoked: domain:c2-shylock.example.com by operator:alice (false positive, ticket 4711), recorded at "
                                    + topics.operatorActions());
            assertThat(actions(partner, 1)).containsExactly("REVOKE");
        }
    }

    private static CommandLine cli(StringWriter out) {
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli;
    }

    private static ThreatEvent event(String vendor, boolean retraction) {
        return ThreatEvent.newBuilder()
                .setEventId(vendor + "-" + retraction)
                .setIndicatorType(IndicatorType.DOMAIN)
                .setIndicatorValue("c2-shylock.example.com")
                .setObservedAt(Instant.now())
                .setVendor(vendor)
                .setSensorId(vendor + "-1")
                .setConfidence(80)
                .setTlp(Tlp.GREEN)
                .setRetraction(retraction)
                .build();
    }

    private static void publish(ThreatlineTopics topics, String vendor, ThreatEvent event) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        config.put(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        config.put(PublisherConfig.TOPIC, topics.vendorEvents(vendor));
        try (ThreatPublisher publisher = new ThreatPublisher(config, null)) {
            assertThat(publisher.publish(event).get(60, TimeUnit.SECONDS)).isInstanceOf(PublishResult.Accepted.class);
        }
    }

    private static KafkaConsumer<String, PartnerIndicator> partnerReader(ThreatlineTopics topics) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        config.put("isolation.level", "read_committed");
        ConfluentAvroDeserializer<PartnerIndicator> values = new ConfluentAvroDeserializer<>();
        values.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString(),
                        AvroSerdeConfig.SPECIFIC_AVRO_READER,
                        true),
                false);
        KafkaConsumer<String, PartnerIndicator> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), values);
        List<TopicPartition> partitions = consumer.partitionsFor(topics.partnerIndicators("interpol")).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** The actions of the next {@code count} partner records, waiting up to 90 s for them; then nothing more within 2 s. */
    private static List<String> actions(KafkaConsumer<String, PartnerIndicator> partner, int count) {
        List<String> actions = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInSameThread().until(() -> {
            for (ConsumerRecord<String, PartnerIndicator> r : partner.poll(Duration.ofMillis(200))) {
                actions.add(r.value().getAction().toString());
            }
            return actions.size() >= count;
        });
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < until) {
            partner.poll(Duration.ofMillis(200))
                    .forEach(r -> actions.add(r.value().getAction().toString()));
        }
        return actions;
    }

    private static Map<String, Object> load(Path file) throws Exception {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        Map<String, Object> map = new HashMap<>();
        p.forEach((k, v) -> map.put(k.toString(), v));
        return map;
    }
}
