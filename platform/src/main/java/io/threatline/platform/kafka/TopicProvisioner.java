package io.threatline.platform.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a program declares, with their partitions and configuration, leaving the ones
 * that already exist alone. Knows nothing of which topics those are: the caller declares them.
 */
public final class TopicProvisioner {
    private static final Logger LOGGER = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {}

    /**
     * @return the names of the topics this call created
     * @throws IllegalStateException when the cluster refuses or does not answer, naming the topic
     */
    public static List<String> ensure(Admin admin, Collection<NewTopic> topics) {
        List<String> created = new ArrayList<>();
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return created;
            }
            var results = admin.createTopics(missing).values();
            for (NewTopic topic : missing) {
                try {
                    results.get(topic.name()).get(30, TimeUnit.SECONDS);
                    created.add(topic.name());
                    LOGGER.info(
                            "Created topic {} ({} partitions, {})",
                            topic.name(),
                            topic.numPartitions(),
                            topic.configs());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Cannot create topic " + topic.name() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
            awaitWritable(admin, created);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot list or create topics: " + e.getMessage(), e);
        }
    }

    /**
     * Sets {@code retention.ms} (and a {@code segment.ms} no longer than a day or the retention) on
     * topics that exist already, so that a changed retention applies to them too, not only to topics
     * created from now on.
     *
     * @throws IllegalStateException when the cluster refuses, naming the topics
     */
    public static void alignRetention(Admin admin, Collection<String> topics, java.time.Duration retention) {
        if (topics.isEmpty()) {
            return;
        }
        long ms = retention.toMillis();
        Map<org.apache.kafka.common.config.ConfigResource, Collection<org.apache.kafka.clients.admin.AlterConfigOp>>
                ops = new java.util.HashMap<>();
        for (String topic : topics) {
            ops.put(
                    new org.apache.kafka.common.config.ConfigResource(
                            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic),
                    List.of(
                            new org.apache.kafka.clients.admin.AlterConfigOp(
                                    new org.apache.kafka.clients.admin.ConfigEntry("retention.ms", Long.toString(ms)),
                                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET),
                            new org.apache.kafka.clients.admin.AlterConfigOp(
                                    new org.apache.kafka.clients.admin.ConfigEntry(
                                            "segment.ms", Long.toString(Math.min(ms, 86_400_000L))),
                                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)));
        }
        try {
            admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting the retention of " + topics, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Cannot set the retention of " + topics + " to " + retention + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns once every partition of {@code topics} answers a ListOffsets from its leader, that is
     * once the leader has applied the topic's creation. A write sent earlier can be refused with a
     * retriable NOT_LEADER_OR_FOLLOWER while a later one of the same idempotent producer is
     * accepted; before Kafka 4.5 (KAFKA-15591) the refused batch then never gets in and expires —
     * silent loss. Waiting here closes that window for every topic Threatline creates.
     */
    public static void awaitWritable(Admin admin, Collection<String> topics) throws InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> partitions = described.values().stream()
                        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                        .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()));
                admin.listOffsets(partitions).all().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                last = e;
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException(
                "Created topics " + topics + " but their leaders did not become ready within 30 s: "
                        + (last == null ? "no answer" : last.getMessage()),
                last);
    }
}
