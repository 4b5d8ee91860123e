package io.threatline.bench;

import io.threatline.bench.report.ResultLine;
import io.threatline.platform.kafka.TopicProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The floor under the hub's drain rate: a Kafka Streams application that does nothing but copy
 * the backlog's sensor events, as bytes, to another topic with the same partitions, exactly-once
 * v2, with the client settings the hub uses — so the hub's rate divided by this one is the share
 * of what Kafka on this machine allows that the hub achieves. Timed like {@link HubRun}: from start
 * (start-up included) until every event has gone through.
 *
 * <p>Usage: {@code PassThroughDrain <bootstrap> <backlog-prefix> <events> [--threads=1]}. {@link HubDrain}
 * runs it before the hub, on the same backlog, with {@code --passthrough}.
 */
public final class PassThroughDrain {

    private PassThroughDrain() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = BenchArgs.parse(argv).checkNoOtherOptions("threads");
        String prefix = args.positional(1, "backlog prefix");
        long events = Long.parseLong(args.positional(2, "events"));
        double seconds = run(args.positional(0, "bootstrap servers"), prefix, events, (int) args.option("threads", 1L))
                .seconds();
        System.out.println(ResultLine.of(
                        "passthrough-drain-" + events,
                        events / seconds,
                        "events/s",
                        String.format("pass-through Kafka Streams copy (EOS v2), %,d events", events))
                .format());
    }

    /** The copy: sensor events in, the same bytes out. */
    static Topology topology(String input, String output, LongAdder copied) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .peek((k, v) -> copied.increment())
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    /** How long the copy took, start-up included, and the CPU it cost. */
    record Outcome(double seconds, CpuMeter.Spent cpu) {}

    /** Copies the backlog under {@code prefix}. */
    static Outcome run(String bootstrap, String prefix, long events, int threads) throws Exception {
        String input = Backlog.topics(prefix, 1).sensorEvents();
        String output = prefix + "passthrough.v1";
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            int partitions = admin.describeTopics(List.of(input))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(input)
                    .partitions()
                    .size();
            TopicProvisioner.ensure(admin, List.of(new NewTopic(output, partitions, Backlog.replication())));
        }
        Path state = Files.createTempDirectory("passthrough-state");
        LongAdder copied = new LongAdder();
        try (KafkaStreams streams = new KafkaStreams(
                topology(input, output, copied), properties(bootstrap, prefix + "passthrough", threads, state))) {
            CpuMeter meter = CpuMeter.start();
            long start = System.nanoTime();
            streams.start();
            DrainProgress.await("pass-through copy", copied::sum, streams::state, events, start);
            return new Outcome((System.nanoTime() - start) / 1e9, meter.stop());
        } finally {
            ProcessMemory.deleteRecursively(state);
        }
    }

    /**
     * Exactly-once v2 and the client settings HubApp gives the hub (lz4, 20 ms linger, 256 KiB
     * batches, 2,000 records a poll), plus any {@code -Dhub.<setting>} a tuning run passes to both.
     */
    static Properties properties(String bootstrap, String applicationId, int threads, Path state) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        p.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        p.put(StreamsConfig.producerPrefix("linger.ms"), 20);
        p.put(StreamsConfig.producerPrefix("batch.size"), 262_144);
        p.put(StreamsConfig.consumerPrefix("max.poll.records"), 2_000);
        p.put("auto.offset.reset", "earliest");
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("hub.") && !k.startsWith("hub.threatline."))
                .forEach(k -> p.put(k.substring(4), System.getProperty(k)));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toAbsolutePath().toString());
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }
}
