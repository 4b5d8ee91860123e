package io.threatline.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.platform.kafka.BrokerReadiness;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The fixture's Testcontainers path. Reported skipped where no Docker daemon answers (as on the CI
 * machine, which has the Docker client but no engine); the embedded broker serves every other test.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaIT {

    @Test
    void shouldStartKafkaInAContainerWhenDockerAnswers() {
        Optional<String> bootstrap = TestcontainersKafka.startIfDockerAnswers();

        assertThat(bootstrap).isPresent();
        BrokerReadiness.await(bootstrap.get(), Duration.ofSeconds(60));
    }
}
