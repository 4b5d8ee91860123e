package io.threatline.platform.runtime;

import io.threatline.platform.registry.CompatibilityLevel;
import io.threatline.platform.registry.KafkaSchemaLog;
import io.threatline.platform.registry.SchemaRegistryServer;
import io.threatline.platform.registry.WriteCredential;
import java.net.URI;
import java.util.Map;

/**
 * The local schema registry with its schemas in a compacted topic of a Kafka cluster: the HTTP
 * server and the log it owns, started and stopped together.
 */
public final class KafkaBackedRegistry implements AutoCloseable {
    private final KafkaSchemaLog log;
    private final SchemaRegistryServer server;

    private KafkaBackedRegistry(KafkaSchemaLog log, SchemaRegistryServer server) {
        this.log = log;
        this.server = server;
    }

    /**
     * @param port         HTTP port, 0 for any free one
     * @param schemasTopic compacted topic holding the schemas (created if missing)
     * @param clientProperties further Kafka client settings (security) for the log
     */
    public static KafkaBackedRegistry start(
            String bootstrapServers, String host, int port, String schemasTopic, Map<String, Object> clientProperties) {
        return start(bootstrapServers, host, port, schemasTopic, clientProperties, java.util.Optional.empty());
    }

    /** As above; with {@code writeCredential}, every change to the registry needs it (see {@link WriteCredential}). */
    public static KafkaBackedRegistry start(
            String bootstrapServers,
            String host,
            int port,
            String schemasTopic,
            Map<String, Object> clientProperties,
            java.util.Optional<WriteCredential> writeCredential) {
        return start(bootstrapServers, host, port, schemasTopic, (short) 1, clientProperties, writeCredential);
    }

    /** As above, creating the schemas topic, if missing, with {@code replicationFactor} replicas. */
    public static KafkaBackedRegistry start(
            String bootstrapServers,
            String host,
            int port,
            String schemasTopic,
            short replicationFactor,
            Map<String, Object> clientProperties,
            java.util.Optional<WriteCredential> writeCredential) {
        KafkaSchemaLog log = new KafkaSchemaLog(
                bootstrapServers, schemasTopic, replicationFactor, KafkaSchemaLog.DEFAULT_TIMEOUT, clientProperties);
        try {
            SchemaRegistryServer server = SchemaRegistryServer.start(
                    SchemaRegistryServer.Settings.defaults()
                            .withHost(host)
                            .withPort(port)
                            .withDefaultCompatibility(CompatibilityLevel.BACKWARD)
                            .withWriteCredential(writeCredential),
                    log);
            return new KafkaBackedRegistry(log, server);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    public URI url() {
        return server.url();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            log.close();
        }
    }
}
