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
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 12 §5 on a cluster with SASL/SCRAM and the StandardAuthorizer: a partner granted by
 * `agreements apply --acls` cannot read its dead-letter topic, and `agreements end` takes its ACLs
 * and its Kafka user away; on a cluster without an authorizer, end says there is nothing to remove.
 */
class AgreementsEndIT {

    @TempDir
    static Path work;

    private static EmbeddedKafka kafka;
    private static Path config;
    private static final ThreatlineTopics TOPICS = ThreatlineTopics.defaults();
    private static final Credentials INTERPOL = new Credentials("interpol", "interpol-" + UUID.randomUUID());

    @BeforeAll
    static void startSecuredBrokerAndApplyWithAcls() throws Exception {
        kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(work.resolve("kafka"))
                .withAuthentication(new Credentials("admin", "admin-" + UUID.randomUUID())));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            INTERPOL.username(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                            INTERPOL.password())))
                    .all()
                    .get();
            TopicProvisioner.ensure(admin, TOPICS.coreTopics());
        }
        config = work.resolve("admin.properties");
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
        StringWriter out = new StringWriter();
        int exit = cli(out).execute(
                        "agreements",
                        "apply",
                        "../examples/agreements/interpol.yaml",
                        "--delivery-elsewhere",
                        "--acls",
                        "--command-config",
                        config.toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--schema-registry-url",
                        SharedPlatform.registryUrl().toString());
        assertThat(exit).as(out.toString()).isZero();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPICS.partnerIndicators("interpol"), "k", "for-interpol"))
                    .get();
            producer.send(new ProducerRecord<>(
                            TOPICS.partnerDeadLetter("interpol"), "k", "HTTP 503 from siem-gw.internal.example"))
                    .get();
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static CommandLine cli(StringWriter out) {
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli;
    }

    @Test
    void shouldDenyAPartnerItsDeadLetterTopicWhileItReadsItsIndicatorsAndThenEndRemovesItsAclsAndUser()
            throws Exception {
        // Given INTERPOL granted by apply --acls: it reads its indicators, and is denied its dead-letter topic
        assertThat(read(TOPICS.partnerIndicators("interpol"))).containsExactly("for-interpol");
        assertThatThrownBy(() -> read(TOPICS.partnerDeadLetter("interpol")))
                .isInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining(TOPICS.partnerDeadLetter("interpol"));
        assertThat(aclsOf("User:interpol")).isNotZero();

        // When its agreement ends
        StringWriter out = new StringWriter();
        int exit = cli(out).execute(
                        "agreements",
                        "end",
                        "interpol",
                        "--command-config",
                        config.toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--schema-registry-url",
                        SharedPlatform.registryUrl().toString());

        // Then its ACLs (7 to read its topics and groups, 2 to write its inbound topic, which its agreement grants)
        // and its Kafka user are gone, and it can no longer log in
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains(
                        "ended: interpol",
                        "acls: removed 9 ACL(s) of User:interpol",
                        "user: removed Kafka user interpol (SCRAM-SHA-512)");
        assertThat(aclsOf("User:interpol")).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> scramCredentials("interpol") == 0);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThatThrownBy(() -> read(TOPICS.partnerIndicators("interpol")))
                        .isInstanceOf(SaslAuthenticationException.class));
    }

    @Test
    void shouldSayThereIsNothingToRemoveForAPartnerWithoutAUser() {
        // Given a partner that never had a Kafka user or ACLs
        // When its agreement ends, Then that is not an error, and the output says so
        StringWriter out = new StringWriter();
        int exit = cli(out).execute(
                        "agreements",
                        "end",
                        "bka",
                        "--command-config",
                        config.toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--schema-registry-url",
                        SharedPlatform.registryUrl().toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("acls: removed 0 ACL(s) of User:bka", "user: no Kafka user bka exists, nothing to remove");
    }

    @Test
    void shouldSayTheClusterHasNoAuthorizerWhenEndingOnOneWithout() throws Exception {
        // Given the shared test broker, which runs without authentication or an authorizer
        ThreatlineTopics topics =
                new ThreatlineTopics("t" + UUID.randomUUID().toString().substring(0, 8) + ".", 1, (short) 1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            TopicProvisioner.ensure(admin, topics.coreTopics());
        }

        // When an agreement ends there, Then end succeeds and says there were no ACLs to remove
        StringWriter out = new StringWriter();
        int exit = cli(out).execute(
                        "agreements",
                        "end",
                        "interpol",
                        "--topic-prefix",
                        topics.prefix(),
                        "--bootstrap-servers",
                        SharedPlatform.bootstrapServers(),
                        "--schema-registry-url",
                        SharedPlatform.registryUrl().toString());
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString())
                .contains("ended: interpol", "the cluster has no authorizer, so User:interpol has no ACLs to remove");
    }

    @Test
    void shouldRefuseToEndAReservedPartnerIdSuchAsTheSuperUser() {
        StringWriter out = new StringWriter();
        int exit = cli(out).execute(
                        "agreements",
                        "end",
                        "admin",
                        "--command-config",
                        config.toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers());
        assertThat(exit).as(out.toString()).isEqualTo(2);
        assertThat(out.toString()).contains("'admin' is reserved");
    }

    /** How many SCRAM credentials the user has; none when the broker knows no such user. */
    private static int scramCredentials(String user) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            var described =
                    admin.describeUserScramCredentials(List.of(user)).all().get();
            return described.containsKey(user)
                    ? described.get(user).credentialInfos().size()
                    : 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ResourceNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    private static long aclsOf(String principal) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.describeAcls(new AclBindingFilter(
                            ResourcePatternFilter.ANY,
                            new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY)))
                    .values()
                    .get()
                    .size();
        }
    }

    private static List<String> read(String topic) {
        Map<String, Object> props =
                new HashMap<>(EmbeddedKafka.clientProperties(kafka.bootstrapServers(), Optional.of(INTERPOL)));
        props.put("enable.auto.commit", false);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions.isEmpty() ? List.of(partition) : partitions);
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
