package io.threatline.platform.runtime;

import io.threatline.platform.kafka.EmbeddedKafkaCluster;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.platform.registry.WriteCredential;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime in one piece: an embedded KRaft broker, or a cluster of several
 * ({@link EmbeddedKafkaCluster}), with its data under {@code <dataDir>/kafka}, the declared topics, and a Confluent-compatible schema registry that
 * keeps its schemas in a compacted topic of that broker. A second start on the same directory
 * resumes with the same topics, records and schema ids.
 */
public final class LocalPlatform implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(LocalPlatform.class);

    /**
     * @param dataDir      where the broker keeps its data
     * @param host         interface to bind and advertise
     * @param kafkaPort    broker port (0: the previous run's, or any free one)
     * @param registryPort registry HTTP port (0: any free one)
     * @param schemasTopic compacted topic that holds the registry's schemas
     * @param brokers      Kafka nodes (1 to {@value EmbeddedKafkaCluster#MAX_NODES}); node {@code k} of several
     *                     listens on {@code kafkaPort + k - 1}
     */
    public record Settings(
            Path dataDir, String host, int kafkaPort, int registryPort, String schemasTopic, int brokers) {
        public Settings(Path dataDir, String host, int kafkaPort, int registryPort, String schemasTopic) {
            this(dataDir, host, kafkaPort, registryPort, schemasTopic, 1);
        }

        public static Settings defaults(Path dataDir) {
            return new Settings(dataDir, "localhost", 9092, 8081, "_schemas");
        }
    }

    private final EmbeddedKafkaCluster kafka;
    private final KafkaBackedRegistry registry;
    private final Duration startupTime;

    private final java.util.Optional<EmbeddedKafkaSettings.Credentials> admin;

    private LocalPlatform(
            EmbeddedKafkaCluster kafka,
            KafkaBackedRegistry registry,
            Duration startupTime,
            java.util.Optional<EmbeddedKafkaSettings.Credentials> admin) {
        this.kafka = kafka;
        this.admin = admin;
        this.registry = registry;
        this.startupTime = startupTime;
    }

    /** Starts broker and registry and creates the given topics where missing. */
    public static LocalPlatform start(Settings settings, Collection<NewTopic> topics) {
        return start(settings, topics, java.util.Optional.empty());
    }

    /**
     * Starts broker and registry; with {@code admin}, the broker requires SASL/SCRAM-SHA-512 and
     * applies ACLs (StandardAuthorizer), {@code admin} is its super user, and the registry
     * connects as it.
     */
    public static LocalPlatform start(
            Settings settings,
            Collection<NewTopic> topics,
            java.util.Optional<EmbeddedKafkaSettings.Credentials> admin) {
        long begin = System.nanoTime();
        EmbeddedKafkaSettings kafkaSettings = EmbeddedKafkaSettings.inDirectory(
                        settings.dataDir().resolve("kafka"))
                .withHost(settings.host())
                .withPorts(settings.kafkaPort(), 0);
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start(
                admin.map(kafkaSettings::withAuthentication).orElse(kafkaSettings), settings.brokers());
        try {
            try (Admin client = Admin.create(kafka.clientProperties())) {
                TopicProvisioner.ensure(client, topics);
            }
            Map<String, Object> security = new java.util.HashMap<>(kafka.clientProperties());
            security.remove("bootstrap.servers");
            KafkaBackedRegistry registry = KafkaBackedRegistry.start(
                    kafka.bootstrapServers(),
                    settings.host(),
                    settings.registryPort(),
                    settings.schemasTopic(),
                    (short) Math.min(3, settings.brokers()),
                    security,
                    admin.map(a -> WriteCredential.of(a.username(), a.password())));
            Duration took = Duration.ofNanos(System.nanoTime() - begin);
            LOGGER.info(
                    "Local platform up in {} ms: Kafka at {}, schema registry at {}",
                    took.toMillis(),
                    kafka.bootstrapServers(),
                    registry.url());
            return new LocalPlatform(kafka, registry, took, admin);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The Kafka nodes, for a test that stops and starts one. */
    public EmbeddedKafkaCluster kafka() {
        return kafka;
    }

    /** Client settings for the broker, as its super user when authentication is on. */
    public Map<String, Object> clientProperties() {
        return kafka.clientProperties();
    }

    public URI registryUrl() {
        return registry.url();
    }

    /**
     * Serde settings for the registry: its URL and, when authentication is on, the admin's
     * {@code basic.auth.user.info}, which registering a schema needs (reads need none).
     */
    public Map<String, Object> registryClientProperties() {
        Map<String, Object> props = new java.util.HashMap<>();
        props.put("schema.registry.url", registry.url().toString());
        admin.ifPresent(a -> props.put("basic.auth.user.info", a.username() + ":" + a.password()));
        return props;
    }

    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
