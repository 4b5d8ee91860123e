package io.threatline.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.threatline.app.faults.SensorFeed.Sighting;
import io.threatline.contract.AgreementScope;
import io.threatline.contract.ChannelSettings;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.Tlp;
import io.threatline.platform.kafka.FreePorts;
import io.threatline.platform.runtime.KafkaBackedRegistry;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of three Kafka nodes, each in its own JVM ({@code threatline platform --brokers 3 --node k}),
 * with two hub instances (one application, a standby replica of each task) and two delivery services
 * (sharing the partner's JSON mirror channel: one consumer group, one audit sequencer) in JVMs of
 * their own and sensors publishing: one node killed with SIGKILL and started again, then every node
 * restarted one after the other (a rolling restart, each waiting until the cluster has all its
 * replicas in sync again, as an operator would), then one hub instance killed with SIGKILL, its
 * tasks moving to the other, then one delivery service killed with SIGKILL, its partitions moving to
 * the other. Every indicator reaches the partner exactly once as NEW (read_committed), nothing is
 * dead-lettered, every partner record reaches the JSON mirror at least once, the partner's receipts
 * are one intact chain that covers every record, and the test reports how long the pipeline went
 * without delivering after each failure.
 *
 * <p>The schema registry runs in the test's JVM, on the cluster, so that it is not among what fails.
 */
class ClusterFailuresIT {

    private static final String PARTNER = "interpol";
    private static final int NODES = 3;

    @RegisterExtension
    final ChildJvms jvms = new ChildJvms("ClusterFailuresIT");

    @TempDir
    Path work;

    @Test
    void shouldDeliverEveryIndicatorOnceThroughABrokerKilledAndARollingRestart() throws Exception {
        FaultSeed seed = FaultSeed.forTest("ClusterFailuresIT");
        Random random = seed.random();

        // Given three Kafka nodes in their own JVMs, on ports chosen now so that each can restart on its own
        int kafkaPort = consecutiveFreePorts(NODES, -1);
        int controllerPort = consecutiveFreePorts(NODES, kafkaPort);
        List<ChildJvm> nodes = new ArrayList<>();
        for (int node = 1; node <= NODES; node++) {
            nodes.add(jvms.start("kafka-" + node, 512, nodeArgs(node, kafkaPort, controllerPort)));
        }
        for (ChildJvm node : nodes) {
            node.awaitLine("Press Ctrl-C to stop", Duration.ofSeconds(180));
        }
        String bootstrap = List.of(0, 1, 2).stream()
                .map(i -> "localhost:" + (kafkaPort + i))
                .collect(Collectors.joining(","));
        ThreatlineTopics topics = TestCluster.freshTopics("cluster").withReplicationFactor((short) 3);
        String prefix = topics.prefix();
        try (KafkaBackedRegistry registry = KafkaBackedRegistry.start(
                bootstrap, "localhost", 0, prefix + "schemas", (short) 3, Map.of(), Optional.empty())) {
            TestCluster cluster = new TestCluster(bootstrap, registry.url().toString());
            cluster.createTopics(topics, List.of(PARTNER));
            cluster.createTopics(List.of(topics.partnerIndicatorsJsonTopic(PARTNER, Duration.ofDays(7))));
            cluster.putAgreements(
                    topics,
                    List.of(TestCluster.agreement(
                            PARTNER,
                            Tlp.RED,
                            AgreementScope.newBuilder().build(),
                            List.of(ChannelSettings.newBuilder()
                                    .setChannel(DeliveryChannel.KAFKA)
                                    .setSettings(Map.of("format", "json"))
                                    .build()))));
            assertThat(describe(bootstrap, topics.sensorEvents()).partitions())
                    .as("replicas of the sensor events' partitions")
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));

            try (SensorFeed feed = new SensorFeed(cluster.publisherConfig(topics), "cluster", 300);
                    PartnerFeeds partners =
                            new PartnerFeeds(bootstrap, cluster.registryUrl(), topics, List.of(PARTNER))) {
                // and two hub instances in their own JVMs delivering while sensors publish
                feed.publishBacklog(300);
                feed.start();
                List<ChildJvm> hubs = new ArrayList<>();
                for (String instance : List.of("a", "b")) {
                    List<String> args = new ArrayList<>(cluster.hubArgs(prefix, work.resolve("hub-state-" + instance)));
                    args.addAll(List.of("--set", "num.standby.replicas=1"));
                    hubs.add(jvms.start("hub-" + instance, 512, args));
                }
                partners.awaitNewsBeyond(50, "the hubs delivering (" + seed + ")");
                // and two delivery services sharing the partner's JSON mirror, each holding some of its partitions
                String deliveryGroup = prefix + "deliver." + PARTNER + ".kafka";
                List<ChildJvm> deliveries = new ArrayList<>();
                for (String instance : List.of("a", "b")) {
                    deliveries.add(jvms.start("deliver-" + instance, 256, deliverArgs(cluster, prefix)));
                }
                awaitMembersHolding(
                        bootstrap, deliveryGroup, topics.partnerIndicators(PARTNER), 2, Duration.ofSeconds(120));
                List<String> report = new ArrayList<>();

                // When one node, drawn from the seed, is killed -9 while the hub delivers, and started again
                int victim = 1 + random.nextInt(NODES);
                long downMs = 1_000 + random.nextInt(4_000);
                nodes.get(victim - 1).kill();
                report.add(String.format(
                        "node %d killed -9: delivering again after %.1f s",
                        victim, secondsUntilDeliveringAgain(partners, "after node " + victim + " was killed")));
                // The outage itself lasts a drawn while: nothing to wait for, the node is meant to stay down.
                Thread.sleep(downMs);
                nodes.set(victim - 1, restart(victim, kafkaPort, controllerPort));
                awaitAllInSync(bootstrap, Duration.ofSeconds(120));

                // and every node is restarted in turn, each once the cluster is whole again
                for (int node = 1; node <= NODES; node++) {
                    assertThat(nodes.get(node - 1).stop())
                            .as("exit code of node %d, stopped with SIGTERM", node)
                            .isIn(0, ChildJvm.SIGTERM_EXIT);
                    report.add(String.format(
                            "rolling restart, node %d stopped: delivering again after %.1f s",
                            node, secondsUntilDeliveringAgain(partners, "after node " + node + " stopped")));
                    nodes.set(node - 1, restart(node, kafkaPort, controllerPort));
                    awaitAllInSync(bootstrap, Duration.ofSeconds(120));
                }
                // and one hub instance, drawn from the seed, is killed -9: the other takes over its tasks
                int deadHub = random.nextInt(2);
                hubs.get(deadHub).kill();
                long killedAt = System.nanoTime();
                double delivering = secondsUntilDeliveringAgain(partners, "after a hub instance was killed");
                awaitOneMemberHoldingAll(bootstrap, prefix + "hub", topics.sensorEvents(), Duration.ofSeconds(120));
                report.add(String.format(
                        "hub instance %d of 2 killed -9: delivering again after %.1f s, all its tasks on the other after %.1f s",
                        deadHub + 1, delivering, (System.nanoTime() - killedAt) / 1e9));
                ChildJvm hub = hubs.get(1 - deadHub);

                // and one delivery service, drawn from the seed, is killed -9: the other takes over its partitions
                int deadDelivery = random.nextInt(2);
                deliveries.get(deadDelivery).kill();
                killedAt = System.nanoTime();
                awaitMembersHolding(
                        bootstrap, deliveryGroup, topics.partnerIndicators(PARTNER), 1, Duration.ofSeconds(120));
                report.add(String.format(
                        "delivery service %d of 2 killed -9: all its partitions on the other after %.1f s",
                        deadDelivery + 1, (System.nanoTime() - killedAt) / 1e9));
                ChildJvm delivery = deliveries.get(1 - deadDelivery);
                String context = seed + ", node " + victim + " down " + downMs + " ms; " + String.join("; ", report);
                report.forEach(line -> System.out.println("[faults] " + line));

                // Then the hub delivered everything without a restart
                SensorFeed.Outcome outcome = feed.finish();
                context += ", " + outcome.published().size() + " indicators published";
                assertThat(outcome.failures())
                        .as("reports the publisher could not get in (%s)", context)
                        .isEmpty();
                Set<String> expected =
                        outcome.published().stream().map(Sighting::id).collect(Collectors.toSet());
                partners.awaitAll(
                        Map.of(PARTNER, expected),
                        () -> cluster.lag(prefix + "hub", topics.sensorEvents()) == 0,
                        context);
                assertThat(hub.isAlive())
                        .as("the other hub instance outlived the failures (%s)", context)
                        .isTrue();
                assertThat(hub.stop())
                        .as("exit code of the hub, stopped with SIGTERM (%s)", context)
                        .isIn(0, ChildJvm.SIGTERM_EXIT);
                partners.readToEnd();

                // and nothing was lost, nothing delivered twice, nothing dead-lettered
                System.out.printf(
                        "[faults] %s; %d expected, %d records%n",
                        context, expected.size(), partners.of(PARTNER).records());
                partners.assertEachGrantedNewExactlyOnce(PARTNER, expected, context);
                cluster.assertHubReadAllAndNothingDeadLettered(prefix + "hub", topics, context);

                // and every partner record reached the JSON mirror at least once, through one delivery service or the
                // other
                Set<String> onPartnerTopic = Set.copyOf(partners.of(PARTNER).deliveryIds());
                String mirror = topics.partnerIndicatorsJson(PARTNER);
                Awaitility.await("the surviving delivery service mirroring every partner record (" + context + ")")
                        .atMost(Duration.ofSeconds(180))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() ->
                                JsonMirror.copies(bootstrap, mirror).keySet().containsAll(onPartnerTopic));
                assertThat(delivery.stop())
                        .as("exit code of the delivery service, stopped with SIGTERM (%s)", context)
                        .isIn(0, ChildJvm.SIGTERM_EXIT);
                Map<String, Integer> mirrored = JsonMirror.copies(bootstrap, mirror);
                System.out.printf(
                        "[faults] %d partner records, %d mirrored more than once (%s)%n",
                        onPartnerTopic.size(),
                        mirrored.values().stream().filter(n -> n > 1).count(),
                        context);
                assertThat(first(missing(mirrored.keySet(), onPartnerTopic)))
                        .as("mirrored records that are not on the partner topic (%s)", context)
                        .isEmpty();

                // and the partner's receipts, written by both services, are one intact chain covering every record
                assertAuditChainCovers(cluster, prefix, topics, onPartnerTopic, context);
            }
        }
        for (ChildJvm node : nodes) {
            assertThat(node.stop()).isIn(0, ChildJvm.SIGTERM_EXIT);
        }
    }

    /** {@code threatline deliver} of the partner's Kafka (JSON mirror) channel; every instance in one group. */
    private static List<String> deliverArgs(TestCluster cluster, String prefix) {
        List<String> args = new ArrayList<>(List.of("deliver"));
        args.addAll(cluster.connectionArgs());
        args.addAll(List.of(
                "--topic-prefix",
                prefix,
                "--partner",
                PARTNER,
                "--channel",
                "kafka",
                "--ops-port",
                "-1",
                "--set",
                "threatline.delivery.group.prefix=" + prefix + "deliver",
                "--set",
                "threatline.delivery.batch.max.records=50",
                "--set",
                "session.timeout.ms=6000"));
        return args;
    }

    /**
     * `audit verify` finds the partner's chain intact, and its receipts' offsets cover every record of
     * the partner topic: whichever service delivered a record, its receipt is in the one chain.
     */
    private static void assertAuditChainCovers(
            TestCluster cluster, String prefix, ThreatlineTopics topics, Set<String> records, String context)
            throws Exception {
        AuditChains.verifyIntact(cluster, prefix, PARTNER, context);
        List<DeliveryReceipt> receipts = AuditChains.receipts(cluster, topics);
        Set<String> covered = AuditChains.covered(receipts);
        long targets = receipts.stream()
                .map(DeliveryReceipt::getChannelTarget)
                .distinct()
                .count();
        System.out.printf("[faults] %d receipts in one chain (%s)%n", receipts.size(), context);
        assertThat(targets).as("channel targets receipted (%s)", context).isEqualTo(1);
        assertThat(first(missing(records, covered)))
                .as("partner records no receipt accounts for, the first 20 (%s)", context)
                .isEmpty();
    }

    private static Set<String> missing(Set<String> expected, Set<String> actual) {
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        return missing;
    }

    private static List<String> first(Set<String> ids) {
        return ids.stream().limit(20).toList();
    }

    private List<String> nodeArgs(int node, int kafkaPort, int controllerPort) {
        return List.of(
                "platform",
                "--data-dir",
                work.resolve("cluster").toString(),
                "--brokers",
                Integer.toString(NODES),
                "--node",
                Integer.toString(node),
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--controller-port",
                Integer.toString(controllerPort));
    }

    private ChildJvm restart(int node, int kafkaPort, int controllerPort) {
        ChildJvm started = jvms.start("kafka-" + node, 512, nodeArgs(node, kafkaPort, controllerPort));
        started.awaitLine("Press Ctrl-C to stop", Duration.ofSeconds(180));
        return started;
    }

    /** Seconds from now until the partner's next NEW: how long the pipeline stood still after a failure. */
    private static double secondsUntilDeliveringAgain(PartnerFeeds partners, String what) {
        long from = System.nanoTime();
        partners.awaitNewsBeyond(partners.newsTotal(), "the hub delivering " + what);
        return (System.nanoTime() - from) / 1e9;
    }

    /** Waits until one member of the group is left, holding every partition of {@code topic}. */
    private static void awaitOneMemberHoldingAll(String bootstrap, String group, String topic, Duration timeout)
            throws Exception {
        awaitMembersHolding(bootstrap, group, topic, 1, timeout);
    }

    /** Waits until the group has {@code members} members, each holding some of {@code topic}'s partitions, together all. */
    private static void awaitMembersHolding(String bootstrap, String group, String topic, int members, Duration timeout)
            throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            int partitions = describe(bootstrap, topic).partitions().size();
            Awaitility.await("group " + group + " as " + members + " member(s) sharing all of " + topic)
                    .atMost(timeout)
                    // until its first member joins, the group does not exist
                    .ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class)
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        List<Long> held = admin
                                .describeConsumerGroups(List.of(group))
                                .all()
                                .get(30, TimeUnit.SECONDS)
                                .get(group)
                                .members()
                                .stream()
                                .map(m -> m.assignment().topicPartitions().stream()
                                        .filter(tp -> tp.topic().equals(topic))
                                        .count())
                                .toList();
                        assertThat(held)
                                .as("partitions of %s held by each member", topic)
                                .hasSize(members);
                        assertThat(held)
                                .as("partitions of %s held by each member", topic)
                                .doesNotContain(0L);
                        assertThat(held.stream().mapToLong(Long::longValue).sum())
                                .as("partitions of %s held", topic)
                                .isEqualTo(partitions);
                    });
        }
    }

    /** Waits until every partition of every topic has all its replicas in sync: the cluster is whole again. */
    private static void awaitAllInSync(String bootstrap, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            Awaitility.await("every replica in sync")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                        assertThat(
                                        admin
                                                .describeTopics(names)
                                                .allTopicNames()
                                                .get(30, TimeUnit.SECONDS)
                                                .values()
                                                .stream()
                                                .flatMap(t -> t.partitions().stream()
                                                        .filter(p -> p.isr().size()
                                                                < p.replicas().size())
                                                        .map(p -> t.name() + "-" + p.partition()))
                                                .toList())
                                .as("under-replicated partitions")
                                .isEmpty();
                    });
        }
    }

    private static TopicDescription describe(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic);
        }
    }

    /**
     * The first of {@code n} consecutive free ports below the kernel's ephemeral range (a restarted
     * node takes its ports back, and clients' reconnections take ephemeral ports), none of them
     * within {@code n} of {@code not}.
     */
    private static int consecutiveFreePorts(int n, int not) throws java.io.IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralFrom = Files.exists(range)
                ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0])
                : 32768;
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int first = 10_000 + ThreadLocalRandom.current().nextInt(ephemeralFrom - 10_000 - n);
            if (not >= 0 && Math.abs(first - not) < n + 1) {
                continue;
            }
            boolean free = true;
            for (int port = first; port < first + n && free; port++) {
                free = FreePorts.isFree(port);
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no " + n + " consecutive free ports between 10000 and " + ephemeralFrom);
    }
}
