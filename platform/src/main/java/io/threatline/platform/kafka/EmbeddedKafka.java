package io.threatline.platform.kafka;

import io.threatline.platform.tls.LocalCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode, running in this JVM: one node that is broker and
 * controller at once, its log on disk under a data directory, so that a restart resumes where it
 * stopped. Configured with the settings a single node needs for transactions (exactly-once) and
 * consumer groups to work.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final String SCRAM = "SCRAM-SHA-512";

    private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedKafka.class);
    /** The server.properties of the node, kept in the data directory so a restart reuses its ports. */
    static final String SERVER_PROPERTIES = "server.properties";

    private static final String BROKER_PORT = "threatline.broker.port";
    private static final String PARTNER_TLS_PORT = "threatline.partner-tls.port";
    /** The listener for partners with client certificates (mutual TLS), when authentication is on. */
    public static final String PARTNER_TLS = "PARTNER_TLS";

    private static final String CONTROLLER_PORT = "threatline.controller.port";
    /** The cluster id to format a new node's log with (a node of a cluster: all share it); random when absent. */
    static final String CLUSTER_ID = "threatline.cluster.id";

    private final EmbeddedKafkaSettings settings;
    private final Properties serverProperties;
    private final KafkaRaftServer server;
    private final Duration startupTime;

    private EmbeddedKafka(
            EmbeddedKafkaSettings settings, Properties serverProperties, KafkaRaftServer server, Duration startupTime) {
        this.settings = settings;
        this.serverProperties = serverProperties;
        this.server = server;
        this.startupTime = startupTime;
    }

    /**
     * Formats the data directory on first use, then starts the node and waits until it answers.
     *
     * @throws EmbeddedKafkaException when the directory cannot be prepared or the node does not start
     */
    public static EmbeddedKafka start(EmbeddedKafkaSettings settings) {
        long begin = System.nanoTime();
        Path dataDir = settings.dataDir().toAbsolutePath();
        Properties props = serverProperties(settings, dataDir);
        Path logDir = dataDir.resolve("log");
        try {
            Files.createDirectories(logDir);
            writeProperties(props, dataDir.resolve(SERVER_PROPERTIES));
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(dataDir.resolve(SERVER_PROPERTIES), props.getProperty(CLUSTER_ID), settings.admin());
            }
        } catch (IOException e) {
            throw new EmbeddedKafkaException(
                    "Cannot prepare the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            safeShutdown(server);
            throw new EmbeddedKafkaException(
                    "Kafka broker did not start on " + props.getProperty("listeners") + " with data in " + dataDir
                            + ": " + e.getMessage(),
                    e);
        }
        String bootstrap = settings.host() + ":" + props.getProperty(BROKER_PORT);
        try {
            BrokerReadiness.await(clientProperties(bootstrap, settings.admin()), settings.startupTimeout());
        } catch (EmbeddedKafkaException e) {
            safeShutdown(server);
            throw e;
        }
        Duration total = Duration.ofNanos(System.nanoTime() - begin);
        LOGGER.info(
                "Kafka {} broker (KRaft) ready at {} after {} ms, data in {}",
                AppInfoParser.getVersion(),
                bootstrap,
                total.toMillis(),
                dataDir);
        return new EmbeddedKafka(settings, props, server, total);
    }

    /** This node's id in its cluster (1 for a single node). */
    public int nodeId() {
        return Integer.parseInt(serverProperties.getProperty("node.id"));
    }

    /** Where clients connect: {@code host:port}. */
    public String bootstrapServers() {
        return settings.host() + ":" + serverProperties.getProperty(BROKER_PORT);
    }

    /**
     * Where partners with a client certificate connect ({@code host:port}, TLS with client
     * authentication): present when authentication is on.
     */
    public Optional<String> partnerTlsBootstrap() {
        return Optional.ofNullable(serverProperties.getProperty(PARTNER_TLS_PORT))
                .map(port -> settings.host() + ":" + port);
    }

    /** Time from {@link #start} until the broker answered a metadata request. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    /** Client settings to reach this broker, as its super user when authentication is on. */
    public Map<String, Object> clientProperties() {
        return clientProperties(bootstrapServers(), settings.admin());
    }

    /** Client settings for {@code user} on a broker with authentication on (SASL/SCRAM-SHA-512). */
    public static Map<String, Object> clientProperties(
            String bootstrapServers, Optional<EmbeddedKafkaSettings.Credentials> user) {
        Map<String, Object> props = new java.util.HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        user.ifPresent(u -> {
            props.put("security.protocol", "SASL_PLAINTEXT");
            props.put("sasl.mechanism", SCRAM);
            props.put("sasl.jaas.config", scramJaas(u));
        });
        return Map.copyOf(props);
    }

    private static String scramJaas(EmbeddedKafkaSettings.Credentials u) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + u.username()
                + "\" password=\"" + u.password() + "\";";
    }

    @Override
    public void close() {
        LOGGER.info("Stopping Kafka broker at {}", bootstrapServers());
        safeShutdown(server);
    }

    private static void safeShutdown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOGGER.warn("Kafka broker did not shut down cleanly: {}", e.toString());
        }
    }

    static Properties serverProperties(EmbeddedKafkaSettings settings, Path dataDir) {
        Properties previous = readProperties(dataDir.resolve(SERVER_PROPERTIES));
        int brokerPort = choosePort(settings.brokerPort(), previous.getProperty(BROKER_PORT));
        int controllerPort = choosePort(settings.controllerPort(), previous.getProperty(CONTROLLER_PORT));
        String host = settings.host();

        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        if (settings.admin().isEmpty()) {
            p.setProperty(
                    "listeners",
                    "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        } else {
            // Clients and the broker itself authenticate with SCRAM (its credentials live in the
            // metadata log, written at format time); the controller listener uses PLAIN, because
            // the controller must authenticate before it can read that log. ACLs by StandardAuthorizer.
            EmbeddedKafkaSettings.Credentials admin = settings.admin().get();
            // Partners whose clients cannot use SCRAM against Kafka 4 (librdkafka before 2.6.1) connect here with a
            // client certificate of the local authority; the certificate's partner id is their principal
            // (LocalCertificates.principalMappingRules), so the same ACLs apply as to their SCRAM user.
            int partnerTlsPort = choosePort(0, previous.getProperty(PARTNER_TLS_PORT));
            LocalCertificates.BrokerStores stores = LocalCertificates.open(settings.certificatesDir())
                    .brokerStores(java.util.List.of(host, "localhost", "127.0.0.1"));
            p.setProperty(
                    "listeners",
                    "SASL_PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort + ","
                            + PARTNER_TLS + "://" + host + ":" + partnerTlsPort);
            p.setProperty(
                    "advertised.listeners",
                    "SASL_PLAINTEXT://" + host + ":" + brokerPort + "," + PARTNER_TLS + "://" + host + ":"
                            + partnerTlsPort);
            p.setProperty(
                    "listener.security.protocol.map",
                    "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT," + PARTNER_TLS + ":SSL");
            String tls = "listener.name." + PARTNER_TLS.toLowerCase(java.util.Locale.ROOT) + ".";
            p.setProperty(tls + "ssl.client.auth", "required");
            p.setProperty(tls + "ssl.keystore.type", "PKCS12");
            p.setProperty(tls + "ssl.keystore.location", stores.keyStore().toString());
            p.setProperty(tls + "ssl.keystore.password", stores.password());
            p.setProperty(tls + "ssl.key.password", stores.password());
            p.setProperty(tls + "ssl.truststore.type", "PKCS12");
            p.setProperty(tls + "ssl.truststore.location", stores.trustStore().toString());
            p.setProperty(tls + "ssl.truststore.password", stores.password());
            p.setProperty(
                    tls + "ssl.principal.mapping.rules", LocalCertificates.principalMappingRules(admin.username()));
            p.setProperty(PARTNER_TLS_PORT, Integer.toString(partnerTlsPort));
            p.setProperty("inter.broker.listener.name", "SASL_PLAINTEXT");
            p.setProperty("sasl.mechanism.inter.broker.protocol", SCRAM);
            p.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
            p.setProperty("listener.name.sasl_plaintext.sasl.enabled.mechanisms", SCRAM);
            p.setProperty("listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config", scramJaas(admin));
            p.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            p.setProperty(
                    "listener.name.controller.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + admin.username()
                            + "\" password=\"" + admin.password() + "\" user_" + admin.username() + "=\""
                            + admin.password() + "\";");
            p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.setProperty("super.users", "User:" + admin.username());
            p.setProperty("allow.everyone.if.no.acl.found", "false");
        }
        p.setProperty("log.dirs", dataDir.resolve("log").toString());
        // One node: every internal topic at replication factor 1, or transactions and groups hang.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "3");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The default reserves 128 MiB of heap for compaction; a local node needs far less.
        p.setProperty("log.cleaner.dedupe.buffer.size", "2097152");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("unstable.api.versions.enable", "false");
        p.setProperty("unstable.feature.versions.enable", "false");
        p.setProperty(BROKER_PORT, Integer.toString(brokerPort));
        p.setProperty(CONTROLLER_PORT, Integer.toString(controllerPort));
        settings.overrides().forEach(p::setProperty);
        return p;
    }

    private static int choosePort(int requested, String previous) {
        if (requested > 0) {
            return requested;
        }
        if (previous != null) {
            int port = Integer.parseInt(previous);
            if (FreePorts.isFree(port)) {
                return port;
            }
        }
        return FreePorts.any();
    }

    private static void format(
            Path propertiesFile, String givenClusterId, Optional<EmbeddedKafkaSettings.Credentials> admin) {
        String clusterId =
                givenClusterId != null ? givenClusterId : Uuid.randomUuid().toString();
        java.util.List<String> args = new java.util.ArrayList<>(
                java.util.List.of("format", "-t", clusterId, "-c", propertiesFile.toString()));
        admin.ifPresent(a -> {
            args.add("--add-scram");
            args.add(SCRAM + "=[name=" + a.username() + ",password=" + a.password() + "]");
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args.toArray(String[]::new), print);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException("Formatting the Kafka log directory failed: " + e.getMessage(), e);
        }
        if (rc != 0) {
            throw new EmbeddedKafkaException("Formatting the Kafka log directory failed (exit " + rc + "): "
                    + out.toString(StandardCharsets.UTF_8).trim());
        }
        LOGGER.debug("Formatted KRaft storage with cluster id {}", clusterId);
    }

    private static Properties readProperties(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new EmbeddedKafkaException("Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static void writeProperties(Properties p, Path file) throws IOException {
        // With authentication on it holds the super user's password: readable by its owner only.
        if (!Files.exists(file)
                && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(
                    file,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Written by Threatline's embedded Kafka; regenerated at every start");
        }
    }
}
