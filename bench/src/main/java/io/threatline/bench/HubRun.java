package io.threatline.bench;

import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import io.threatline.streams.topology.HubCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
        Path state = Files.createTempDirectory("hub-state");
        jdk.jfr.Recording recording = null;
        if (System.getProperty("profile") != null) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setDestination(Path.of(System.getProperty("profile")));
            recording.start();
        }
        try {
            HubCounters c;
            double seconds;
            long heapUsed;
            long heapLive;
            long resident;
            CpuMeter.Spent cpu;
            try (HubApp hub = new HubApp(settings, state)) {
                CpuMeter meter = CpuMeter.start();
                long start = System.nanoTime();
                hub.start();
                c = hub.counters();
                // Done when every event has been through dedup (or was rejected before it): an event from a
                // vendor's topic is counted in by validation before the repartition brings it to dedup.
                DrainProgress.await(
                        "hub",
                        () -> c.rejectedCount() + c.suppressed.sum() + c.duplicates.sum() + c.indicatorChanges.sum(),
                        hub::state,
                        events,
                        start);
                seconds = (System.nanoTime() - start) / 1e9;
                cpu = meter.stop();
                if (recording != null) {
                    recording.stop();
                }
                whileRunning.accept(hub);
                heapUsed = ProcessMemory.heapUsedBytes();
                heapLive = ProcessMemory.heapLiveBytes();
                resident = ProcessMemory.residentBytes();
            }
            // Closed: the stores are flushed, so the directory holds the whole state.
            return new Outcome(
                    seconds,
                    c.eventsIn.sum(),
                    c.duplicates.sum(),
                    c.indicatorChanges.sum(),
                    c.rejectedCount(),
                    c.deliveredByPartner(),
                    heapUsed,
                    heapLive,
                    resident,
                    ProcessMemory.peakResidentBytes(),
                    ProcessMemory.diskBytes(state),
                    cpu);
        } finally {
            if (recording != null) {
                recording.close();
            }
            ProcessMemory.deleteRecursively(state);
        }
    }
}
