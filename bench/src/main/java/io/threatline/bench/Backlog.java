package io.threatline.bench;

import io.threatline.platform.kafka.TopicProvisioner;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * A pre-loaded backlog for the hub benchmarks: Threatline's topics under their own prefix, the
 * standard three agreements, and N simulated sensor events (a given duplicate share, 20 % defanged)
 * published through {@link ThreatPublisher} as a sensor would, every one acknowledged.
 *
 * <p>Usage: {@code Backlog <bootstrap> <registry-url> <prefix> <events> [--duplicates=0.6]
 * [--partitions=6] [--seed=11]}, or {@code Backlog <bootstrap> delete <prefix>} to delete every
 * topic under a prefix (so a long run frees the broker's disk as it goes).
 */
public final class Backlog {

    public static final int DEFAULT_PARTITIONS = 6;
    public static final double DEFAULT_DUPLICATES = 0.6;

    /** What was loaded. */
    public record Loaded(String prefix, long events, long distinctIndicators, double seconds) {}

    private Backlog() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = BenchArgs.parse(argv);
        if ("delete".equals(args.positional(1, "registry URL or 'delete'"))) {
            args.checkNoOtherOptions();
            deleteTopics(args.positional(0, "bootstrap servers"), args.positional(2, "prefix"));
            return;
        }
        args.checkNoOtherOptions("duplicates", "partitions", "seed");
        load(
                args.positional(0, "bootstrap servers"),
                args.positional(1, "registry URL"),
                args.positional(2, "prefix"),
                Long.parseLong(args.positional(3, "events")),
                args.option("duplicates", DEFAULT_DUPLICATES),
                (int) args.option("partitions", DEFAULT_PARTITIONS),
                args.option("seed", 11L),
                System.out);
    }

    /**
     * The topics of a backlog under {@code prefix}, with {@code -Dbench.replication} replicas (1 by
     * default; 3 on a cluster of three, {@code BROKERS=3} in the bench scripts).
     */
    public static ThreatlineTopics topics(String prefix, int partitions) {
        return new ThreatlineTopics(prefix, partitions, replication());
    }

    /** Replicas of the topics a bench creates: {@code -Dbench.replication}, 1 by default. */
    public static short replication() {
        return (short) Integer.getInteger("bench.replication", 1).intValue();
    }

    /** Creates the core topics and the standard agreements' topics under {@code prefix}, and writes those agreements. */
    public static ThreatlineTopics prepare(String bootstrap, String registry, String prefix, int partitions)
            throws Exception {
        ThreatlineTopics topics = topics(prefix, partitions);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            // Waits until every new partition takes writes (KAFKA-15591), before the idempotent publisher writes.
            TopicProvisioner.ensure(admin, topics.coreTopics());
        }
        BenchAgreements.apply(bootstrap, registry, topics, BenchAgreements.standard());
        return topics;
    }

    public static Loaded load(
            String bootstrap,
            String registry,
            String prefix,
            long events,
            double duplicateShare,
            int partitions,
            long seed,
            PrintStream out)
            throws Exception {
        return load(bootstrap, registry, prefix, events, duplicateShare, partitions, seed, false, out);
    }

    /**
     * @param vendorTopics each event to its vendor's own topic ({@code <prefix>vendor.<vendor>.events.v1}),
     *                     as authenticated sensors publish, instead of the shared sensor-events topic
     */
    public static Loaded load(
            String bootstrap,
            String registry,
            String prefix,
            long events,
            double duplicateShare,
            int partitions,
            long seed,
            boolean vendorTopics,
            PrintStream out)
            throws Exception {
        ThreatlineTopics topics = prepare(bootstrap, registry, prefix, partitions);
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry);
        ShardedSimulator simulator = new ShardedSimulator(seed, events, duplicateShare);
        long start = System.nanoTime();
        Map<String, ThreatPublisher> publishers = new HashMap<>();
        try {
            for (long i = 0; i < events; i++) {
                var event = simulator.get();
                String topic = vendorTopics ? topics.vendorEvents(event.getVendor()) : topics.sensorEvents();
                ThreatPublisher publisher = publishers.get(topic);
                if (publisher == null) {
                    if (vendorTopics) {
                        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
                            TopicProvisioner.ensure(admin, List.of(topics.vendorEventsTopic(event.getVendor())));
                        }
                    }
                    Map<String, Object> own = new HashMap<>(config);
                    own.put(PublisherConfig.TOPIC, topic);
                    publisher = new ThreatPublisher(own, null);
                    publishers.put(topic, publisher);
                }
                publisher.publish(event);
            }
            long sent = 0;
            for (ThreatPublisher publisher : publishers.values()) {
                publisher.flush();
                sent += publisher.metrics().sentCount();
            }
            if (sent != events) {
                throw new IllegalStateException("only " + sent + " of " + events + " events were acknowledged");
            }
        } finally {
            publishers.values().forEach(ThreatPublisher::close);
        }
        Loaded loaded =
                new Loaded(prefix, events, simulator.distinctIndicatorsEmitted(), (System.nanoTime() - start) / 1e9);
        out.printf(
                "pre-loaded %,d events (%,d distinct indicators, %d shard(s)) under %s in %.1f s%n",
                events, loaded.distinctIndicators(), simulator.shards(), prefix, loaded.seconds());
        return loaded;
    }

    /** Deletes every topic whose name starts with {@code prefix} (and the Streams topics of apps named after it). */
    public static void deleteTopics(String bootstrap, String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<String> mine = names.stream().filter(n -> n.startsWith(prefix)).toList();
            if (!mine.isEmpty()) {
                admin.deleteTopics(mine).all().get(60, TimeUnit.SECONDS);
            }
            System.err.printf("deleted %d topics under %s%n", mine.size(), prefix);
        }
    }
}
