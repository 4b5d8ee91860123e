package io.threatline.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.kafka.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partner isolation inside Kafka, on a broker of its own with SASL/SCRAM-SHA-512 and the
 * StandardAuthorizer: with {@link PartnerAcls} in place, partner A's credentials can neither read
 * partner B's topic nor join B's consumer group, partners cannot write, and the hub writes both.
 */
class PartnerIsolationIT {

    @TempDir
    static Path dataDir;

    private static EmbeddedKafka kafka;
    private static final ThreatlineTopics TOPICS = ThreatlineTopics.defaults();
    private static final Credentials ALPHA = new Credentials("alpha", "alpha-" + UUID.randomUUID());
    private static final Credentials BRAVO = new Credentials("bravo", "bravo-" + UUID.randomUUID());
    private static final Credentials HUB = new Credentials("hub", "hub-" + UUID.randomUUID());

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(dataDir)
                .withAuthentication(new Credentials("admin", "admin-" + UUID.randomUUID())));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            List<UserScramCredentialUpsertion> users = new ArrayList<>();
            for (Credentials c : List.of(ALPHA, BRAVO, HUB)) {
                users.add(new UserScramCredentialUpsertion(
                        c.username(), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), c.password()));
            }
            admin.alterUserScramCredentials(new ArrayList<>(users)).all().get();
            List<NewTopic> topics = new ArrayList<>(TOPICS.partnerTopics("alpha", Duration.ofDays(1)));
            topics.addAll(TOPICS.partnerTopics("bravo", Duration.ofDays(1)));
            TopicProvisioner.ensure(admin, topics);
            PartnerAcls acls = new PartnerAcls(TOPICS);
            List<org.apache.kafka.common.acl.AclBinding> bindings =
                    new ArrayList<>(acls.partnerReader("alpha", "User:alpha"));
            bindings.addAll(acls.partnerReader("bravo", "User:bravo"));
            bindings.addAll(acls.hubWriter("User:hub"));
            admin.createAcls(bindings).all().get();
        }
        // The hub fills both partners' topics (once the broker has applied the new ACLs).
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    write(HUB, TOPICS.partnerIndicators("alpha"), "for-alpha");
                    write(HUB, TOPICS.partnerIndicators("bravo"), "for-bravo");
                });
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldLetAPartnerReadItsOwnTopicWithinItsOwnGroup() {
        List<String> values = read(
                ALPHA,
                TOPICS.partnerIndicators("alpha"),
                Optional.of(PartnerAcls.partnerGroupPrefix("alpha") + "siem"));

        assertThat(values).contains("for-alpha").doesNotContain("for-bravo");
    }

    @Test
    void shouldNotLetPartnerAReadPartnerBsTopic() {
        assertThatThrownBy(() -> read(ALPHA, TOPICS.partnerIndicators("bravo"), Optional.empty()))
                .isInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining(TOPICS.partnerIndicators("bravo"));
        assertThatThrownBy(() -> read(ALPHA, TOPICS.partnerStatistics("bravo"), Optional.empty()))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void shouldNotLetPartnerBReadPartnerAsTopicEither() {
        assertThatThrownBy(() -> read(BRAVO, TOPICS.partnerIndicators("alpha"), Optional.empty()))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThat(read(BRAVO, TOPICS.partnerIndicators("bravo"), Optional.empty()))
                .containsExactly("for-bravo");
    }

    @Test
    void shouldNotLetAPartnerReadItsOwnDeadLetterTopicWhileItReadsItsIndicators() throws Exception {
        // Given a dead letter for alpha, whose reason names an internal host
        write(HUB, TOPICS.partnerDeadLetter("alpha"), "HTTP 503 from siem-gw.internal.example");

        // When alpha reads its dead-letter topic, Then Kafka refuses it; its indicators it still reads
        assertThatThrownBy(() -> read(ALPHA, TOPICS.partnerDeadLetter("alpha"), Optional.empty()))
                .isInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining(TOPICS.partnerDeadLetter("alpha"));
        assertThat(read(ALPHA, TOPICS.partnerIndicators("alpha"), Optional.empty()))
                .contains("for-alpha");
    }

    @Test
    void shouldNotLetPartnerAJoinPartnerBsConsumerGroup() {
        assertThatThrownBy(() -> read(
                        ALPHA,
                        TOPICS.partnerIndicators("alpha"),
                        Optional.of(PartnerAcls.partnerGroupPrefix("bravo") + "siem")))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void shouldNotLetAPartnerWriteEvenToItsOwnTopic() {
        // An idempotent producer is stopped at InitProducerId (cluster), a plain one at the topic: denied either way.
        assertThatThrownBy(() -> write(ALPHA, TOPICS.partnerIndicators("alpha"), "forged"))
                .hasRootCauseInstanceOf(org.apache.kafka.common.errors.AuthorizationException.class);
    }

    @Test
    void shouldRefuseAWrongPassword() {
        Credentials impostor = new Credentials("alpha", "guess");
        assertThatThrownBy(() -> read(impostor, TOPICS.partnerIndicators("alpha"), Optional.empty()))
                .isInstanceOf(SaslAuthenticationException.class);
    }

    private static void write(Credentials who, String topic, String value) throws Exception {
        Map<String, Object> props =
                new HashMap<>(EmbeddedKafka.clientProperties(kafka.bootstrapServers(), Optional.of(who)));
        props.put("max.block.ms", 10_000);
        props.put("delivery.timeout.ms", 15_000);
        props.put("request.timeout.ms", 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get();
        }
    }

    private static List<String> read(Credentials who, String topic, Optional<String> group) {
        Map<String, Object> props =
                new HashMap<>(EmbeddedKafka.clientProperties(kafka.bootstrapServers(), Optional.of(who)));
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", false);
        group.ifPresent(g -> props.put("group.id", g));
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            if (group.isPresent()) {
                consumer.subscribe(List.of(topic));
            } else {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
