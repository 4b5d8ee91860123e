package io.threatline.platform.testing;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Starts Apache Kafka in a container when a Docker daemon answers. Only loaded when Testcontainers is present. */
final class TestcontainersKafka {
    private static final Logger LOGGER = LoggerFactory.getLogger(TestcontainersKafka.class);
    static final String IMAGE = "apache/kafka:4.1.1";

    private TestcontainersKafka() {}

    static Optional<String> startIfDockerAnswers() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            LOGGER.info("No Docker daemon answers; using the embedded broker");
            return Optional.empty();
        }
        KafkaContainer kafka = new KafkaContainer(IMAGE);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "testcontainers-kafka-shutdown"));
        return Optional.of(kafka.getBootstrapServers());
    }
}
