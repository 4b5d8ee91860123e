package io.threatline.streams;

import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.SchemaRegistryClient;
import io.threatline.streams.enrich.ReferenceEnrichment;
import io.threatline.streams.errors.HubDeadLetters;
import io.threatline.streams.errors.HubProcessingErrors;
import io.threatline.streams.errors.HubProductionErrors;
import io.threatline.streams.errors.SensorInput;
import io.threatline.streams.topology.HubCounters;
import io.threatline.streams.topology.HubSerdes;
import io.threatline.streams.topology.HubTopology;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * The hub as a running Kafka Streams application: exactly-once (v2), the topology of
 * {@link HubTopology}, one registry client shared by all serdes, and {@link HubThreadFailures}
 * deciding what a failed stream thread means. Only wiring and lifecycle here.
 */
public final class HubApp implements AutoCloseable {

    public static final String DEFAULT_APPLICATION_ID = "threatline-hub";

    private final KafkaStreams streams;
    private final HubStateQuery stateQuery;
    private final HubCounters counters = new HubCounters();
    private final SchemaRegistryClient registry;

    /**
     * @param settings Kafka Streams settings ({@code bootstrap.servers}, security), serde settings
     *                 ({@code schema.registry.url}) and {@link HubConfig}'s; exactly-once is always on
     * @param stateDir where the stores live (RocksDB); kept across restarts
     */
    public HubApp(Map<String, Object> settings, Path stateDir) {
        this(settings, stateDir, java.time.Clock.systemUTC());
    }

    /**
     * With the clock the hub judges time by (docs/agreements.md, "Time is the hub's"): the system
     * clock in production; `threatline run` gives its simulated clock, and a test moves its own to
     * cross windows, periods and embargoes. Kafka Streams itself always runs on the system clock.
     */
    public HubApp(Map<String, Object> settings, Path stateDir, java.time.Clock clock) {
        HubConfig config = new HubConfig(settings);
        AvroSerdeConfig serdeConfig = new AvroSerdeConfig(settings);
        this.registry = serdeConfig.newClient();
        HubSerdes serdes = new HubSerdes(registry, Map.of());
        Topology topology = HubTopology.build(config, serdes, counters, ReferenceEnrichment.fromGlobalStores(), clock);
        Properties properties = streamsProperties(settings, stateDir);
        errorHandlers(properties, config, serdes, counters);
        this.streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(new HubThreadFailures(counters));
        this.stateQuery =
                new HubStateQuery(streams, HubStateQuery.self(properties.get(StreamsConfig.APPLICATION_SERVER_CONFIG)));
    }

    static Properties streamsProperties(Map<String, Object> settings, Path stateDir) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // Internal topics take the broker's default replication factor (1 on the local node, 3 on a cluster).
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.put(StreamsConfig.producerPrefix("compression.type"), "lz4");
        props.put(StreamsConfig.producerPrefix("linger.ms"), 20);
        props.put(StreamsConfig.producerPrefix("batch.size"), 262_144);
        props.put(StreamsConfig.consumerPrefix("max.poll.records"), 2_000);
        // Events reach dedup from two inputs (already keyed, and repartitioned); the repartition input is
        // nearly always empty, and waiting on it for timestamp order would stall every task on each fetch.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // Sensor input is a pattern (every vendor's own topic): a vendor added while the hub runs is read within 30 s.
        props.put(StreamsConfig.mainConsumerPrefix("metadata.max.age.ms"), 30_000);
        // What Kafka 5.0 will do by default: the global (agreements, reference) thread uses the processing
        // exception handler too — the default one fails, so a broken agreement stops the hub (fails closed).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        settings.forEach((k, v) -> {
            if (!k.startsWith(HubConfig.PREFIX) && !k.startsWith("schema.registry.") && !k.startsWith("basic.auth.")) {
                props.put(k, v);
            }
        });
        // Not negotiable: a crash and restart never emits a NEW twice nor loses one.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        Properties p = new Properties();
        p.putAll(props);
        return p;
    }

    /**
     * The hub's error handlers and what they need: what one sensor record breaks — its processing,
     * or the serialisation of what it produces — is dead-lettered, so that it cannot stop the hub
     * (docs/security.md). Public for the topology's tests, which run with the same handlers.
     */
    public static void errorHandlers(Properties properties, HubConfig config, HubSerdes serdes, HubCounters counters) {
        properties.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, HubProcessingErrors.class);
        properties.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, HubProductionErrors.class);
        properties.put(
                HubDeadLetters.CONFIG,
                new HubDeadLetters(
                        config.topics().deadLetter(),
                        serdes.deadLetter.serializer(),
                        counters,
                        new SensorInput(config.topics().sensorInputPattern())));
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public HubCounters counters() {
        return counters;
    }

    /**
     * Sensor events (and repartitioned ones) waiting for this instance: the sum of its main
     * consumers' per-partition {@code records-lag}, as Kafka's consumer metrics report it at its last
     * fetch; 0 before the first fetch.
     */
    public long inputLag() {
        double lag = 0;
        for (var e : streams.metrics().entrySet()) {
            org.apache.kafka.common.MetricName name = e.getKey();
            String client = name.tags().getOrDefault("client-id", "");
            if (name.name().equals("records-lag")
                    && name.group().equals("consumer-fetch-manager-metrics")
                    && name.tags().containsKey("partition")
                    && client.endsWith("-consumer")
                    && !client.endsWith("-restore-consumer")
                    && !client.endsWith("-global-consumer")
                    && e.getValue().metricValue() instanceof Double value
                    && !value.isNaN()) {
                lag += value;
            }
        }
        return (long) lag;
    }

    /** One indicator's state, read with interactive queries (here, or which instance has it). */
    public HubStateQuery stateQuery() {
        return stateQuery;
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        // A clean stop leaves the consumer group, so a restart (or the other instances) take the
        // tasks over at once instead of waiting out the session timeout of a member that is gone.
        streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                        org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(java.time.Duration.ofSeconds(30)));
        registry.close();
    }
}
