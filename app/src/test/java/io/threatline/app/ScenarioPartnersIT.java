package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.streams.HubApp;
import io.threatline.streams.HubConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The scenario end to end on a real broker: the example agreements applied with the command, family
 * aliases loaded with the command, a simulated fleet publishing, the hub running — and each partner
 * gets what its agreement grants and nothing else.
 */
class ScenarioPartnersIT {

    @TempDir
    Path work;

    @Test
    void shouldGiveEachScenarioPartnerExactlyWhatItsAgreementGrants() throws Exception {
        // Given the scenario's agreements
        ThreatlineTopics topics = ScenarioTopics.withAgreements("scenario", 3);
        String prefix = topics.prefix();
        String[] connection = {
            "--bootstrap-servers",
            SharedPlatform.bootstrapServers(),
            "--schema-registry-url",
            SharedPlatform.registryUrl().toString()
        };

        // and the alias Caphaw -> Shylock
        Path galaxy = Files.writeString(
                work.resolve("galaxy.json"),
                "{\"name\": \"Malpedia\", \"type\": \"malpedia\", \"values\": ["
                        + "{\"value\": \"Shylock\", \"uuid\": \"0b3b0a00-0000-4000-8000-000000000001\", \"meta\": {\"synonyms\": [\"Caphaw\"]}}]}");
        assertThat(ScenarioTopics.run(
                        "reference",
                        "load",
                        "--kind",
                        "aliases",
                        galaxy.toString(),
                        "--topic-prefix",
                        prefix,
                        connection[0],
                        connection[1],
                        connection[2],
                        connection[3]))
                .isZero();

        // When the hub runs over a simulated fleet's events
        Map<String, Object> settings = new HashMap<>();
        settings.put("bootstrap.servers", SharedPlatform.bootstrapServers());
        settings.put(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                SharedPlatform.registryUrl().toString());
        settings.put(HubConfig.TOPIC_PREFIX, prefix);
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "hub");
        int events = 20_000;
        try (HubApp hub = new HubApp(settings, work.resolve("hub-state"))) {
            hub.start();
            assertThat(ScenarioTopics.run(
                            "simulate",
                            "--count",
                            Integer.toString(events),
                            "--rate",
                            "0",
                            "--seed",
                            "3",
                            "--malformed-share",
                            "0.01",
                            "--topic",
                            topics.sensorEvents(),
                            connection[0],
                            connection[1],
                            connection[2],
                            connection[3]))
                    .isZero();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> hub.counters().eventsIn.sum() >= events);
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.counters().rejectedCount() > 0);
        }

        // Then INTERPOL has indicators up to GREEN only, without providers or sensors, marked for redistribution
        // (what is shared; a REVOKE or EXPIRE that takes one back names the indicator only, checked below)
        List<PartnerIndicator> interpolAll = readAll(topics.partnerIndicators("interpol"));
        List<PartnerIndicator> interpol = shared(interpolAll);
        assertRetractionsNameOnlyWhatWasShared(interpolAll, Tlp.GREEN);
        assertThat(interpol).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getTlp()).isIn(Tlp.CLEAR, Tlp.GREEN);
            assertThat(r.getVendors()).isEmpty();
            assertThat(r.getSensors()).isEmpty();
            assertThat(r.getAgreementId()).isEqualTo("IGCI-THREATLINE-MOU-2026-01");
            assertThat(r.getRedistributionAllowed()).isTrue();
        });
        // the national agency has Shylock's indicators (reported as Shylock or Caphaw) up to AMBER and nothing else
        List<PartnerIndicator> ncaAll = readAll(topics.partnerIndicators("nca-operation-tovar"));
        List<PartnerIndicator> nca = shared(ncaAll);
        assertRetractionsNameOnlyWhatWasShared(ncaAll, Tlp.AMBER);
        assertThat(nca).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getMalwareFamilies()).contains("Shylock").doesNotContain("Caphaw");
            assertThat(r.getTlp()).isIn(Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER);
        });
        // and Europol EC3, granted statistics only, gets no indicator at all
        assertThat(readAll(topics.partnerIndicators("europol-ec3"))).isEmpty();

        // When an operator asks about an indicator the national agency got at AMBER, pasting it defanged
        PartnerIndicator amber =
                nca.stream().filter(r -> r.getTlp() == Tlp.AMBER).findFirst().orElseThrow();
        String defanged = amber.getValue().replace(".", "[.]");
        String[] where = {"--topic-prefix", prefix, connection[0], connection[1], connection[2], connection[3]};
        Output shown = output(concat(new String[] {"indicators", "show", defanged}, where));
        // Then show finds it and names every partner with the hub's own decision
        System.out.println(shown.text());
        assertThat(shown.exit()).as(shown.text()).isZero();
        assertThat(shown.text())
                .contains(amber.getIndicatorId(), "TLP:", "interpol", "nca-operation-tovar", "europol-ec3")
                .contains("now withheld under IGCI-THREATLINE-MOU-2026-01 v1: ABOVE_TLP_CEILING");
        // and explain gives INTERPOL's reason (its ceiling is GREEN) and Europol's (statistics only)
        Output interpolWhy =
                output(concat(new String[] {"indicators", "explain", defanged, "--partner", "interpol"}, where));
        assertThat(interpolWhy.exit()).as(interpolWhy.text()).isZero();
        assertThat(interpolWhy.text()).contains("interpol: now withheld", "ABOVE_TLP_CEILING", "GREEN");
        Output europolWhy =
                output(concat(new String[] {"indicators", "explain", defanged, "--partner", "europol-ec3"}, where));
        assertThat(europolWhy.text()).contains("europol-ec3: now withheld", "KIND_NOT_GRANTED");
        // and an indicator the hub never saw is unknown, exit 3
        Output unknown = output(concat(new String[] {"indicators", "show", "never-seen[.]example[.]com"}, where));
        assertThat(unknown.exit()).as(unknown.text()).isEqualTo(3);
        assertThat(unknown.text()).contains("domain:never-seen.example.com: unknown");
    }

    private record Output(int exit, String text) {}

    private static Output output(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return new Output(cli.execute(args), out.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The records that share an indicator (NEW, UPDATE), not those that take one back. */
    private static List<PartnerIndicator> shared(List<PartnerIndicator> records) {
        return records.stream()
                .filter(r -> r.getAction() == LifecycleAction.NEW || r.getAction() == LifecycleAction.UPDATE)
                .toList();
    }

    /**
     * Each REVOKE or EXPIRE follows a NEW of the same indicator, carries no sources and a marking at or
     * below the partner's ceiling (one that takes back what left the scope names the indicator only).
     */
    private static void assertRetractionsNameOnlyWhatWasShared(List<PartnerIndicator> records, Tlp ceiling) {
        java.util.Set<String> held = new java.util.HashSet<>();
        for (PartnerIndicator r : records) {
            if (r.getAction() == LifecycleAction.NEW) {
                held.add(r.getIndicatorId());
            } else if (r.getAction() == LifecycleAction.REVOKE || r.getAction() == LifecycleAction.EXPIRE) {
                assertThat(held.remove(r.getIndicatorId()))
                        .as("%s of a held indicator", r.getAction())
                        .isTrue();
                assertThat(r.getVendors()).isEmpty();
                assertThat(r.getSensors()).isEmpty();
                assertThat(io.threatline.schemas.tlp.Tlp2.atOrBelow(r.getTlp(), ceiling))
                        .isTrue();
            }
        }
    }

    private static List<PartnerIndicator> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedPlatform.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "scenario-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ConfluentAvroDeserializer<PartnerIndicator> values = new ConfluentAvroDeserializer<>();
        values.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString(),
                        AvroSerdeConfig.SPECIFIC_AVRO_READER,
                        true),
                false);
        List<PartnerIndicator> records = new ArrayList<>();
        try (KafkaConsumer<String, PartnerIndicator> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long quietSince = System.nanoTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3) && System.nanoTime() < deadline) {
                var batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    quietSince = System.nanoTime();
                    batch.forEach(r -> records.add(r.value()));
                }
            }
        }
        return records;
    }
}
