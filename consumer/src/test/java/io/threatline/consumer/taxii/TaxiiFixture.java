package io.threatline.consumer.taxii;

import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerde;
import io.threatline.schemas.serde.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics, Avro producers and a TLS key store for the TAXII ITs, against the shared broker and registry. */
final class TaxiiFixture {

    static final char[] KEYSTORE_PASSWORD = "it-keystore-pw".toCharArray();

    private TaxiiFixture() {}

    static void createTopics(List<NewTopic> topics) throws Exception {
        try (Admin admin =
                Admin.create(Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()))) {
            io.threatline.platform.kafka.TopicProvisioner.ensure(admin, topics);
        }
    }

    /** A producer of Avro values in the Confluent wire format; transactional when {@code transactionalId} is given. */
    static <T extends SpecificRecord> KafkaProducer<String, T> producer(Class<T> type, String transactionalId) {
        Map<String, Object> serde = Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        SchemaRegistryClient client = new AvroSerdeConfig(serde).newClient();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 131072);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        KafkaProducer<String, T> producer = new KafkaProducer<>(
                p,
                new StringSerializer(),
                ConfluentAvroSerde.specific(type, client, serde, false).serializer());
        if (transactionalId != null) {
            producer.initTransactions();
        }
        return producer;
    }

    /** A PKCS12 key store with a self-signed certificate for localhost, made by the JDK's keytool. */
    static Path keystore() throws Exception {
        Path dir = Files.createTempDirectory("taxii-tls");
        Path store = dir.resolve("taxii.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "taxii",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        new String(KEYSTORE_PASSWORD),
                        "-keypass",
                        new String(KEYSTORE_PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return store;
    }

    static Map<String, Object> serverConfig(String prefix, Path keystore) {
        Map<String, Object> config = new HashMap<>();
        config.put(TaxiiServerConfig.BOOTSTRAP_SERVERS, SharedPlatform.bootstrapServers());
        config.put(
                TaxiiServerConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        config.put(TaxiiServerConfig.TOPIC_PREFIX, prefix);
        config.put(TaxiiServerConfig.HOST, "localhost");
        config.put(TaxiiServerConfig.PORT, 0);
        config.put(TaxiiServerConfig.KEYSTORE_PATH, keystore.toString());
        config.put(TaxiiServerConfig.KEYSTORE_PASSWORD, new String(KEYSTORE_PASSWORD));
        // Functional tests page as fast as they can; the rate limit has tests of its own (TaxiiServerLimitsIT).
        config.put(TaxiiServerConfig.RATE_PER_SECOND, 10_000.0);
        config.put(TaxiiServerConfig.RATE_BURST, 10_000);
        return config;
    }

    static String uniquePrefix() {
        return "it" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    static Duration timeout() {
        return Duration.ofSeconds(60);
    }
}
