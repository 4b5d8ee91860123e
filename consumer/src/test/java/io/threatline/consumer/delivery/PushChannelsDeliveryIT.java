package io.threatline.consumer.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.threatline.consumer.audit.AuditVerifier;
import io.threatline.consumer.webhook.WebhookSignature;
import io.threatline.contract.DeliveryChannel;
import io.threatline.contract.DeliveryReceipt;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery service with the shipped channels against real peers: an HTTP receiver that checks
 * signatures, a folder, the Kafka JSON mirror topic. Includes the outage case: the receiver goes
 * away for a while, nothing is lost, delivery resumes by itself, a repeat carries the same key.
 */
class PushChannelsDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HMAC = "webhook-test-key-0123456789";

    @TempDir
    Path work;

    private DeliveryFixture fixture;
    private DeliveryService service;
    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> keysSeen = new CopyOnWriteArrayList<>();
    private final AtomicInteger badSignatures = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new DeliveryFixture();
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        Path hmac = secrets.resolve("hook-key");
        Files.writeString(hmac, HMAC);
        Files.setPosixFilePermissions(hmac, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        fixture.close();
    }

    private void startReceiver(int port) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long timestamp = Long.parseLong(exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER));
            String expected = WebhookSignature.sign(HMAC.getBytes(StandardCharsets.UTF_8), timestamp, body);
            if (!expected.equals(exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER))) {
                badSignatures.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
                return;
            }
            keysSeen.add(exchange.getRequestHeaders().getFirst(WebhookSignature.IDEMPOTENCY_HEADER));
            for (JsonNode document : JSON.readTree(body)) {
                received.add(document);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    private void startService() throws InterruptedException {
        Map<String, Object> settings = fixture.deliverySettings();
        settings.put(DeliveryConfig.SECRETS_DIR, work.resolve("secrets").toString());
        service = new DeliveryService(settings, StandardChannels.pushChannels(settings));
        service.start();
    }

    private List<DeliveryReceipt> receipts() throws InterruptedException {
        return fixture.receipts(service);
    }

    @Test
    void shouldLoseNothingWhileTheWebhookReceiverIsDownAndResumeByItselfWithTheSameIdempotencyKeys() throws Exception {
        // Given a partner with a signed ECS webhook whose receiver is not running yet
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement(
                "alpha",
                1,
                DeliveryChannel.WEBHOOK,
                Map.of("url", "http://127.0.0.1:" + port + "/hook", "format", "ecs", "hmac_key", "secret:hook-key")));
        List<String> ids = fixture.publishIndicators("alpha", 0, 120, 1);

        // When delivery runs while the receiver is down
        startService();
        DeliveryCounters.Channel counters = service.counters().channel("alpha", "WEBHOOK");
        await().atMost(WAIT).until(() -> counters.retries.sum() >= 3);
        assertThat(counters.delivered.sum()).isZero();

        // and the receiver comes up later
        startReceiver(port);

        // Then every indicator arrives, signed, and no receipt is missing
        await().atMost(WAIT).until(() -> counters.delivered.sum() == 120);
        assertThat(badSignatures.get()).isZero();
        Set<String> indicatorIds = new HashSet<>();
        received.forEach(
                d -> indicatorIds.add(d.path("threatline").path("indicator_id").asText()));
        assertThat(indicatorIds).containsExactlyInAnyOrderElementsOf(ids);
        AuditVerifier.Report report = AuditVerifier.verify(
                "alpha", receipts(), Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(report.intact()).isTrue();
        assertThat(report.recordIds()).containsExactlyInAnyOrderElementsOf(DeliveryFixture.refs(ids));
        assertThat(report.delivered())
                .singleElement()
                .satisfies(d -> assertThat(d.target()).startsWith("http://127.0.0.1:" + port));
        assertThat(counters.failingSince.get()).isZero();
    }

    @Test
    void shouldRepeatAnUnacknowledgedPostWithTheSameIdempotencyKey() throws Exception {
        // Given a receiver that processes the first POST but answers 503, as if it crashed before replying
        AtomicInteger posts = new AtomicInteger();
        List<String> keys = new CopyOnWriteArrayList<>();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            keys.add(exchange.getRequestHeaders().getFirst(WebhookSignature.IDEMPOTENCY_HEADER));
            exchange.sendResponseHeaders(posts.getAndIncrement() == 0 ? 503 : 200, -1);
            exchange.close();
        });
        receiver.start();
        fixture.createPartnerTopics("alpha");
        fixture.putAgreement(DeliveryFixture.agreement(
                "alpha",
                1,
                DeliveryChannel.WEBHOOK,
                Map.of(
                        "url",
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                        "format",
                        "stix",
                        "hmac_key",
                        "secret:hook-key")));
        fixture.publishIndicators("alpha", 0, 10, 1);

        // When delivery runs
        startService();

        // Then the repeat carries the key of the first attempt
        await().atMost(WAIT)
                .until(() ->
                        service.counters().channel("alpha", "WEBHOOK").delivered.sum() == 10);
        assertThat(keys).hasSizeGreaterThanOrEqualTo(2);
        assertThat(keys.get(1)).isEqualTo(keys.get(0));
    }

    @Test
    void shouldFillAPartnersFolderAndItsKafkaJsonMirrorWithReceipts() throws Exception {
        // Given one partner delivered to files (CSV) and another through the Kafka JSON mirror
        Path outbox = work.resolve("outbox/bravo");
        fixture.createPartnerTopics("bravo", "charlie");
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", fixture.client.get("bootstrap.servers")))) {
            io.threatline.platform.kafka.TopicProvisioner.ensure(
                    admin,
                    List.of(new org.apache.kafka.clients.admin.NewTopic(
                            fixture.topics.partnerIndicatorsJson("charlie"), 2, (short) 1)));
        }
        fixture.putAgreement(DeliveryFixture.agreement(
                "bravo",
                1,
                DeliveryChannel.FILES,
                Map.of("directory", outbox.toString(), "format", "csv", "rotate", "PT1H")));
        fixture.putAgreement(DeliveryFixture.agreement("charlie", 1, DeliveryChannel.KAFKA, Map.of("format", "json")));
        List<String> bravo = fixture.publishIndicators("bravo", 0, 70, 1);
        List<String> charlie = fixture.publishIndicators("charlie", 0, 90, 1);

        // When delivery runs and stops (a stop closes the current file)
        startService();
        await().atMost(WAIT).until(() -> service.counters().deliveredTotal() == 160);
        service.close();
        service = null;

        // Then the folder holds bravo's 70 rows and the mirror charlie's 90 JSON records, each receipted
        List<String> csvLines = new ArrayList<>();
        try (var files = Files.list(outbox)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
                List<String> lines = Files.readAllLines(f);
                csvLines.addAll(lines.subList(1, lines.size()));
            }
        }
        assertThat(csvLines).hasSize(70);
        assertThat(bravo)
                .allSatisfy(
                        id -> assertThat(csvLines).anySatisfy(l -> assertThat(l).contains(id)));
        List<JsonNode> mirror = fixture.readAll(fixture.topics.partnerIndicatorsJson("charlie"), (k, v) -> {
            try {
                return JSON.readTree(v);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(mirror).extracting(n -> n.get("indicator_id").asText()).containsExactlyInAnyOrderElementsOf(charlie);
        assertThat(mirror)
                .allSatisfy(n -> assertThat(n.get("agreement_id").asText()).isEqualTo("MOU-charlie"));
        Set<String> bravoReceipted = new HashSet<>(AuditVerifier.verify("bravo", receipts(), Instant.EPOCH, Instant.MAX)
                .recordIds());
        assertThat(bravoReceipted).containsExactlyInAnyOrderElementsOf(DeliveryFixture.refs(bravo));
        AuditVerifier.Report charlieReport = AuditVerifier.verify("charlie", receipts(), Instant.EPOCH, Instant.MAX);
        assertThat(charlieReport.intact()).isTrue();
        assertThat(charlieReport.delivered())
                .singleElement()
                .satisfies(d ->
                        assertThat(d.target()).isEqualTo("kafka:" + fixture.topics.partnerIndicatorsJson("charlie")));
    }
}
