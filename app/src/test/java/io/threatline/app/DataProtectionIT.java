package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.contract.DeadLetter;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.ReceiptDirection;
import io.threatline.schemas.privacy.IndicatorKey;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroDeserializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import io.threatline.schemas.topics.TopicSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure on request (docs/data-protection.md) against `threatline run`: the real broker with SCRAM and
 * ACLs, the registry, the hub and delivery. An operator erases an indicator partners hold: it leaves
 * the hub's state, its tombstone is the last record of it in the indicators topic and compaction then
 * removes the rest, every holder gets an erased REVOKE, the files outbox keeps no other record of it,
 * the receipts name it by keyed hash only (and `audit verify --indicator` still finds it), and a
 * sensor sending it again is refused without the dead letter keeping it.
 */
class DataProtectionIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldEraseAnIndicatorEverywhereAndRefuseItAgainWhileTheErasureStands() throws Exception {
        RunInProcess run = RunInProcess.start(dataDir, 300);
        try {
            Path outbox = dataDir.resolve("outbox");
            String ops = run.ops();
            ThreatlineTopics topics = ThreatlineTopics.defaults();

            // Given an indicator INTERPOL holds now, an e-mail address when it holds one, whose delivery was receipted
            String[] chosen = new String[1];
            List<String> holders = new ArrayList<>();
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        List<String> candidates = heldByInterpol(outbox);
                        candidates.sort((a, b) -> Boolean.compare(b.startsWith("email:"), a.startsWith("email:")));
                        for (String id : candidates) {
                            List<String> now = heldBy(ops, id);
                            if (now.contains("interpol")) {
                                chosen[0] = id;
                                holders.clear();
                                holders.addAll(now);
                                return true;
                            }
                        }
                        return false;
                    });
            String id = chosen[0];
            String value = id.substring(id.indexOf(':') + 1);
            IndicatorKey key = IndicatorKey.read(dataDir.resolve("secrets/indicator-key"));
            Map<String, Object> client = run.operatorClient();
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> outboundRecordIds(client, topics).contains(key.ref(id)));

            // When the operator erases it
            String erased = run.asOperator(
                    "indicators",
                    "erase",
                    value,
                    "--reason",
                    "DPA request 2026-117",
                    "--operator",
                    "alice",
                    "--indicator-key",
                    dataDir.resolve("secrets/indicator-key").toString());
            assertThat(erased).contains("erased: " + id, key.ref(id));

            // Then the hub no longer holds it
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> "unknown"
                            .equals(RunInProcess.hubState(ops, id)
                                    .path("status")
                                    .asText()));
            // and every partner that held it got a REVOKE marked erased, and its outbox holds no other record of it
            for (String holder : holders) {
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(RunInProcess.outbox(outbox.resolve(holder)).stream()
                                        .filter(r ->
                                                id.equals(r.path("indicator_id").asText()))
                                        .toList())
                                .as(holder)
                                .singleElement()
                                .satisfies(r -> {
                                    assertThat(r.path("action").asText()).isEqualTo("REVOKE");
                                    assertThat(r.path("erased").asBoolean()).isTrue();
                                }));
            }
            // and the erasure is recorded by reference: who, when, why, never the value
            Map<String, byte[]> erasures = latest(client, topics.erasures());
            assertThat(erasures).containsKey(key.ref(id));
            assertThat(new String(erasures.get(key.ref(id)), StandardCharsets.UTF_8))
                    .contains("DPA request 2026-117", "operator:alice")
                    .doesNotContain(value);
            // and the indicators topic's last record of it is its tombstone
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        List<byte[]> records = indicatorRecords(client, topics, id);
                        return !records.isEmpty() && records.get(records.size() - 1) == null;
                    });
            // and once compaction runs, the tombstone is all that is left of it (the topic compacts within a day; the
            // test makes that seconds)
            compactSoon(client, topics.indicators());
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(5))
                    .until(() -> {
                        List<byte[]> records = indicatorRecords(client, topics, id);
                        return records.size() == 1 && records.get(0) == null;
                    });
            // and `indicators show` says it is unknown
            RunInProcess.Command show = run.operator("indicators", "show", value);
            assertThat(show.exit()).as(show.output()).isEqualTo(IndicatorsCommand.UNKNOWN);

            // and no receipt holds an indicator in clear, while the operator can still prove it went to INTERPOL
            List<DeliveryReceipt> receipts = receipts(client, topics);
            assertThat(receipts).isNotEmpty();
            assertThat(receipts)
                    .filteredOn(r -> r.getDirection() == ReceiptDirection.OUTBOUND)
                    .flatExtracting(DeliveryReceipt::getRecordIds)
                    .allSatisfy(r -> assertThat(r).startsWith(IndicatorKey.PREFIX));
            assertThat(receipts)
                    .flatExtracting(DeliveryReceipt::getRecordIds)
                    .noneSatisfy(r -> assertThat(r).contains(value));
            String verified = run.asOperator(
                    "audit",
                    "verify",
                    "--partner",
                    "interpol",
                    "--indicator",
                    value,
                    "--indicator-key",
                    dataDir.resolve("secrets/indicator-key").toString(),
                    "--secrets-dir",
                    dataDir.resolve("secrets").toString());
            assertThat(verified).contains("chain INTACT", id + " (" + key.ref(id) + "): delivered to interpol");

            // When a sensor sends it again
            String type = id.substring(0, id.indexOf(':'));
            Path feed = Files.writeString(
                    dataDir.resolve("again.csv"),
                    "type,value,tlp,confidence,families\n" + type + "," + value + ",green,90,Shylock\n");
            run.asOperator("publish", feed.toString(), "--vendor", "acme-ids");

            // Then the hub refuses it as erased, and the dead letter keeps neither its key nor its value
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> erasedDeadLetters(client, topics, key.ref(id)).size() >= 1);
            assertThat(erasedDeadLetters(client, topics, key.ref(id))).allSatisfy(l -> {
                assertThat(l.getOriginalKey()).isNull();
                assertThat(l.getOriginalValue()).isNull();
                assertThat(l.getReason()).doesNotContain(value);
            });
            assertThat(RunInProcess.hubState(ops, id).path("status").asText()).isEqualTo("unknown");
        } finally {
            assertThat(run.stop()).as(run.output()).isZero();
        }
    }

    /** Indicators whose latest record in INTERPOL's outbox is NEW or UPDATE. */
    private static List<String> heldByInterpol(Path outbox) throws Exception {
        Map<String, String> latest = new LinkedHashMap<>();
        for (JsonNode r : RunInProcess.outbox(outbox.resolve("interpol"))) {
            latest.put(r.path("indicator_id").asText(), r.path("action").asText());
        }
        List<String> held = new ArrayList<>();
        latest.forEach((id, action) -> {
            if (action.equals("NEW") || action.equals("UPDATE")) {
                held.add(id);
            }
        });
        return held;
    }

    /** The partners that hold the indicator now, as the hub says. */
    private static List<String> heldBy(String ops, String id) throws Exception {
        List<String> partners = new ArrayList<>();
        RunInProcess.hubState(ops, id).path("state").path("heldBy").forEach(p -> partners.add(p.asText()));
        return partners;
    }

    /** The indicators topic's records of the id, in order; null for a tombstone. */
    private static List<byte[]> indicatorRecords(Map<String, Object> client, ThreatlineTopics topics, String id) {
        List<byte[]> records = new ArrayList<>();
        TopicSnapshot.read(AvroSerdeConfig.kafkaOnly(client), topics.indicators(), r -> {
            if (id.equals(r.key())) {
                records.add(r.value());
            }
        });
        return records;
    }

    /** The latest value of each key of a compacted topic. */
    private static Map<String, byte[]> latest(Map<String, Object> client, String topic) {
        Map<String, byte[]> latest = new HashMap<>();
        TopicSnapshot.read(AvroSerdeConfig.kafkaOnly(client), topic, r -> latest.put(r.key(), r.value()));
        return latest;
    }

    private static List<DeliveryReceipt> receipts(Map<String, Object> client, ThreatlineTopics topics) {
        ConfluentAvroDeserializer<DeliveryReceipt> values = specific(client);
        List<DeliveryReceipt> receipts = new ArrayList<>();
        TopicSnapshot.read(
                AvroSerdeConfig.kafkaOnly(client),
                topics.deliveryAudit(),
                r -> receipts.add(values.deserialize(r.topic(), r.value())));
        return receipts;
    }

    private static List<String> outboundRecordIds(Map<String, Object> client, ThreatlineTopics topics) {
        return receipts(client, topics).stream()
                .filter(r -> r.getDirection() == ReceiptDirection.OUTBOUND)
                .flatMap(r -> r.getRecordIds().stream())
                .toList();
    }

    private static List<DeadLetter> erasedDeadLetters(Map<String, Object> client, ThreatlineTopics topics, String ref) {
        ConfluentAvroDeserializer<DeadLetter> values = specific(client);
        List<DeadLetter> letters = new ArrayList<>();
        TopicSnapshot.read(AvroSerdeConfig.kafkaOnly(client), topics.deadLetter(), r -> {
            DeadLetter l = values.deserialize(r.topic(), r.value());
            if ("INDICATOR_ERASED".equals(l.getReasonCode()) && l.getReason().contains(ref)) {
                letters.add(l);
            }
        });
        return letters;
    }

    private static <T> ConfluentAvroDeserializer<T> specific(Map<String, Object> client) {
        ConfluentAvroDeserializer<T> values = new ConfluentAvroDeserializer<>();
        Map<String, Object> config = new HashMap<>(client);
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        values.configure(config, false);
        return values;
    }

    /** Makes the broker roll and compact the topic within seconds rather than a day. */
    private static void compactSoon(Map<String, Object> client, String topic) throws Exception {
        try (Admin admin = Admin.create(AvroSerdeConfig.kafkaOnly(client))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(
                            resource,
                            List.of(
                                    new AlterConfigOp(new ConfigEntry("segment.ms", "1000"), AlterConfigOp.OpType.SET),
                                    new AlterConfigOp(
                                            new ConfigEntry("min.cleanable.dirty.ratio", "0.01"),
                                            AlterConfigOp.OpType.SET),
                                    new AlterConfigOp(
                                            new ConfigEntry("max.compaction.lag.ms", "1000"),
                                            AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
