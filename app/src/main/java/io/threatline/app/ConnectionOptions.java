package io.threatline.app;

import io.threatline.schemas.serde.AvroSerdeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where a command finds Kafka and the schema registry: the local platform's defaults, the
 * environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SCHEMA_REGISTRY_URL}) or the options, plus
 * a properties file for security settings.
 */
public final class ConnectionOptions {

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description =
                    "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or the local platform's localhost:9092).")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://localhost:8081}",
            description =
                    "Confluent-compatible schema registry URL (default: $SCHEMA_REGISTRY_URL or the local platform's http://localhost:8081).")
    URI registryUrl;

    @Option(
            names = "--command-config",
            description =
                    "Properties file with further Kafka client settings (security.protocol, sasl.*, ssl.*) and serde settings (basic.auth.user.info).")
    Path commandConfig;

    /** Client settings for producers, consumers and admin clients, serde settings included. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        if (commandConfig != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(commandConfig)) {
                file.load(in);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "Cannot read --command-config " + commandConfig + ": " + e.getMessage());
            }
            file.forEach((k, v) -> props.put(k.toString(), v));
        }
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl.toString());
        return props;
    }

    /** Only the Kafka client settings, for admin clients that reject unknown keys less politely. */
    public Map<String, Object> kafkaProperties() {
        return AvroSerdeConfig.kafkaOnly(clientProperties());
    }

    public URI registryUrl() {
        return registryUrl;
    }
}
