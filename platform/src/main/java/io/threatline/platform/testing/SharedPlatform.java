package io.threatline.platform.testing;

import io.threatline.platform.runtime.KafkaBackedRegistry;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared Kafka of {@link SharedKafka} plus a schema registry: an external one when
 * {@code SCHEMA_REGISTRY_URL} is set, otherwise Threatline's local registry started once per test
 * JVM on a free port, keeping its schemas in a compacted topic of the shared Kafka.
 */
public final class SharedPlatform {
    private static final Logger LOGGER = LoggerFactory.getLogger(SharedPlatform.class);
    public static final String REGISTRY_ENV = "SCHEMA_REGISTRY_URL";

    private static URI registryUrl;

    private SharedPlatform() {}

    public static String bootstrapServers() {
        return SharedKafka.bootstrapServers();
    }

    public static synchronized URI registryUrl() {
        if (registryUrl == null) {
            String external = System.getenv(REGISTRY_ENV);
            if (external != null && !external.isBlank()) {
                registryUrl = URI.create(external.trim());
            } else {
                KafkaBackedRegistry server =
                        KafkaBackedRegistry.start(bootstrapServers(), "localhost", 0, "_schemas", Map.of());
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shared-registry-shutdown"));
                registryUrl = server.url();
            }
            LOGGER.info("Tests use the schema registry at {}", registryUrl);
        }
        return registryUrl;
    }
}
