package io.threatline.platform.testing;

import io.threatline.platform.kafka.BrokerReadiness;
import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka that every module's broker-backed tests share, started once per test JVM:
 * <ol>
 *   <li>an external cluster when {@code KAFKA_BOOTSTRAP_SERVERS} is set;</li>
 *   <li>otherwise Testcontainers' Kafka when Testcontainers is on the class path and a Docker daemon answers;</li>
 *   <li>otherwise the embedded KRaft broker, its data under {@code java.io.tmpdir}.</li>
 * </ol>
 * Tests must create their own uniquely named topics and groups, since the cluster is shared.
 */
public final class SharedKafka {
    private static final Logger LOGGER = LoggerFactory.getLogger(SharedKafka.class);
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    /** Which kind of Kafka the fixture chose. */
    public enum Kind {
        EXTERNAL,
        TESTCONTAINERS,
        EMBEDDED
    }

    /** A running Kafka cluster the tests may use. */
    public record Endpoint(Kind kind, String bootstrapServers) {}

    private static Endpoint endpoint;

    private SharedKafka() {}

    public static synchronized Endpoint get() {
        if (endpoint == null) {
            endpoint = start();
            LOGGER.info("Tests use {} Kafka at {}", endpoint.kind(), endpoint.bootstrapServers());
        }
        return endpoint;
    }

    public static String bootstrapServers() {
        return get().bootstrapServers();
    }

    private static Endpoint start() {
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            BrokerReadiness.await(external, java.time.Duration.ofSeconds(60));
            return new Endpoint(Kind.EXTERNAL, external);
        }
        Optional<String> container = testcontainersKafka();
        if (container.isPresent()) {
            return new Endpoint(Kind.TESTCONTAINERS, container.get());
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.inDirectory(newDataDir()));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "shared-kafka-shutdown"));
        return new Endpoint(Kind.EMBEDDED, kafka.bootstrapServers());
    }

    private static Optional<String> testcontainersKafka() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, SharedKafka.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
        return TestcontainersKafka.startIfDockerAnswers();
    }

    private static Path newDataDir() {
        try {
            return Files.createTempDirectory("threatline-test-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a data directory for the embedded test broker", e);
        }
    }
}
