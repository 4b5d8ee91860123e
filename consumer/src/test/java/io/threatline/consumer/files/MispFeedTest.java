package io.threatline.consumer.files;

import static io.threatline.consumer.delivery.TestRecords.PARTNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.threatline.consumer.delivery.ChannelSettings;
import io.threatline.consumer.delivery.ChannelSink;
import io.threatline.consumer.delivery.DeliveryBatch;
import io.threatline.consumer.delivery.DeliveryException;
import io.threatline.consumer.delivery.Secrets;
import io.threatline.consumer.delivery.TestRecords;
import io.threatline.consumer.delivery.TestRecords.MutableClock;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.Tlp;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MispFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:15:00Z"));

    private ChannelSink sink() {
        return new FileSinkFactory(clock)
                .create(new ChannelSettings(
                        PARTNER,
                        DeliveryChannel.FILES,
                        Map.of("directory", dir.toString(), "format", "misp", "misp_org_name", "NCA Threatline"),
                        new Secrets(Optional.empty(), Map.of())));
    }

    /** md5 hex computed here, independently of the writer. */
    private static String md5(String value) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, digest));
    }

    @Test
    void manifestEventsAndHashesAreConsistent() throws Exception {
        // Given a MISP sink and two batches, one with every type, one with a revoked red indicator
        ChannelSink sink = sink();
        DeliveryBatch first = TestRecords.everyType(DeliveryChannel.FILES, 0);
        DeliveryBatch second = TestRecords.batch(
                DeliveryChannel.FILES,
                100,
                List.of(TestRecords.indicatorBuilder(IndicatorType.DOMAIN, "gone.example.org")
                        .setAction(LifecycleAction.REVOKE)
                        .setTlp(Tlp.RED)
                        .setScore(90)
                        .build()));

        // When both are delivered
        sink.deliver(first);
        clock.advance(java.time.Duration.ofMinutes(1));
        sink.deliver(second);
        sink.close();

        // Then the manifest lists two events, each with its file, and every attribute's md5 is in hashes.csv with its
        // event
        JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
        assertThat(manifest.size()).isEqualTo(2);
        Set<String> hashLines = new HashSet<>(Files.readAllLines(dir.resolve("hashes.csv")));
        int attributes = 0;
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) manifest::fields) {
            String uuid = entry.getKey();
            JsonNode meta = entry.getValue();
            JsonNode event = JSON.readTree(dir.resolve(uuid + ".json").toFile()).get("Event");
            assertThat(event.get("uuid").asText()).isEqualTo(uuid);
            for (String field : List.of("info", "date", "timestamp", "threat_level_id", "analysis", "Orgc", "Tag")) {
                assertThat(meta.get(field)).as(field).isEqualTo(event.get(field));
            }
            assertThat(meta.get("Orgc").get("name").asText()).isEqualTo("NCA Threatline");
            assertThat(meta.get("date").asText()).isEqualTo("2026-11-29");
            for (JsonNode attribute : event.get("Attribute")) {
                assertThat(hashLines).contains(md5(attribute.get("value").asText()) + "," + uuid);
                attributes++;
            }
        }
        assertThat(attributes).isEqualTo(first.size() + second.size());
        assertThat(hashLines).hasSize(attributes);
    }

    @Test
    void indicatorTypesMapToMispAttributeTypesWithTlpTagAndFamilyComment() throws Exception {
        // Given a batch of every type
        DeliveryBatch batch = TestRecords.everyType(DeliveryChannel.FILES, 0);
        ChannelSink sink = sink();

        // When delivered
        sink.deliver(batch);
        sink.close();

        // Then each attribute has the MISP type of its indicator type
        String uuid = JSON.readTree(dir.resolve("manifest.json").toFile())
                .fieldNames()
                .next();
        JsonNode event = JSON.readTree(dir.resolve(uuid + ".json").toFile()).get("Event");
        Map<String, String> typeByValue = new HashMap<>();
        for (JsonNode a : event.get("Attribute")) {
            typeByValue.put(a.get("value").asText(), a.get("type").asText());
            assertThat(a.get("to_ids").asBoolean()).isTrue();
            assertThat(a.get("comment").asText())
                    .contains("families: Emotet, TrickBot")
                    .contains("delivery " + TestRecords.TOPIC + "/0/");
            assertThat(a.get("Tag").get(0).get("name").asText()).isEqualTo("tlp:amber");
            assertThat(a.get("first_seen").asText()).isEqualTo(TestRecords.FIRST_SEEN.toString());
        }
        assertThat(typeByValue)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        TestRecords.valueOf(IndicatorType.IPV4), "ip-dst",
                        TestRecords.valueOf(IndicatorType.IPV6), "ip-dst",
                        TestRecords.valueOf(IndicatorType.DOMAIN), "domain",
                        TestRecords.valueOf(IndicatorType.URL), "url",
                        TestRecords.valueOf(IndicatorType.MD5), "md5",
                        TestRecords.valueOf(IndicatorType.SHA1), "sha1",
                        TestRecords.valueOf(IndicatorType.SHA256), "sha256",
                        TestRecords.valueOf(IndicatorType.EMAIL), "email-src"));
        assertThat(event.get("Tag").get(0).get("name").asText()).isEqualTo("tlp:amber");
        assertThat(event.get("threat_level_id").asInt()).isEqualTo(2);
        assertThat(event.get("published").asBoolean()).isTrue();
    }

    @Test
    void aRevokedIndicatorIsNotForDetectionAndAmberStrictUsesTheTaxonomyTag() throws Exception {
        ChannelSink sink = sink();
        sink.deliver(TestRecords.batch(
                DeliveryChannel.FILES,
                0,
                List.of(TestRecords.indicatorBuilder(IndicatorType.IPV4, "198.51.100.1")
                        .setAction(LifecycleAction.REVOKE)
                        .setTlp(Tlp.AMBER_STRICT)
                        .build())));
        sink.close();

        String uuid = JSON.readTree(dir.resolve("manifest.json").toFile())
                .fieldNames()
                .next();
        JsonNode attribute = JSON.readTree(dir.resolve(uuid + ".json").toFile())
                .get("Event")
                .get("Attribute")
                .get(0);
        assertThat(attribute.get("to_ids").asBoolean()).isFalse();
        assertThat(attribute.get("Tag").get(0).get("name").asText()).isEqualTo("tlp:amber+strict");
    }

    @Test
    void aRetriedBatchReplacesItsEventAndAddsNoHashesTwice() throws Exception {
        // Given a batch already delivered
        DeliveryBatch batch = TestRecords.everyType(DeliveryChannel.FILES, 0);
        ChannelSink sink = sink();
        sink.deliver(batch);
        sink.close();

        // When a restarted sink delivers it again
        ChannelSink restarted = sink();
        restarted.deliver(batch);
        restarted.close();

        // Then there is still one event and one hash line per attribute
        assertThat(JSON.readTree(dir.resolve("manifest.json").toFile()).size()).isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("hashes.csv"))).hasSize(batch.size());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary files left")
                    .noneMatch(n -> n.startsWith(AtomicFiles.TEMP_PREFIX));
        }
    }

    @Test
    void aHalfWrittenHashLineIsCutOffOnStart() throws Exception {
        // Given a hashes.csv whose last line was cut by a crash
        Files.writeString(
                dir.resolve("hashes.csv"),
                "0123456789abcdef0123456789abcdef,5f0c7e8e-0000-0000-0000-000000000000\n0123456789ab");
        Files.writeString(dir.resolve(".tmp-manifest.json"), "{\"half");

        // When a sink starts and delivers
        ChannelSink sink = sink();
        sink.deliver(TestRecords.everyType(DeliveryChannel.FILES, 0));
        sink.close();

        // Then every line is whole and the leftover temporary file is gone
        List<String> lines = Files.readAllLines(dir.resolve("hashes.csv"));
        assertThat(lines)
                .hasSize(1 + TestRecords.types().size())
                .allMatch(l -> l.matches("[0-9a-f]{32},[0-9a-f-]{36}"));
        assertThat(dir.resolve(".tmp-manifest.json")).doesNotExist();
    }

    @Test
    void statisticsCannotBeExpressedInAMispFeed() throws Exception {
        // Given a MISP sink
        ChannelSink sink = sink();
        DeliveryBatch batch = TestRecords.batch(DeliveryChannel.FILES, 0, List.of(TestRecords.statistic("Emotet", 12)));

        // Then a statistic is refused up front, and permanently if it is delivered anyway
        assertThat(sink.cannotExpress(batch.records().get(0)))
                .hasValueSatisfying(r -> assertThat(r).contains("statistic"));
        assertThatThrownBy(() -> sink.deliver(batch))
                .isInstanceOfSatisfying(
                        DeliveryException.class,
                        e -> assertThat(e.isPermanent()).isTrue());
        sink.close();
    }
}
