package io.threatline.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

import io.threatline.contract.AgreementScope;
import io.threatline.contract.DataKind;
import io.threatline.contract.PartnerAgreement;
import io.threatline.contract.Redaction;
import io.threatline.contract.Tlp;
import io.threatline.producer.publish.PublisherConfig;
import io.threatline.producer.publish.ThreatPublisher;
import io.threatline.producer.simulator.SensorSimulator;
import io.threatline.producer.simulator.SimulatorSettings;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;

/**
 * The hub's drain rate on a pre-loaded backlog: N simulated events (60 % duplicates) are published
 * first, with 3 partner agreements in place; then the hub (exactly-once v2) starts on them and the
 * clock runs until it has processed all N. Prints a Markdown row with events/s, heap and resident memory.
 *
 * <p>Usage: {@code HubDrain <bootstrap> <registry-url> <events> [threads]}; run by {@code bench/hub-drain.sh}.
 */
public final class HubDrain {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String registry = args[1];
        long events = Long.parseLong(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        String prefix = "drain-" + System.currentTimeMillis() + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, Integer.getInteger("partitions", 6), (short) 1);

        List<String> partners = List.of("europol-ec3", "interpol", "nca");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            List<NewTopic> all = new ArrayList<>(topics.coreTopics());
            partners.forEach(p -> all.addAll(topics.partnerTopics(p, Duration.ofDays(7))));
            io.threatline.platform.kafka.TopicProvisioner.ensure(admin, all);
        }
        writeAgreements(bootstrap, registry, topics, partners);

        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry);
        config.put(PublisherConfig.TOPIC, topics.sensorEvents());
        SimulatorSettings settings = SimulatorSettings.defaults().withSeed(11).withDuplicateShare(0.6)
            .withDistinctIndicators((int) Math.min(SimulatorSettings.MAX_DISTINCT_INDICATORS, events / 2))
            .withStartTime(Instant.now().minus(Duration.ofHours(1)));
        SensorSimulator simulator = new SensorSimulator(settings);
        long loadStart = System.nanoTime();
        try (ThreatPublisher publisher = new ThreatPublisher(config, null)) {
            for (long i = 0; i < events; i++) {
                publisher.publish(simulator.next());
            }
            publisher.flush();
        }
        System.err.printf("pre-loaded %,d events (%,d distinct indicators) in %.1f s%n", events,
            simulator.distinctIndicatorsEmitted(), (System.nanoTime() - loadStart) / 1e9);
        System.gc();

        Map<String, Object> hubSettings = new HashMap<>(config);
        hubSettings.remove(PublisherConfig.TOPIC);
        hubSettings.put(HubConfig.TOPIC_PREFIX, prefix);
        hubSettings.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "hub");
        hubSettings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        hubSettings.put("auto.offset.reset", "earliest");
        // -Dhub.<setting>=<value> passes any Kafka Streams or hub setting through, for tuning runs.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("hub."))
            .forEach(k -> hubSettings.put(k.substring(4), System.getProperty(k)));
        Path state = Files.createTempDirectory("hub-drain-state");
        // -Dprofile=<file.jfr> records a JFR profile of the drain only (not the pre-load).
        jdk.jfr.Recording recording = null;
        if (System.getProperty("profile") != null) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setDestination(Path.of(System.getProperty("profile")));
            recording.start();
        }
        try (HubApp hub = new HubApp(hubSettings, state)) {
            long start = System.nanoTime();
            hub.start();
            while (hub.counters().eventsIn.sum() < events) {
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (recording != null) {
                recording.stop();
                recording.close();
            }
            long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.gc();
            long heapLive = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            var c = hub.counters();
            System.out.println("| events | threads | seconds (incl. start-up) | events/s | duplicates | indicator changes | delivered | heap used / live after GC | resident (peak) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            System.out.printf("| %,d | %d | %.1f | %,.0f | %,d | %,d | %s | %,d / %,d MiB | %,d MiB |%n", events, threads, seconds,
                events / seconds, c.duplicates.sum(), c.indicatorChanges.sum(), c.deliveredByPartner(), heapUsed >> 20,
                heapLive >> 20, peakResidentMiB());
        }
    }

    private static void writeAgreements(String bootstrap, String registry, ThreatlineTopics topics, List<String> partners) throws Exception {
        ConfluentAvroSerializer<PartnerAgreement> values = new ConfluentAvroSerializer<>();
        values.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        try (KafkaProducer<String, PartnerAgreement> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", bootstrap), new StringSerializer(), values)) {
            Tlp[] ceilings = {Tlp.GREEN, Tlp.GREEN, Tlp.AMBER};
            for (int i = 0; i < partners.size(); i++) {
                PartnerAgreement a = PartnerAgreement.newBuilder().setPartnerId(partners.get(i)).setPartnerName(partners.get(i))
                    .setAgreementId("mou-" + partners.get(i)).setVersion(1).setValidFrom(Instant.parse("2026-01-01T00:00:00Z"))
                    .setDataKinds(List.of(i == 0 ? DataKind.STATISTICS : DataKind.INDICATORS)).setTlpCeiling(ceilings[i])
                    .setScope(AgreementScope.newBuilder().setMalwareFamilies(i == 2 ? List.of("Shylock") : List.of()).build())
                    .setRedaction(Redaction.newBuilder().build()).build();
                producer.send(new ProducerRecord<>(topics.agreements(), partners.get(i), a)).get();
            }
        }
    }

    private static long peakResidentMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
            }
        }
        return -1;
    }
}
