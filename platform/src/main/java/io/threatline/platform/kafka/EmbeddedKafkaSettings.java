package io.threatline.platform.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How to run the embedded broker.
 *
 * @param dataDir        directory holding the log and the node's configuration; kept across restarts
 * @param host           interface and advertised host name
 * @param brokerPort     client port; 0 reuses the previous run's port if free, otherwise any free port
 * @param controllerPort KRaft controller port; 0 as for {@code brokerPort}
 * @param overrides      extra broker settings, applied last
 * @param startupTimeout how long to wait for the broker to answer
 */
public record EmbeddedKafkaSettings(Path dataDir, String host, int brokerPort, int controllerPort,
                                    Map<String, String> overrides, Duration startupTimeout) {

    public EmbeddedKafkaSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        overrides = Map.copyOf(overrides);
        if (brokerPort < 0 || brokerPort > 65535) {
            throw new IllegalArgumentException("brokerPort must be 0..65535, was " + brokerPort);
        }
        if (controllerPort < 0 || controllerPort > 65535) {
            throw new IllegalArgumentException("controllerPort must be 0..65535, was " + controllerPort);
        }
    }

    /** Loopback, ports chosen freely, 60 s to start. */
    public static EmbeddedKafkaSettings inDirectory(Path dataDir) {
        return new EmbeddedKafkaSettings(dataDir, "localhost", 0, 0, Map.of(), Duration.ofSeconds(60));
    }

    public EmbeddedKafkaSettings withPorts(int broker, int controller) {
        return new EmbeddedKafkaSettings(dataDir, host, broker, controller, overrides, startupTimeout);
    }

    public EmbeddedKafkaSettings withHost(String newHost) {
        return new EmbeddedKafkaSettings(dataDir, newHost, brokerPort, controllerPort, overrides, startupTimeout);
    }

    public EmbeddedKafkaSettings withOverrides(Map<String, String> extra) {
        return new EmbeddedKafkaSettings(dataDir, host, brokerPort, controllerPort, extra, startupTimeout);
    }
}
