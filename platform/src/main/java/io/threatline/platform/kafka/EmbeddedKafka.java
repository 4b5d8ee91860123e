package io.threatline.platform.kafka;

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
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real Apache Kafka broker in KRaft mode, running in this JVM: one node that is broker and
 * controller at once, its log on disk under a data directory, so that a restart resumes where it
 * stopped. Configured with the settings a single node needs for transactions (exactly-once) and
 * consumer groups to work.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedKafka.class);
    /** The server.properties of the node, kept in the data directory so a restart reuses its ports. */
    static final String SERVER_PROPERTIES = "server.properties";
    private static final String BROKER_PORT = "threatline.broker.port";
    private static final String CONTROLLER_PORT = "threatline.controller.port";

    private final EmbeddedKafkaSettings settings;
    private final Properties serverProperties;
    private final KafkaRaftServer server;
    private final Duration startupTime;

    private EmbeddedKafka(EmbeddedKafkaSettings settings, Properties serverProperties, KafkaRaftServer server,
                          Duration startupTime) {
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
                format(dataDir.resolve(SERVER_PROPERTIES));
            }
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot prepare the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            safeShutdown(server);
            throw new EmbeddedKafkaException("Kafka broker did not start on " + props.getProperty("listeners")
                + " with data in " + dataDir + ": " + e.getMessage(), e);
        }
        String bootstrap = settings.host() + ":" + props.getProperty(BROKER_PORT);
        try {
            BrokerReadiness.await(bootstrap, settings.startupTimeout());
        } catch (EmbeddedKafkaException e) {
            safeShutdown(server);
            throw e;
        }
        Duration total = Duration.ofNanos(System.nanoTime() - begin);
        LOGGER.info("Kafka {} broker (KRaft) ready at {} after {} ms, data in {}",
            AppInfoParser.getVersion(), bootstrap, total.toMillis(), dataDir);
        return new EmbeddedKafka(settings, props, server, total);
    }

    /** Where clients connect: {@code host:port}. */
    public String bootstrapServers() {
        return settings.host() + ":" + serverProperties.getProperty(BROKER_PORT);
    }

    /** Time from {@link #start} until the broker answered a metadata request. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    /** Client settings to reach this broker. */
    public Map<String, Object> clientProperties() {
        return Map.of("bootstrap.servers", bootstrapServers());
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
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
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

    private static void format(Path propertiesFile) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", propertiesFile.toString()}, print);
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
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Written by Threatline's embedded Kafka; regenerated at every start");
        }
    }
}
