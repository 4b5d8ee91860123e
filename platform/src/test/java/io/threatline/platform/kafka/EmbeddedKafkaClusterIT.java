package io.threatline.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three KRaft nodes in this JVM: replication as a cluster needs it, and writes that go on with one node down. */
class EmbeddedKafkaClusterIT {

    @TempDir
    Path dataDir;

    @Test
    void shouldReplicateThreeWaysAndKeepCommittingTransactionsWithOneNodeDown() throws Exception {
        // Given a cluster of three nodes
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(EmbeddedKafkaSettings.inDirectory(dataDir), 3)) {
            assertThat(cluster.size()).isEqualTo(3);
            assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
            try (Admin admin = Admin.create(cluster.clientProperties())) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                                .map(Node::id)
                                .collect(Collectors.toSet()))
                        .containsExactlyInAnyOrder(1, 2, 3);
                // When a topic is created with the broker's defaults
                admin.createTopics(List.of(
                                new NewTopic("cluster-test", java.util.Optional.of(3), java.util.Optional.empty())))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                // Then it has three replicas of each partition, and writes need two of them
                assertThat(describe(admin, "cluster-test").partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "cluster-test");
                assertThat(admin.describeConfigs(List.of(resource))
                                .all()
                                .get(30, TimeUnit.SECONDS)
                                .get(resource)
                                .get("min.insync.replicas")
                                .value())
                        .isEqualTo("2");
            }
            commit(cluster.bootstrapServers(), "before");

            // When one node stops (the one leading partition 0, so that its leadership must move)
            int leader;
            try (Admin admin = Admin.create(cluster.clientProperties())) {
                leader = describe(admin, "cluster-test")
                        .partitions()
                        .get(0)
                        .leader()
                        .id();
            }
            cluster.stopNode(leader);

            // Then transactions still commit (two in-sync replicas of three), and every record is readable
            String survivors = cluster.bootstrapServers();
            assertThat(survivors.split(",")).hasSize(2);
            commit(survivors, "during");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", survivors))) {
                assertThat(describe(admin, "cluster-test").partitions())
                        .allSatisfy(p -> assertThat(p.leader().id()).isNotEqualTo(leader));
            }
            assertThat(EmbeddedKafkaIT.readCommitted(survivors, "cluster-test"))
                    .containsExactlyInAnyOrder("before=0", "before=1", "before=2", "during=0", "during=1", "during=2");

            // and the node comes back on its data and ports, and catches up
            cluster.startNode(leader);
            try (Admin admin = Admin.create(cluster.clientProperties())) {
                Awaitility.await("the restarted node in sync again")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(describe(admin, "cluster-test").partitions().stream()
                                        .filter(p -> p.isr().stream().anyMatch(n -> n.id() == leader))
                                        .map(TopicPartitionInfo::partition)
                                        .collect(Collectors.toSet()))
                                .as("partitions where the restarted node is in sync again")
                                .hasSize(3));
            }
        }

        // and a restart of the whole cluster on the same directory keeps its layout and data
        try (EmbeddedKafkaCluster again = EmbeddedKafkaCluster.start(EmbeddedKafkaSettings.inDirectory(dataDir), 3)) {
            assertThat(EmbeddedKafkaIT.readCommitted(again.bootstrapServers(), "cluster-test"))
                    .hasSize(6);
        }
    }

    @Test
    void shouldRefuseADataDirectoryOfAnotherSizeNamingIt() throws Exception {
        // Given the layout of a cluster of three (as its first start writes it)
        EmbeddedKafkaCluster.layout(EmbeddedKafkaSettings.inDirectory(dataDir), 3, false);
        assertThat(dataDir.resolve(EmbeddedKafkaCluster.LAYOUT)).exists();

        // Then starting one node, or five, on it fails before any node starts, saying what the directory holds
        assertThatThrownBy(() -> EmbeddedKafkaCluster.start(EmbeddedKafkaSettings.inDirectory(dataDir), 1))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("cluster of 3 node(s), not 1")
                .hasMessageContaining(dataDir.toAbsolutePath().toString());
        assertThatThrownBy(() -> EmbeddedKafkaCluster.start(EmbeddedKafkaSettings.inDirectory(dataDir), 5))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("not 5");
        // and a single node's directory is not taken for a cluster
        Path single = dataDir.resolve("single");
        Files.createDirectories(single.resolve("log"));
        Files.writeString(single.resolve("log").resolve("meta.properties"), "node.id=1\n");
        assertThatThrownBy(() -> EmbeddedKafkaCluster.start(EmbeddedKafkaSettings.inDirectory(single), 3))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("holds a single Kafka node");
    }

    @Test
    void shouldRefuseALayoutFileItDidNotWriteNamingIt() throws Exception {
        // A cluster.properties truncated, edited into nonsense or claiming two billion nodes stops start-up, named
        for (String content : List.of(
                "cluster.id=x\nnodes=3\nnode.1.broker.port=1\n",
                "nodes=3\n",
                "cluster.id=x\nnodes=2000000000\n",
                "\u0000\u0001 not properties at all")) {
            Files.writeString(dataDir.resolve(EmbeddedKafkaCluster.LAYOUT), content);
            assertThatThrownBy(() -> EmbeddedKafkaCluster.start(EmbeddedKafkaSettings.inDirectory(dataDir), 3))
                    .as(content)
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining(EmbeddedKafkaCluster.LAYOUT)
                    .hasMessageContaining("is not a cluster layout Threatline wrote");
        }
    }

    @Test
    void shouldAgreeOnOneLayoutInEveryJvmWhenThePortsAreGiven() {
        // Nodes started in their own JVMs compute the layout each on its own: the same ports and cluster id
        EmbeddedKafkaSettings given =
                EmbeddedKafkaSettings.inDirectory(dataDir.resolve("a")).withPorts(19092, 19192);
        EmbeddedKafkaCluster.Layout a = EmbeddedKafkaCluster.layout(given, 3, true);
        EmbeddedKafkaCluster.Layout b = EmbeddedKafkaCluster.layout(
                EmbeddedKafkaSettings.inDirectory(dataDir.resolve("b")).withPorts(19092, 19192), 3, true);
        assertThat(a).isEqualTo(b);
        assertThat(a.voters()).isEqualTo("1@localhost:19192,2@localhost:19193,3@localhost:19194");
        assertThat(a.bootstrapServers()).isEqualTo("localhost:19092,localhost:19093,localhost:19094");
        // and other ports make another cluster
        assertThat(EmbeddedKafkaCluster.layout(
                                EmbeddedKafkaSettings.inDirectory(dataDir.resolve("c"))
                                        .withPorts(29092, 29192),
                                3,
                                true)
                        .clusterId())
                .isNotEqualTo(a.clusterId());
        assertThatThrownBy(() -> EmbeddedKafkaCluster.startNode(EmbeddedKafkaSettings.inDirectory(dataDir), 3, 2))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("needs its cluster's first client and controller ports");
    }

    /**
     * The topic as the cluster describes it, once the node asked knows it: a topic just created is
     * known to the controller first and reaches each broker's metadata a moment later.
     */
    private static TopicDescription describe(Admin admin, String topic) {
        return org.awaitility.Awaitility.await("metadata of " + topic + " on every node")
                .atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class)
                .until(
                        () -> admin.describeTopics(List.of(topic))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(topic),
                        d -> d != null);
    }

    /** Three records, one per partition, keyed {@code <key>} with values 0..2, in one committed transaction. */
    private static void commit(String bootstrap, String key) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-it-" + key);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int partition = 0; partition < 3; partition++) {
                producer.send(new ProducerRecord<>("cluster-test", partition, key, Integer.toString(partition)));
            }
            producer.commitTransaction();
        }
    }
}
