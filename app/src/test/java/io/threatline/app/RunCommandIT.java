package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `threatline run`, the README's run command, on its own embedded platform: every scenario partner's
 * folder fills with what its agreement grants and nothing else, and Ctrl-C (the stop latch) ends it.
 */
class RunCommandIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldFillEveryScenarioPartnersFeedWithWhatItsAgreementGrantsAndStopCleanly() throws Exception {
        // Given the run command on the scenario's agreements
        RunInProcess run = RunInProcess.start(dataDir, 1000);

        // When it runs until each partner's outbox has records
        Path outbox = dataDir.resolve("outbox");
        await().atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> RunInProcess.outbox(outbox.resolve("interpol")).size() > 100
                        && RunInProcess.outbox(outbox.resolve("nca-operation-tovar"))
                                        .size()
                                > 20
                        && !RunInProcess.outbox(outbox.resolve("europol-ec3")).isEmpty());
        // and inside Kafka each partner, with the credentials the launcher made for it, reads its own topic only
        java.util.Properties interpol = new java.util.Properties();
        try (var in = Files.newInputStream(dataDir.resolve("secrets/kafka/interpol.properties"))) {
            interpol.load(in);
        }
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("secrets/kafka/interpol.properties")))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Map<String, Object> asInterpol = new java.util.HashMap<>();
        interpol.forEach((k, v) -> asInterpol.put(k.toString(), v));
        asInterpol.put("group.id", "partner.interpol.siem");
        asInterpol.put("auto.offset.reset", "earliest");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                asInterpol,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of("ti.partner.interpol.indicators.v1"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !consumer.poll(Duration.ofMillis(500)).isEmpty());
        }
        asInterpol.remove("group.id");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                asInterpol,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.assign(List.of(
                    new org.apache.kafka.common.TopicPartition("ti.partner.nca-operation-tovar.indicators.v1", 0)));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5)))
                    .isInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        }
        assertThat(run.output())
                .doesNotContain(Files.readString(dataDir.resolve("secrets/kafka/interpol.password"))
                        .strip());
        // and a partner whose client cannot do SCRAM reads its topic over mutual TLS with the certificate run made
        java.util.Properties tls = new java.util.Properties();
        Path tlsSettings = dataDir.resolve("secrets/kafka/interpol.librdkafka.properties");
        try (var in = Files.newInputStream(tlsSettings)) {
            tls.load(in);
        }
        assertThat(tls.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(Files.getPosixFilePermissions(Path.of(tls.getProperty("ssl.key.location"))))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Map<String, Object> overTls = new java.util.HashMap<>();
        overTls.put("bootstrap.servers", tls.getProperty("bootstrap.servers"));
        overTls.put("security.protocol", "SSL");
        overTls.put("ssl.truststore.type", "PEM");
        overTls.put("ssl.truststore.certificates", Files.readString(Path.of(tls.getProperty("ssl.ca.location"))));
        overTls.put("ssl.keystore.type", "PEM");
        overTls.put(
                "ssl.keystore.certificate.chain",
                Files.readString(Path.of(tls.getProperty("ssl.certificate.location"))));
        overTls.put("ssl.keystore.key", Files.readString(Path.of(tls.getProperty("ssl.key.location"))));
        overTls.put("group.id", "partner.interpol.tls");
        overTls.put("auto.offset.reset", "earliest");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                overTls,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of("ti.partner.interpol.indicators.v1"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !consumer.poll(Duration.ofMillis(500)).isEmpty());
        }

        java.util.regex.Matcher ops = java.util.regex.Pattern.compile("Operations: (http://localhost:\\d+)/metrics")
                .matcher(run.output());
        assertThat(ops.find()).as(run.output()).isTrue();
        var http = java.net.http.HttpClient.newHttpClient();
        var ready = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops.group(1) + "/health/ready"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        String metrics = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops.group(1) + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .contains(
                        "threatline_hub_events_in_total",
                        "threatline_hub_rejected_total{reason=",
                        "threatline_hub_routed_total{partner=\"interpol\"}",
                        "threatline_delivery_delivered_total{channel=\"files\",partner=\"interpol\"}");
        // and the scenario's agreements, applied through the same path as `agreements apply`, are in the history of
        // agreements
        String history = run.asOperator("agreements", "history", "interpol");
        assertThat(history)
                .contains(
                        "v1  IGCI-THREATLINE-MOU-2026-01 (INTERPOL IGCI)  took effect",
                        "by threatline run",
                        "ceiling TLP:GREEN",
                        "in force until now (latest)");
        // and `indicators show` prints, besides what the topics hold, the hub's own record asked of run's endpoint
        String shown = RunInProcess.outbox(outbox.resolve("interpol"))
                .get(0)
                .get("indicator_id")
                .asText();
        String show = run.asOperator(
                "indicators",
                "show",
                shown.substring(shown.indexOf(':') + 1),
                "--hub-ops",
                ops.group(1).substring("http://".length()));
        assertThat(show)
                .containsPattern("hub now +[1-9][0-9]* sighting\\(s\\), last 20")
                .contains("(answered by " + ops.group(1).substring("http://".length()) + ")");
        // and `explain` lists the versions INTERPOL received, from its topic's records the receipts cover
        // (receipts name records by keyed hash: explain matches them with the key `run` made, docs/data-protection.md)
        String explain = run.asOperator(
                "indicators",
                "explain",
                shown.substring(shown.indexOf(':') + 1),
                "--partner",
                "interpol",
                "--indicator-key",
                dataDir.resolve("secrets/indicator-key").toString());
        assertThat(explain)
                .containsPattern(
                        "version +NEW TLP:(CLEAR|GREEN) at 20\\S+ under agreement v1 \\(ti\\.partner\\.interpol\\.indicators\\.v1-\\d+@\\d+\\)");
        assertThat(run.stop()).isZero();

        // Then INTERPOL has indicators up to GREEN, without vendors, marked for redistribution
        assertThat(RunInProcess.outbox(outbox.resolve("interpol"))).allSatisfy(r -> {
            assertThat(r.get("indicator_id").asText()).isNotEmpty();
            assertThat(r.get("tlp").asText()).isIn("CLEAR", "GREEN");
            assertThat(r.get("vendors")).isEmpty();
            assertThat(r.get("redistribution_allowed").asBoolean()).isTrue();
        });
        // the national agency only Shylock (Caphaw resolved) up to AMBER; a REVOKE that takes one back because it
        // left the scope names the indicator only (no families), within the ceiling
        assertThat(RunInProcess.outbox(outbox.resolve("nca-operation-tovar"))).allSatisfy(r -> {
            if (r.get("action").asText().equals("NEW")
                    || r.get("action").asText().equals("UPDATE")) {
                assertThat(r.get("malware_families").toString()).contains("Shylock");
            }
            assertThat(r.get("malware_families").toString()).doesNotContain("Caphaw");
            assertThat(r.get("tlp").asText()).isIn("CLEAR", "GREEN", "AMBER");
        });
        // and Europol EC3 statistics only, each count at least its minimum of 5
        assertThat(RunInProcess.outbox(outbox.resolve("europol-ec3"))).allSatisfy(r -> {
            assertThat(r.has("indicator_id")).isFalse();
            assertThat(r.get("count").asLong()).isGreaterThanOrEqualTo(5);
        });
        assertThat(run.output()).contains("Partners and where their feeds are:", "TAXII 2.1 at https://", "Stopped.");
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("secrets/local/interpol-taxii")))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
