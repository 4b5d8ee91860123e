package io.threatline.platform.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the embedded broker.
 *
 * @param dataDir        directory holding the log and the node's configuration; kept across restarts
 * @param host           interface and advertised host name
 * @param brokerPort     client port; 0 reuses the previous run's port if free, otherwise any free port
 * @param controllerPort KRaft controller port; 0 as for {@code brokerPort}
 * @param overrides      extra broker settings, applied last
 * @param startupTimeout how long to wait for the broker to answer
 * @param admin          when present, clients must authenticate (SASL/SCRAM-SHA-512) and Kafka's
 *                       StandardAuthorizer applies ACLs; this user is the super user. The node then
 *                       also listens for partners with client certificates (mutual TLS), which
 *                       {@link io.threatline.platform.tls.LocalCertificates} in {@code certificatesDir} issues
 * @param certificatesDir where the local certificate authority of that listener is kept (the nodes of
 *                       one cluster share it); {@code null} means {@code <dataDir>/tls}
 */
public record EmbeddedKafkaSettings(
        Path dataDir,
        String host,
        int brokerPort,
        int controllerPort,
        Map<String, String> overrides,
        Duration startupTimeout,
        Optional<Credentials> admin,
        Path certificatesDir) {

    /** A SASL user name and password. */
    public record Credentials(String username, String password) {
        public Credentials {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            if (!username.matches("[A-Za-z0-9._-]+")
                    || password.isEmpty()
                    || password.contains("\"")
                    || password.contains("\\")) {
                throw new IllegalArgumentException(
                        "user names are letters, digits, '.', '_' and '-'; passwords are non-empty without quotes or backslashes");
            }
        }

        @Override
        public String toString() {
            return "Credentials[" + username + ", password hidden]";
        }
    }

    public EmbeddedKafkaSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(host, "host");
        overrides = Map.copyOf(overrides);
        if (certificatesDir == null) {
            certificatesDir = dataDir.resolve("tls");
        }
        if (brokerPort < 0 || brokerPort > 65535) {
            throw new IllegalArgumentException("brokerPort must be 0..65535, was " + brokerPort);
        }
        if (controllerPort < 0 || controllerPort > 65535) {
            throw new IllegalArgumentException("controllerPort must be 0..65535, was " + controllerPort);
        }
    }

    /** Loopback, ports chosen freely, 60 s to start. */
    public static EmbeddedKafkaSettings inDirectory(Path dataDir) {
        return new EmbeddedKafkaSettings(
                dataDir, "localhost", 0, 0, Map.of(), Duration.ofSeconds(60), Optional.empty(), null);
    }

    public EmbeddedKafkaSettings withPorts(int broker, int controller) {
        return new EmbeddedKafkaSettings(
                dataDir, host, broker, controller, overrides, startupTimeout, admin, certificatesDir);
    }

    public EmbeddedKafkaSettings withHost(String newHost) {
        return new EmbeddedKafkaSettings(
                dataDir, newHost, brokerPort, controllerPort, overrides, startupTimeout, admin, certificatesDir);
    }

    public EmbeddedKafkaSettings withOverrides(Map<String, String> extra) {
        return new EmbeddedKafkaSettings(
                dataDir, host, brokerPort, controllerPort, extra, startupTimeout, admin, certificatesDir);
    }

    /** Clients must authenticate with SASL/SCRAM-SHA-512 and ACLs apply; {@code superUser} may do anything. */
    public EmbeddedKafkaSettings withAuthentication(Credentials superUser) {
        return new EmbeddedKafkaSettings(
                dataDir,
                host,
                brokerPort,
                controllerPort,
                overrides,
                startupTimeout,
                Optional.of(superUser),
                certificatesDir);
    }
}
