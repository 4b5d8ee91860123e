package io.threatline.bench;

import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the real hub ({@link HubApp}, exactly-once v2, its default settings) on a pre-loaded
 * backlog until it has taken in every event, and measures it: the time from start (start-up
 * included) to the last event in, the hub's counters, heap and resident memory, and the state
 * directory's size once closed. The state directory is deleted afterwards.
 *
 * <p>{@code -Dhub.<setting>=<value>} passes any Kafka Streams or {@code threatline.hub.*} setting
 * through, for tuning runs; {@code -Dprofile=<file.jfr>} records a JFR profile of the drain.
 */
final class HubRun {

    /** What one drain measured. Memory figures in bytes; -1 where unknown. */
    record Outcome(
            double seconds,
            long eventsIn,
            long duplicates,
            long indicatorChanges,
            long rejected,
            Map<String, Long> deliveredByPartner,
            long heapUsed,
            long heapLive,
            long resident,
            long peakResident,
            long stateDirBytes,
            CpuMeter.Spent cpu) {

        double eventsPerSecond() {
            return eventsIn / seconds;
        }

        long deliveredTotal() {
            return deliveredByPartner.values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private HubRun() {}

    /** The settings the hub runs with, for a backlog under {@code prefix}, as application {@code applicationId}. */
    static Map<String, Object> settings(
            String bootstrap, String registry, String prefix, String applicationId, int threads) {
        Map<String, Object> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry);
        s.put(HubConfig.TOPIC_PREFIX, prefix);
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        s.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        s.put("auto.offset.reset", "earliest");
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("hub."))
                .forEach(k -> s.put(k.substring(4), System.getProperty(k)));
        return s;
    }

    /**
     * Drains {@code events} events; {@code whileRunning} sees the running hub after the drain and
     * before the memory is measured and the hub closed (to read its stores, for instance).
     */
    static Outcome drain(Map<String, Object> settings, long events, Consumer<HubApp> whileRunning) throws Exception {
        int instances = Integer.getInteger("bench.hubInstances", 1);
        List<Path> states = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            states.add(Files.createTempDirectory("hub-state"));
        }
        jdk.jfr.Recording recording = null;
        if (System.getProperty("profile") != null) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setDestination(Path.of(System.getProperty("profile")));
            recording.start();
        }
        List<HubApp> hubs = new ArrayList<>();
        try {
            double seconds;
            long heapUsed;
            long heapLive;
            long resident;
            CpuMeter.Spent cpu;
            Map<String, Long> delivered = new java.util.TreeMap<>();
            long eventsIn;
            long duplicates;
            long changes;
            long rejected;
            try {
                // -Dbench.hubInstances=N: N instances of the hub (one application id, each its own Kafka Streams
                // client, group member and state directory) in this JVM, sharing the partitions as separate
                // processes would.
                for (Path dir : states) {
                    hubs.add(new HubApp(settings, dir));
                }
                CpuMeter meter = CpuMeter.start();
                long start = System.nanoTime();
                hubs.forEach(HubApp::start);
                // Done when every event has been through dedup (or was rejected before it): an event from a
                // vendor's topic is counted in by validation before the repartition brings it to dedup.
                DrainProgress.await(
                        instances == 1 ? "hub" : instances + " hub instances",
                        () -> hubs.stream()
                                .map(HubApp::counters)
                                .mapToLong(h -> h.rejectedCount()
                                        + h.suppressed.sum()
                                        + h.duplicates.sum()
                                        + h.indicatorChanges.sum())
                                .sum(),
                        () -> hubs.stream()
                                .map(HubApp::state)
                                .filter(s -> s != org.apache.kafka.streams.KafkaStreams.State.RUNNING
                                        && s != org.apache.kafka.streams.KafkaStreams.State.REBALANCING
                                        && s != org.apache.kafka.streams.KafkaStreams.State.CREATED)
                                .findFirst()
                                .orElse(hubs.get(0).state()),
                        events,
                        start);
                seconds = (System.nanoTime() - start) / 1e9;
                cpu = meter.stop();
                if (recording != null) {
                    recording.stop();
                }
                whileRunning.accept(hubs.get(0));
                heapUsed = ProcessMemory.heapUsedBytes();
                heapLive = ProcessMemory.heapLiveBytes();
                resident = ProcessMemory.residentBytes();
                eventsIn = hubs.stream()
                        .mapToLong(h -> h.counters().eventsIn.sum())
                        .sum();
                duplicates = hubs.stream()
                        .mapToLong(h -> h.counters().duplicates.sum())
                        .sum();
                changes = hubs.stream()
                        .mapToLong(h -> h.counters().indicatorChanges.sum())
                        .sum();
                rejected = hubs.stream()
                        .mapToLong(h -> h.counters().rejectedCount())
                        .sum();
                hubs.forEach(
                        h -> h.counters().deliveredByPartner().forEach((p, n) -> delivered.merge(p, n, Long::sum)));
            } finally {
                for (HubApp hub : hubs) {
                    hub.close();
                }
            }
            // Closed: the stores are flushed, so the directory holds the whole state.
            return new Outcome(
                    seconds,
                    eventsIn,
                    duplicates,
                    changes,
                    rejected,
                    delivered,
                    heapUsed,
                    heapLive,
                    resident,
                    ProcessMemory.peakResidentBytes(),
                    states.stream().mapToLong(ProcessMemory::diskBytes).sum(),
                    cpu);
        } finally {
            if (recording != null) {
                recording.close();
            }
            states.forEach(ProcessMemory::deleteRecursively);
        }
    }
}
