package io.threatline.app;

import io.threatline.platform.kafka.EmbeddedKafka;
import io.threatline.platform.kafka.EmbeddedKafkaCluster;
import io.threatline.platform.kafka.EmbeddedKafkaSettings;
import io.threatline.platform.runtime.LocalPlatform;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the local platform: a Kafka broker (KRaft) and a schema registry, with Threatline's topics. */
@Command(
        name = "platform",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the local platform: a Kafka broker (KRaft) and a schema registry.",
            "A real Apache Kafka broker (one node, data on disk) and a Confluent-compatible schema registry",
            "keeping its schemas in Kafka; Threatline's topics are created.",
            "With --brokers 3, a cluster of three nodes (each broker and controller, data on disk per node),",
            "topics with replication factor 3 and min.insync.replicas 2; with --node, one node of it alone.",
            "Prints where they listen and runs until Ctrl-C. A second run resumes from the data directory."
        })
public final class PlatformCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--data-dir",
            defaultValue = ".threatline/data",
            description = "Directory for the broker's data; kept across runs (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--host",
            defaultValue = "localhost",
            description = "Interface to listen on and advertise (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Kafka client port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--brokers",
            defaultValue = "1",
            description = "Kafka nodes (1-" + EmbeddedKafkaCluster.MAX_NODES
                    + "); node k of several listens on --kafka-port + k - 1 (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(
            names = "--node",
            description = "Run only this node (1..--brokers) of the cluster, no registry and no topics: one JVM per"
                    + " node, so that one can be killed on its own. Needs --kafka-port and --controller-port.")
    Integer node;

    @Option(
            names = "--controller-port",
            defaultValue = "0",
            description = "KRaft controller port of node 1; node k listens on it + k - 1 (default: 0, free ports).")
    int controllerPort;

    @Option(
            names = "--registry-port",
            defaultValue = "8081",
            description = "Schema registry HTTP port (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(
            names = "--topic-prefix",
            defaultValue = ThreatlineTopics.DEFAULT_PREFIX,
            description = "Prefix of Threatline's topic names (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--partitions",
            defaultValue = "6",
            description = "Partitions of the high-volume topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    /** Released to stop a running platform; tests use it instead of Ctrl-C. */
    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        checkPort("--kafka-port", kafkaPort);
        checkPort("--registry-port", registryPort);
        checkPort("--controller-port", controllerPort);
        if (brokers < 1 || brokers > EmbeddedKafkaCluster.MAX_NODES) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '--brokers': " + brokers + " (1-" + EmbeddedKafkaCluster.MAX_NODES + ")");
        }
        if (node != null) {
            return runNode();
        }
        ThreatlineTopics topics;
        try {
            topics = new ThreatlineTopics(topicPrefix, partitions, (short) Math.min(3, brokers));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid --topic-prefix or --partitions: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Starting the local platform (data in " + dataDir.toAbsolutePath() + ") ...");
        out.flush();
        LocalPlatform platform = LocalPlatform.start(
                new LocalPlatform.Settings(dataDir, host, kafkaPort, registryPort, "_schemas", brokers),
                topics.coreTopics());
        StopSignal signal = new StopSignal("threatline", stop);
        try (platform) {
            Runtime rt = Runtime.getRuntime();
            out.printf(
                    "Threatline platform ready in %.1f s (heap used %d MiB)%n",
                    platform.startupTime().toMillis() / 1000.0, (rt.totalMemory() - rt.freeMemory()) >> 20);
            out.println("  Kafka bootstrap servers : " + platform.bootstrapServers());
            out.println("  Schema registry         : " + platform.registryUrl());
            out.println("  Topics                  : "
                    + String.join(
                            ", ",
                            topics.coreTopics().stream().map(t -> t.name()).toList()));
            out.println("  PID                     : "
                    + ManagementFactory.getRuntimeMXBean().getPid());
            out.println("Press Ctrl-C to stop.");
            out.flush();
            signal.await();
            out.println("Stopping ...");
            out.flush();
        } finally {
            out.println("Stopped.");
            out.flush();
            signal.close();
        }
        return 0;
    }

    /** One node of a cluster whose other nodes run in other JVMs. */
    private int runNode() throws InterruptedException {
        if (node < 1 || node > brokers) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "Invalid value for option '--node': " + node + " (1-" + brokers + ")");
        }
        if (kafkaPort == 0 || controllerPort == 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--node needs --kafka-port and --controller-port (not 0): every node must know where the others listen");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "Starting Kafka node " + node + " of " + brokers + " (data in " + dataDir.toAbsolutePath() + ") ...");
        out.flush();
        EmbeddedKafka kafka = EmbeddedKafkaCluster.startNode(
                EmbeddedKafkaSettings.inDirectory(dataDir.resolve("kafka"))
                        .withHost(host)
                        .withPorts(kafkaPort, controllerPort),
                brokers,
                node);
        StopSignal signal = new StopSignal("threatline", stop);
        try (kafka) {
            out.println("Kafka node " + node + " of " + brokers + " ready");
            out.println("  Kafka bootstrap servers : " + kafka.bootstrapServers());
            out.println("  PID                     : "
                    + ManagementFactory.getRuntimeMXBean().getPid());
            out.println("Press Ctrl-C to stop.");
            out.flush();
            signal.await();
        } finally {
            out.println("Stopped.");
            out.flush();
            signal.close();
        }
        return 0;
    }

    private void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Invalid value for option '" + option + "': " + port
                            + " is not a TCP port (0-65535; 0 picks a free one)");
        }
    }
}
