package io.threatline.platform.kafka;

import io.threatline.platform.tls.LocalCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of one or more KRaft nodes, each broker and controller at once (so three nodes
 * are a quorum of three controllers that survives the loss of one), each with its own data on disk
 * (docs/operations.md, "A cluster on one machine"). One node is {@link EmbeddedKafka} as it always
 * was, its data directly in the data directory. Two or more nodes keep their data under
 * {@code node-<id>/} and a {@value #LAYOUT} that fixes, at the first start, where each node listens
 * and the cluster's id; their internal topics (consumer offsets, transactions) and the default for
 * new topics take replication factor 3 (or the number of nodes, if fewer) and two in-sync replicas
 * with three, so that the cluster keeps taking writes, transactions included, with one node down.
 *
 * <p>The nodes run in this JVM ({@link #start}), or one per JVM ({@link #startNode}), which is how a
 * test kills one node with SIGKILL; then the ports must be given, so that every node knows where
 * the others are without asking them.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    /** The file, in the data directory, that fixes the cluster's id and each node's ports. */
    public static final String LAYOUT = "cluster.properties";

    /** The most nodes a local cluster may have: a quorum of more controllers only costs start-up time here. */
    public static final int MAX_NODES = 5;

    /** Where each node of the cluster listens, and the id every node's log is formatted with. */
    public record Layout(String clusterId, String host, List<Node> nodes) {

        /** One node: its id (1..n), its client port and its controller port. */
        public record Node(int id, int brokerPort, int controllerPort) {}

        public int size() {
            return nodes.size();
        }

        public Node node(int id) {
            return nodes.stream()
                    .filter(n -> n.id() == id)
                    .findFirst()
                    .orElseThrow(() -> new EmbeddedKafkaException(
                            "the cluster has nodes 1 to " + nodes.size() + ", not node " + id));
        }

        /** {@code controller.quorum.voters}: every node, as {@code id@host:controllerPort}. */
        public String voters() {
            return nodes.stream()
                    .map(n -> n.id() + "@" + host + ":" + n.controllerPort())
                    .collect(Collectors.joining(","));
        }

        /** Every node's client address, comma-separated. */
        public String bootstrapServers() {
            return nodes.stream().map(n -> host + ":" + n.brokerPort()).collect(Collectors.joining(","));
        }

        /** The replication factor of internal topics and the default for new ones: 3, or fewer with fewer nodes. */
        public int replicationFactor() {
            return Math.min(3, size());
        }

        /** In-sync replicas a write needs: 2 with three replicas, so one node may be down; else 1. */
        public int minInSyncReplicas() {
            return replicationFactor() >= 3 ? 2 : 1;
        }
    }

    private final EmbeddedKafkaSettings base;
    private final Layout layout;
    private final Map<Integer, EmbeddedKafka> running = new TreeMap<>();

    private EmbeddedKafkaCluster(EmbeddedKafkaSettings base, Layout layout) {
        this.base = base;
        this.layout = layout;
    }

    /**
     * Starts every node of a cluster of {@code size} in this JVM (all at once: a node does not
     * finish starting before a majority of controllers is up) and waits until each answers.
     *
     * @param base where the data goes, the host, the first client and controller ports (0: free
     *     ports, chosen at the first start and kept), authentication and extra settings for every node
     * @throws EmbeddedKafkaException when the data directory holds a cluster of another size, or a node does not start
     */
    public static EmbeddedKafkaCluster start(EmbeddedKafkaSettings base, int size) {
        if (size == 1 && !Files.exists(base.dataDir().resolve(LAYOUT))) {
            EmbeddedKafkaCluster single = new EmbeddedKafkaCluster(base, null);
            single.running.put(1, EmbeddedKafka.start(base));
            return single;
        }
        Layout layout = layout(base, size, false);
        EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(base, layout);
        ExecutorService starting = Executors.newFixedThreadPool(size, r -> new Thread(r, "kafka-node-start"));
        try {
            Map<Integer, Future<EmbeddedKafka>> nodes = new TreeMap<>();
            for (Layout.Node node : layout.nodes()) {
                nodes.put(node.id(), starting.submit(() -> EmbeddedKafka.start(nodeSettings(base, layout, node.id()))));
            }
            EmbeddedKafkaException failure = null;
            for (Map.Entry<Integer, Future<EmbeddedKafka>> node : nodes.entrySet()) {
                try {
                    cluster.running.put(node.getKey(), node.getValue().get());
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof EmbeddedKafkaException k
                            ? k
                            : new EmbeddedKafkaException(
                                    "Kafka node " + node.getKey() + " did not start: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new EmbeddedKafkaException("interrupted while Kafka nodes started", e);
                }
            }
            if (failure != null) {
                cluster.close();
                throw failure;
            }
        } finally {
            starting.shutdownNow();
        }
        LOGGER.info(
                "Kafka cluster of {} nodes ready at {} (replication factor {}, min in-sync replicas {})",
                size,
                layout.bootstrapServers(),
                layout.replicationFactor(),
                layout.minInSyncReplicas());
        return cluster;
    }

    /**
     * Starts one node of a cluster of {@code size} in this JVM, the others running elsewhere (their
     * own JVMs, on the same data directory's {@code node-<id>/} or another's). The ports must be
     * given, node {@code k} taking the first ports plus {@code k - 1}, so that every node computes
     * the same layout, cluster id included, on its own. Returns once this node answers, which needs
     * a majority of the nodes up.
     */
    public static EmbeddedKafka startNode(EmbeddedKafkaSettings base, int size, int nodeId) {
        if (base.brokerPort() == 0 || base.controllerPort() == 0) {
            throw new EmbeddedKafkaException("a node started on its own needs its cluster's first client and"
                    + " controller ports, so that it knows where the other nodes listen");
        }
        Layout layout = layout(base, size, true);
        return EmbeddedKafka.start(
                nodeSettings(base, layout, layout.node(nodeId).id()));
    }

    /** Where clients connect: every running node's address. */
    public String bootstrapServers() {
        synchronized (running) {
            return running.values().stream()
                    .map(EmbeddedKafka::bootstrapServers)
                    .collect(Collectors.joining(","));
        }
    }

    /**
     * Where partners with a client certificate connect: every running node's partner TLS listener
     * (mutual TLS), when authentication is on.
     */
    public Optional<String> partnerTlsBootstrap() {
        synchronized (running) {
            List<String> addresses = running.values().stream()
                    .map(EmbeddedKafka::partnerTlsBootstrap)
                    .flatMap(Optional::stream)
                    .toList();
            return addresses.isEmpty() ? Optional.empty() : Optional.of(String.join(",", addresses));
        }
    }

    /** The authority whose client certificates the partner TLS listener accepts (see {@link LocalCertificates}). */
    public LocalCertificates certificates() {
        return LocalCertificates.open(base.certificatesDir());
    }

    /** Client settings to reach the cluster, as its super user when authentication is on. */
    public Map<String, Object> clientProperties() {
        return EmbeddedKafka.clientProperties(
                layout == null ? bootstrapServers() : layout.bootstrapServers(), base.admin());
    }

    /** The nodes and their ports; for one node started as {@link EmbeddedKafka}, its own. */
    public int size() {
        return layout == null ? 1 : layout.size();
    }

    /** Stops one node (cleanly), the others keep running: leaders move, writes go on with two of three. */
    public void stopNode(int nodeId) {
        EmbeddedKafka node;
        synchronized (running) {
            node = running.remove(nodeId);
        }
        if (node == null) {
            throw new IllegalStateException("node " + nodeId + " is not running");
        }
        node.close();
    }

    /** Starts a stopped node again on its data and ports. */
    public void startNode(int nodeId) {
        if (layout == null) {
            throw new IllegalStateException("a single node is started with the cluster");
        }
        EmbeddedKafka node = EmbeddedKafka.start(
                nodeSettings(base, layout, layout.node(nodeId).id()));
        synchronized (running) {
            running.put(nodeId, node);
        }
    }

    @Override
    public void close() {
        List<EmbeddedKafka> nodes;
        synchronized (running) {
            nodes = new ArrayList<>(running.values());
            running.clear();
        }
        // All at once: stopped one by one, the last nodes would each wait for a quorum that is already gone.
        // The last controllers' Raft clients may still log a timed-out graceful shutdown; nothing is lost by it.
        ExecutorService stopping = Executors.newFixedThreadPool(Math.max(1, nodes.size()));
        try {
            List<Future<?>> stops = new ArrayList<>();
            for (EmbeddedKafka node : nodes) {
                stops.add(stopping.submit(node::close));
            }
            for (Future<?> stop : stops) {
                try {
                    stop.get();
                } catch (ExecutionException e) {
                    LOGGER.warn(
                            "A Kafka node did not stop cleanly: {}",
                            e.getCause().toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            stopping.shutdownNow();
        }
    }

    /** The node's own settings: its directory and ports, the quorum, and the replication a cluster needs. */
    static EmbeddedKafkaSettings nodeSettings(EmbeddedKafkaSettings base, Layout layout, int nodeId) {
        Layout.Node node = layout.node(nodeId);
        Map<String, String> overrides = new HashMap<>();
        String rf = Integer.toString(layout.replicationFactor());
        String minIsr = Integer.toString(layout.minInSyncReplicas());
        overrides.put("node.id", Integer.toString(nodeId));
        overrides.put("controller.quorum.voters", layout.voters());
        overrides.put(EmbeddedKafka.CLUSTER_ID, layout.clusterId());
        overrides.put("offsets.topic.replication.factor", rf);
        overrides.put("transaction.state.log.replication.factor", rf);
        overrides.put("transaction.state.log.min.isr", minIsr);
        overrides.put("share.coordinator.state.topic.replication.factor", rf);
        overrides.put("share.coordinator.state.topic.min.isr", minIsr);
        overrides.put("default.replication.factor", rf);
        overrides.put("min.insync.replicas", minIsr);
        overrides.putAll(base.overrides());
        return new EmbeddedKafkaSettings(
                base.dataDir().resolve("node-" + nodeId),
                base.host(),
                node.brokerPort(),
                node.controllerPort(),
                overrides,
                base.startupTimeout(),
                base.admin(),
                // One certificate authority for the whole cluster: a partner's certificate is good on every node.
                base.certificatesDir());
    }

    /**
     * The cluster's layout: as {@value #LAYOUT} in the data directory says, or new. New ports are
     * the given first ports plus the node's id minus one, or free ones; a new cluster id is derived
     * from the layout when the ports were given ({@code deterministic}: nodes in separate JVMs agree
     * without talking), random otherwise.
     */
    static Layout layout(EmbeddedKafkaSettings base, int size, boolean deterministic) {
        if (size < 1 || size > MAX_NODES) {
            throw new EmbeddedKafkaException("a local cluster has 1 to " + MAX_NODES + " nodes, not " + size);
        }
        Path dataDir = base.dataDir().toAbsolutePath();
        Path file = dataDir.resolve(LAYOUT);
        if (Files.exists(file)) {
            Layout stored = read(file, base.host());
            if (stored.size() != size) {
                throw new EmbeddedKafkaException("the data directory " + dataDir + " holds a Kafka cluster of "
                        + stored.size() + " node(s), not " + size
                        + ": start it with as many brokers as it has, or give a new data directory");
            }
            return stored;
        }
        if (Files.exists(dataDir.resolve("log").resolve("meta.properties"))) {
            throw new EmbeddedKafkaException("the data directory " + dataDir
                    + " holds a single Kafka node, not a cluster of " + size
                    + ": start it with one broker, or give a new data directory");
        }
        List<Layout.Node> nodes = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            int brokerPort = base.brokerPort() > 0 ? base.brokerPort() + id - 1 : FreePorts.any();
            int controllerPort = base.controllerPort() > 0 ? base.controllerPort() + id - 1 : FreePorts.any();
            nodes.add(new Layout.Node(id, brokerPort, controllerPort));
        }
        Layout partial = new Layout("", base.host(), nodes);
        String clusterId =
                deterministic ? derivedClusterId(partial) : Uuid.randomUuid().toString();
        Layout layout = new Layout(clusterId, base.host(), nodes);
        write(layout, file);
        return layout;
    }

    private static String derivedClusterId(Layout layout) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("threatline-cluster|" + layout.host() + "|" + layout.voters() + "|"
                                    + layout.bootstrapServers())
                            .getBytes(StandardCharsets.UTF_8));
            long most = 0;
            long least = 0;
            for (int i = 0; i < 8; i++) {
                most = (most << 8) | (digest[i] & 0xff);
                least = (least << 8) | (digest[i + 8] & 0xff);
            }
            return new Uuid(most, least).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Layout read(Path file, String host) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            int size = Integer.parseInt(p.getProperty("nodes"));
            if (size < 1 || size > MAX_NODES) {
                throw new IllegalArgumentException("nodes=" + size + ", not 1 to " + MAX_NODES);
            }
            List<Layout.Node> nodes = new ArrayList<>();
            for (int id = 1; id <= size; id++) {
                nodes.add(new Layout.Node(
                        id,
                        Integer.parseInt(p.getProperty("node." + id + ".broker.port")),
                        Integer.parseInt(p.getProperty("node." + id + ".controller.port"))));
            }
            String clusterId = p.getProperty("cluster.id");
            if (clusterId == null || clusterId.isBlank()) {
                throw new IllegalArgumentException("no cluster.id");
            }
            return new Layout(clusterId, host, nodes);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException(file + " is not a cluster layout Threatline wrote: " + e.getMessage(), e);
        }
    }

    private static void write(Layout layout, Path file) {
        Properties p = new Properties();
        p.setProperty("cluster.id", layout.clusterId());
        p.setProperty("nodes", Integer.toString(layout.size()));
        for (Layout.Node node : layout.nodes()) {
            p.setProperty("node." + node.id() + ".broker.port", Integer.toString(node.brokerPort()));
            p.setProperty("node." + node.id() + ".controller.port", Integer.toString(node.controllerPort()));
        }
        try {
            Files.createDirectories(file.getParent());
            // Written whole and moved into place: nodes started at once in their own JVMs may write it together.
            Path tmp = Files.createTempFile(file.getParent(), LAYOUT, ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "Threatline's local Kafka cluster: fixed at its first start");
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
