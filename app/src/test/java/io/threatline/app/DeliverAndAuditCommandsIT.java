package io.threatline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import io.threatline.contract.IndicatorType;
import io.threatline.contract.LifecycleAction;
import io.threatline.contract.PartnerIndicator;
import io.threatline.contract.Tlp;
import io.threatline.platform.testing.SharedPlatform;
import io.threatline.schemas.serde.AvroSerdeConfig;
import io.threatline.schemas.serde.ConfluentAvroSerializer;
import io.threatline.schemas.topics.ThreatlineTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `threatline agreements apply`, `deliver` and `audit verify` together, as an operator runs them:
 * a partner's feed written to its folder, then its receipt chain verified — and found broken once
 * a forged receipt is slipped into the audit topic.
 */
class DeliverAndAuditCommandsIT {

    @TempDir
    Path work;

    @Test
    void shouldDeliverAPartnersFeedToFilesAndProveItWithAnIntactChainUntilAReceiptIsForged() throws Exception {
        // Given an agreement with a files channel, applied with the command, and 40 indicators on the partner's topic
        String prefix = "cli" + UUID.randomUUID().toString().substring(0, 8) + ".";
        ThreatlineTopics topics = new ThreatlineTopics(prefix, 2, (short) 1);
        Path outbox = work.resolve("outbox");
        Path agreement = work.resolve("acme.yaml");
        Files.writeString(
                agreement,
                String.join(
                        "\n",
                        "partner_id: acme-cert",
                        "partner_name: ACME CERT",
                        "agreement_id: ACME-2026",
                        "version: 2",
                        "valid_from: 2026-01-01",
                        "data_kinds: [indicators]",
                        "tlp_ceiling: TLP:AMBER",
                        "channels:",
                        "  - channel: files",
                        "    settings:",
                        "      directory: " + outbox,
                        "      format: jsonl",
                        "  - channel: kafka",
                        "    settings:",
                        "      format: json",
                        ""));
        String[] connection = {
            "--bootstrap-servers",
            SharedPlatform.bootstrapServers(),
            "--schema-registry-url",
            SharedPlatform.registryUrl().toString()
        };
        assertThat(run(concat(
                                new String[] {
                                    "init", "--replication-factor", "1", "--partitions", "2", "--topic-prefix", prefix
                                },
                                connection))
                        .exit())
                .isZero();
        assertThat(run(concat(
                                new String[] {
                                    "agreements",
                                    "apply",
                                    agreement.toString(),
                                    "--topic-prefix",
                                    prefix,
                                    "--partitions",
                                    "2"
                                },
                                connection))
                        .exit())
                .isZero();
        List<String> ids = publish(topics, "acme-cert", 40);

        // When `threatline deliver` runs until everything is delivered, then stops
        CommandLine cli = ThreatlineCommand.commandLine();
        StringWriter deliverOut = new StringWriter();
        cli.setOut(new PrintWriter(deliverOut, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        DeliverCommand deliver = cli.getSubcommands().get("deliver").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(concat(
                new String[] {
                    "deliver",
                    "--topic-prefix",
                    prefix,
                    "--partner",
                    "acme-cert",
                    "--ops-port",
                    "0",
                    "--set",
                    "threatline.delivery.group.prefix=" + prefix + "deliver"
                },
                connection)));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> auditVerify(prefix, connection).out().contains("Delivered from"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> auditVerify(prefix, connection).out().contains(": 80 record(s)"));
        // and its operations endpoint reports each channel's count to Prometheus
        java.util.regex.Matcher ops = java.util.regex.Pattern.compile("Operations: (http://localhost:\\d+)/metrics")
                .matcher(deliverOut.toString());
        assertThat(ops.find()).as(deliverOut.toString()).isTrue();
        var http = java.net.http.HttpClient.newHttpClient();
        String metrics = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops.group(1) + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .contains(
                        "threatline_delivery_delivered_total{channel=\"files\",partner=\"acme-cert\"} 40.0",
                        "threatline_delivery_delivered_total{channel=\"kafka\",partner=\"acme-cert\"} 40.0",
                        "threatline_delivery_lag{channel=\"files\",partner=\"acme-cert\"} 0.0");
        assertThat(http.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create(ops.group(1) + "/health/ready"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        deliver.stop.countDown();
        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();

        // Then the folder holds the 40 indicators and the chain is intact, naming both channels under version 2
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(outbox)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        assertThat(lines).hasSize(40);
        assertThat(ids)
                .allSatisfy(
                        id -> assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"" + id + "\"")));
        Result verified = auditVerify(prefix, connection);
        assertThat(verified.exit()).isZero();
        assertThat(verified.out())
                .contains(
                        "chain INTACT",
                        "agreement ACME-2026 v2 via FILES",
                        "agreement ACME-2026 v2 via KAFKA",
                        "kafka:" + topics.partnerIndicatorsJson("acme-cert"));

        // When someone appends a receipt that claims a delivery that never happened
        ConfluentAvroSerializer<DeliveryReceipt> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString()),
                false);
        try (KafkaProducer<String, DeliveryReceipt> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()),
                new StringSerializer(),
                serializer)) {
            DeliveryReceipt forged = DeliveryReceipt.newBuilder()
                    .setReceiptId(UUID.randomUUID().toString())
                    .setPartnerId("acme-cert")
                    .setChannel(DeliveryChannel.FILES)
                    .setChannelTarget(outbox.toString())
                    .setAgreementId("ACME-2026")
                    .setAgreementVersion(2)
                    .setRecordIds(List.of("domain:never-sent.example.com"))
                    .setOffsets(List.of())
                    .setDeliveredAt(Instant.now())
                    .setSequence(999)
                    .setPreviousHash("0".repeat(64))
                    .setHash("f".repeat(64))
                    .build();
            producer.send(new ProducerRecord<>(topics.deliveryAudit(), "acme-cert", forged))
                    .get();
        }

        // Then verification fails with exit code 3 and says where
        Result broken = auditVerify(prefix, connection);
        assertThat(broken.exit()).isEqualTo(3);
        assertThat(broken.out()).contains("chain BROKEN", "BREAK at sequence 999");
    }

    private record Result(int exit, String out) {}

    private static Result auditVerify(String prefix, String[] connection) {
        return run(concat(
                new String[] {"audit", "verify", "--partner", "acme-cert", "--topic-prefix", prefix}, connection));
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = ThreatlineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static List<String> publish(ThreatlineTopics topics, String partner, int count) throws Exception {
        ConfluentAvroSerializer<PartnerIndicator> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        SharedPlatform.registryUrl().toString()),
                false);
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, PartnerIndicator> producer = new KafkaProducer<>(
                Map.<String, Object>of("bootstrap.servers", SharedPlatform.bootstrapServers()),
                new StringSerializer(),
                serializer)) {
            Instant t = Instant.parse("2026-11-20T10:00:00Z");
            for (int i = 0; i < count; i++) {
                PartnerIndicator indicator = PartnerIndicator.newBuilder()
                        .setPartnerId(partner)
                        .setAgreementId("ACME-2026")
                        .setAgreementVersion(2)
                        .setIndicatorId("domain:c2-" + i + ".example.com")
                        .setType(IndicatorType.DOMAIN)
                        .setValue("c2-" + i + ".example.com")
                        .setAction(LifecycleAction.NEW)
                        .setFirstSeen(t)
                        .setLastSeen(t)
                        .setValidUntil(t.plus(Duration.ofDays(90)))
                        .setConfidence(80)
                        .setTlp(Tlp.GREEN)
                        .setSharedAt(t)
                        .build();
                ids.add(indicator.getIndicatorId());
                producer.send(new ProducerRecord<>(
                                topics.partnerIndicators(partner), indicator.getIndicatorId(), indicator))
                        .get();
            }
        }
        return ids;
    }
}
