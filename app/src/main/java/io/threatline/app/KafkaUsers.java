package io.threatline.app;

import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaSettings.Credentials;
import io.threatline.platform.tls.LocalCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * The Kafka users of the local run: a super user for Threatline's own services and one user per
 * partner (User:&lt;partner id&gt;). Passwords are generated once and kept in files readable by their
 * owner only ({@code <dir>/<user>.password}); {@code <dir>/<user>.properties} is the matching client
 * configuration (for {@code --command-config}, or for a partner's SIEM). Nothing here is logged.
 */
final class KafkaUsers {

    private final Path dir;

    KafkaUsers(Path dir) {
        this.dir = dir;
    }

    /**
     * The super user, created on the first authenticated run.
     *
     * @throws IllegalStateException when {@code kafkaDir} holds a broker made without authentication
     */
    Credentials admin(Path kafkaDir) throws IOException {
        Path password = dir.resolve("admin.password");
        if (!Files.exists(password)
                && (Files.exists(kafkaDir.resolve("log").resolve("meta.properties"))
                        || Files.exists(kafkaDir.resolve("cluster.properties")))) {
            throw new IllegalStateException("the broker data in " + kafkaDir + " was created without authentication; "
                    + "use another --data-dir, remove that one, or run with --no-auth");
        }
        return new Credentials("admin", passwordOf("admin"));
    }

    /**
     * Creates (or re-asserts) a SCRAM user — a partner, or a vendor's sensors ({@code vendor.<id>}) —
     * with a password generated once, and writes its client configuration.
     */
    Map<String, Object> ensureUser(String user, Map<String, Object> adminClient) throws Exception {
        return ensureUser(user, adminClient, Map.of());
    }

    /**
     * As {@link #ensureUser(String, Map)}, with further settings in the client configuration.
     *
     * @return the client settings written (SASL included)
     */
    Map<String, Object> ensureUser(String user, Map<String, Object> adminClient, Map<String, Object> extraSettings)
            throws Exception {
        Credentials credentials = new Credentials(user, passwordOf(user));
        try (Admin admin = Admin.create(adminClient)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            credentials.username(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                            credentials.password())))
                    .all()
                    .get();
        }
        Map<String, Object> settings = new java.util.HashMap<>(EmbeddedKafka.clientProperties(
                adminClient.get("bootstrap.servers").toString(), java.util.Optional.of(credentials)));
        settings.putAll(extraSettings);
        writeClientConfig(user, settings);
        return settings;
    }

    /**
     * Issues the partner's client certificate for the mutual-TLS partner listener (once; kept under
     * {@code <dir>/tls/}) and writes {@code <dir>/<partner>.librdkafka.properties}: the settings a
     * librdkafka-based client (kcat, Confluent's Python, Go or .NET client, Vector, Fluent Bit) needs
     * to read the partner's topics as {@code User:<partner>} without SCRAM.
     */
    Path ensurePartnerCertificate(String partner, LocalCertificates authority, String tlsBootstrap) throws IOException {
        LocalCertificates.PartnerFiles files = authority.issuePartner(partner, dir.resolve("tls"));
        StringBuilder text = new StringBuilder("# librdkafka settings of ")
                .append(partner)
                .append(" (mutual TLS, no SCRAM), written by threatline run\n")
                .append("bootstrap.servers=")
                .append(tlsBootstrap)
                .append('\n')
                .append("security.protocol=SSL\n")
                .append("ssl.ca.location=")
                .append(files.authority().toAbsolutePath())
                .append('\n')
                .append("ssl.certificate.location=")
                .append(files.certificate().toAbsolutePath())
                .append('\n')
                .append("ssl.key.location=")
                .append(files.key().toAbsolutePath())
                .append('\n');
        Path file = librdkafkaConfigFile(partner);
        PrivateFiles.write(file, text.toString());
        return file;
    }

    Path librdkafkaConfigFile(String partner) {
        return dir.resolve(partner + ".librdkafka.properties").toAbsolutePath();
    }

    Path configFile(String user) {
        return dir.resolve(user + ".properties").toAbsolutePath();
    }

    /** Writes the user's client settings (SASL included) as a properties file, mode 600. */
    void writeClientConfig(String user, Map<String, Object> clientProperties) throws IOException {
        StringBuilder text =
                new StringBuilder("# Kafka client settings of ").append(user).append(", written by threatline run\n");
        new TreeMap<>(clientProperties)
                .forEach((k, v) -> text.append(k)
                        .append('=')
                        .append(v.toString().replace("\\", "\\\\"))
                        .append('\n'));
        PrivateFiles.write(configFile(user), text.toString());
    }

    private String passwordOf(String user) throws IOException {
        Path file = dir.resolve(user + ".password");
        if (!Files.exists(file)) {
            PrivateFiles.write(file, PrivateFiles.randomHex(18));
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
